/**
 * Page script of the settings page (settings.js): the on/off switch of each automated task, and
 * the operations webhook. Turning off a task with deliveries waiting asks first, with how many
 * are cancelled (lib/turn-off.ts), and says afterwards what happened.
 */
import type { Automation } from '../../http/schemas';
import { announce, api, ask, byId, find, setChildren, setRowMessage } from './lib/common';
import { setUpOperationsWebhook } from './lib/operations-webhook';
import { TURN_OFF_DETAILS, turnedOffReport, waitingCount, waitingWarning } from './lib/turn-off';

function showState(button: HTMLButtonElement, enabled: boolean): void {
  button.setAttribute('aria-checked', enabled ? 'true' : 'false');
  const label = button.querySelector('.switch-label');
  if (label) label.textContent = enabled ? 'On' : 'Off';
}

/** Resolves true when the administrator confirms turning the task off. */
function confirmTurnOff(task: string, waiting: number | null): Promise<boolean> {
  const dialog = byId('turn-off-dialog', HTMLDialogElement);
  byId('turn-off-task', HTMLElement).textContent = task;
  byId('turn-off-warning', HTMLElement).textContent = waitingWarning(waiting);
  byId('turn-off-details', HTMLElement).textContent = TURN_OFF_DETAILS;
  return ask(dialog).then((answer) => answer === 'turn-off');
}

async function toggle(button: HTMLButtonElement): Promise<void> {
  if (button.getAttribute('aria-busy') === 'true') return;
  const row = button.closest('tr');
  if (!row) return;
  const message = find(row, '.row-message', HTMLElement);
  const wanted = button.getAttribute('aria-checked') !== 'true';
  const id = button.dataset.toggleAutomation ?? '';
  const task = button.getAttribute('aria-label') ?? '';
  button.setAttribute('aria-busy', 'true');
  setRowMessage(row, '', null);
  let waiting: number | null = null;
  if (!wanted) {
    waiting = await waitingCount(id);
    if (waiting !== 0) {
      const confirmed = await confirmTurnOff(task, waiting);
      button.focus();
      if (!confirmed) { button.removeAttribute('aria-busy'); return; }
      // Read again: the dialog may have been open a while, and the report compares with this.
      waiting = await waitingCount(id);
    }
  }
  const result = await api<Automation>('PATCH', '/v1/automations/' + encodeURIComponent(id), { enabled: wanted });
  if (!result.ok) {
    button.removeAttribute('aria-busy');
    setRowMessage(row, result.error.message, 'error');
    return;
  }
  showState(button, result.data.enabled);
  // Turned off, the row says what became of its deliveries (a status region: read out too).
  if (!result.data.enabled) setChildren(message, turnedOffReport(id, waiting, await waitingCount(id)));
  button.removeAttribute('aria-busy');
  // Turning a task back on clears the reason the system had turned it off.
  const reason = row.querySelector('[data-disabled-reason]');
  if (reason && result.data.enabled) reason.remove();
  if (result.data.enabled) announce('Turned on: ' + task);
}

/**
 * "Resume now": the pause ends at once and the oldest waiting delivery probes; the note says so
 * (or that it is still paused), and a refusal is shown in the row, not only read out.
 */
async function resumeDestination(button: HTMLButtonElement): Promise<void> {
  const row = button.closest('tr');
  const note = button.closest<HTMLElement>('[data-destination-state]');
  button.disabled = true;
  if (row) setRowMessage(row, '', null);
  const result = await api<{ state: string }>('POST', `/v1/automations/${encodeURIComponent(button.dataset.resumeDestination ?? '')}/destination/resume`);
  if (!result.ok) {
    button.disabled = false;
    if (row) setRowMessage(row, 'Could not resume: ' + result.error.message, 'error');
    announce('Could not resume: ' + result.error.message);
    return;
  }
  const stillPaused = result.data.state === 'paused';
  const text = stillPaused ? 'Still paused' : 'Resumed: the oldest waiting delivery is sent now, as a probe';
  if (note) {
    note.dataset.destinationState = result.data.state;
    note.classList.toggle('warning-text', stillPaused);
    note.classList.toggle('success-text', !stillPaused);
    note.textContent = text;
  }
  announce(text);
}

for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-resume-destination]')) {
  button.addEventListener('click', () => { void resumeDestination(button); });
}

for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-toggle-automation]')) {
  button.addEventListener('click', () => { void toggle(button); });
}
setUpOperationsWebhook();
