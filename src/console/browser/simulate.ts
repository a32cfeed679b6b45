/**
 * Page script of "Simulate a call" (simulate.js): runs the chosen scenario (POST /v1/simulations)
 * and shows its webhooks as a timeline, one entry per event in the call's order, each with the
 * result of every task it went to (linked to that delivery's attempts), followed live until
 * every delivery has finished.
 */
import type { Automation, Delivery, Simulation, Trigger } from '../../http/schemas';
import { announce, api, byId, el, isOpen, setChildren, statusBadge, wait } from './lib/common';

const POLL_MS = 500;
/** After this the page stops following and points to the log. */
const FOLLOW_MS = 90_000;

const form = byId('simulate-form', HTMLFormElement);
const button = byId('simulate-button', HTMLButtonElement);
const status = byId('simulate-status', HTMLElement);
const card = byId('timeline-card', HTMLElement);
const timeline = byId('timeline', HTMLOListElement);
const summary = byId('timeline-summary', HTMLElement);

/** Trigger labels and task names, read once. */
const names = Promise.all([
  api<{ data: Trigger[] }>('GET', '/v1/triggers'),
  api<{ data: Automation[] }>('GET', '/v1/automations?limit=200'),
]).then(([triggers, tasks]) => ({
  trigger: new Map(triggers.ok ? triggers.data.data.map((t) => [t.id, t.label]) : []),
  task: new Map(tasks.ok ? tasks.data.data.map((a) => [a.id, a.name ?? a.url]) : []),
}));

/** The log's search for a run's deliveries: by its call, or for an agent's shift by its agent. */
const logQuery = (run: Simulation) => (run.call_id ? 'call_id=' + encodeURIComponent(run.call_id) : 'agent_id=' + encodeURIComponent(run.agent_id));

const attemptsLink = (id: string) => '/console/deliveries?delivery=' + encodeURIComponent(id);

/** One task's result for one event: its status, answer and attempts, linked to the attempts. */
function resultRow(delivery: { delivery_id: string; automation_id: string }, taskName: string): HTMLLIElement {
  return el('li', { class: 'timeline-result', 'data-delivery-id': delivery.delivery_id },
    el('span', { class: 'timeline-task' }, taskName),
    el('span', { 'data-cell': 'status' }, statusBadge('pending')),
    el('span', { class: 'muted', 'data-cell': 'answer' }, 'waiting to be sent'),
    el('a', { href: attemptsLink(delivery.delivery_id), 'aria-label': 'Attempts of ' + taskName }, 'Attempts'));
}

function render(run: Simulation, labels: Awaited<typeof names>): void {
  const items = run.events.map((event, i) => {
    const sent = run.deliveries.filter((d) => d.event_id === event.event_id);
    return el('li', { class: 'timeline-event', 'data-event-type': event.type },
      el('div', { class: 'timeline-head' },
        el('span', { class: 'timeline-step' }, String(i + 1)),
        el('strong', {}, labels.trigger.get(event.type) ?? event.type),
        el('code', { class: 'muted' }, event.type)),
      sent.length === 0
        ? el('p', { class: 'help' }, 'No task is on for this event.')
        : el('ul', { class: 'timeline-results' }, sent.map((d) => resultRow(d, labels.task.get(d.automation_id) ?? d.automation_id))));
  });
  setChildren(timeline, items);
  const search = logQuery(run);
  setChildren(summary, (run.call_id ? 'Call ' + run.call_id : 'Agent ' + run.agent_id) + ': ' + run.events.length + ' events, '
    + run.deliveries.length + (run.deliveries.length === 1 ? ' webhook. ' : ' webhooks. '), el('a', { href: '/console/deliveries?' + search }, 'See them in the delivery log'));
  card.hidden = false;
}

/** Puts a delivery's current state in its row; true while it is still open. */
function update(delivery: Delivery): boolean {
  const row = timeline.querySelector(`[data-delivery-id="${CSS.escape(delivery.id)}"]`);
  if (!row) return false;
  row.setAttribute('data-status', delivery.status);
  const cell = row.querySelector('[data-cell="status"]');
  if (cell) setChildren(cell, statusBadge(delivery.status));
  const answer = row.querySelector('[data-cell="answer"]');
  const tries = delivery.attempt_count === 1 ? '1 attempt' : delivery.attempt_count + ' attempts';
  if (answer) answer.textContent = (delivery.last_status_code === null ? '' : 'HTTP ' + delivery.last_status_code + ', ') + tries
    + (delivery.last_error ? ' — ' + delivery.last_error : '');
  return isOpen(delivery.status);
}

async function follow(run: Simulation): Promise<void> {
  const query = logQuery(run);
  const until = Date.now() + FOLLOW_MS;
  while (Date.now() < until) {
    const page = await api<{ data: Delivery[] }>('GET', '/v1/deliveries?limit=200&' + query);
    if (page.ok) {
      const mine = page.data.data.filter((d) => run.deliveries.some((r) => r.delivery_id === d.id));
      const open = mine.map(update).some(Boolean);
      if (!open && mine.length === run.deliveries.length) {
        const failed = mine.filter((d) => d.status !== 'succeeded').length;
        const said = failed === 0 ? 'Every webhook of the call was delivered.' : failed + ' of ' + mine.length + ' webhooks were not delivered: open their attempts to see why.';
        status.textContent = said;
        announce(said);
        return;
      }
    }
    await wait(POLL_MS);
  }
  status.textContent = 'Some webhooks are still being sent or retried; follow them in the delivery log.';
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const chosen = form.querySelector<HTMLInputElement>('input[name="scenario"]:checked');
  if (!chosen) return;
  button.disabled = true;
  status.textContent = 'Sending the call’s events…';
  const result = await api<Simulation>('POST', '/v1/simulations', { scenario: chosen.value });
  if (!result.ok) {
    button.disabled = false;
    status.textContent = 'The call was not simulated: ' + result.error.message;
    return;
  }
  render(result.data, await names);
  status.textContent = result.data.deliveries.length === 0
    ? 'No task is on for any event of this call: add one, or turn one on, to see its webhooks here.'
    : 'Sending ' + result.data.deliveries.length + ' webhooks in the call’s order…';
  announce(status.textContent);
  if (result.data.deliveries.length > 0) await follow(result.data);
  button.disabled = false;
});
