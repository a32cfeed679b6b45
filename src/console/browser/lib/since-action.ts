/**
 * The editor's actions over a window of time, from a chosen local time until now: "Resend failed
 * since…" (POST …/recover) and "Send past events since…" (POST …/backfill). Each says how many
 * deliveries it queued and, when more are left, continues from there on the next press.
 */
import type { Backfilled, Recovered } from '../../../http/schemas';
import { announce, api, byId, el, formatTime, localInputValue, setChildren } from './common';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

interface SinceAction<A> {
  /** The ids of its form's parts: `${prefix}-form`, `-since`, `-button`, `-result`. */
  prefix: string;
  /** The automation's endpoint it posts to. */
  endpoint: 'recover' | 'backfill';
  count: (answer: A) => number;
  /** What the action does, for "Choose the date and time to … from." */
  verb: string;
  working: string;
  /** The answer in words when it queued nothing, and when it queued n. */
  none: (since: string) => string;
  some: (n: number) => string;
  /** The button's label, for "press … again". */
  button: string;
}

const ACTIONS = {
  recover: {
    prefix: 'recover', endpoint: 'recover', count: (a: Recovered) => a.recovered, verb: 'resend', working: 'Resending…', button: 'Resend failed',
    none: (since: string) => 'No failed deliveries since ' + since + ': nothing to resend.',
    some: (n: number) => (n === 1 ? 'One failed delivery was' : n.toLocaleString() + ' failed deliveries were') + ' queued to be sent again.',
  } satisfies SinceAction<Recovered>,
  backfill: {
    prefix: 'backfill', endpoint: 'backfill', count: (a: Backfilled) => a.backfilled, verb: 'send past events', working: 'Sending past events…',
    button: 'Send past events',
    none: (since: string) => 'No past events since ' + since + ' are left to send to this task.',
    some: (n: number) => (n === 1 ? 'One past event was' : n.toLocaleString() + ' past events were') + ' queued to be sent, marked “Backfill” in the log.',
  } satisfies SinceAction<Backfilled>,
};

function setUp<A extends { more: boolean; next_since: string | null }>(automationId: string, action: SinceAction<A>): void {
  const form = document.getElementById(action.prefix + '-form');
  if (!(form instanceof HTMLFormElement)) return;
  const input = byId(action.prefix + '-since', HTMLInputElement);
  const button = byId(action.prefix + '-button', HTMLButtonElement);
  const result = byId(action.prefix + '-result', HTMLElement);
  const maxDays = Number(form.dataset.maxDays);
  const earliest = () => Date.now() - maxDays * DAY_MS;

  const now = Date.now();
  input.value = localInputValue(now - DAY_MS);
  // The next whole minute after the limit, so the earliest choice is still allowed when sent.
  input.min = localInputValue(Math.ceil(earliest() / MINUTE_MS) * MINUTE_MS + MINUTE_MS);
  input.max = localInputValue(now);

  function say(kind: 'ok' | 'error' | null, ...content: (string | Node)[]): void {
    setChildren(result, el('p', { class: kind === 'error' ? 'error-text' : kind === 'ok' ? 'success-text' : '' }, ...content));
  }
  function refuse(message: string): void {
    input.setAttribute('aria-invalid', 'true');
    say('error', message);
    input.focus();
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    // datetime-local values without an offset are read in the reader's own time zone.
    const since = input.value ? new Date(input.value).getTime() : NaN;
    if (Number.isNaN(since)) { refuse('Choose the date and time to ' + action.verb + ' from.'); return; }
    if (since < earliest()) { refuse(`Choose a time within the last ${maxDays} days; older ones cannot be reached from here.`); return; }
    if (since >= Date.now()) { refuse('Choose a time in the past.'); return; }
    input.removeAttribute('aria-invalid');
    button.disabled = true;
    say(null, action.working);
    const answer = await api<A>('POST', '/v1/automations/' + encodeURIComponent(automationId) + '/' + action.endpoint, { since: new Date(since).toISOString() });
    button.disabled = false;
    if (!answer.ok) {
      const detail = answer.error.details[0];
      say('error', 'Nothing was sent: ' + (detail ? detail.path + ' ' + detail.message : answer.error.message));
      return;
    }
    const { more, next_since: nextSince } = answer.data;
    const n = action.count(answer.data);
    const summary = n === 0 ? action.none(formatTime(new Date(since).toISOString())) : action.some(n);
    if (more && nextSince) {
      // Continue from where this call stopped: pressing the button again takes the next batch.
      input.value = localInputValue(Date.parse(nextSince));
      say('ok', summary + ' ', el('strong', {}, 'More are left'), ' (from ' + formatTime(nextSince) + '): press “' + action.button + '” again to send the next ones.');
    } else {
      say('ok', summary + ' ', n > 0 ? el('a', { href: '/console/deliveries?automation=' + encodeURIComponent(automationId) }, 'Follow them in the delivery log') : '');
    }
    announce(summary + (more ? ' More are left.' : ''));
  });
}

export function setUpSinceActions(automationId: string): void {
  setUp(automationId, ACTIONS.recover);
  setUp(automationId, ACTIONS.backfill);
}
