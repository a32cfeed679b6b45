/**
 * "Resend failed since…" in the editor: POST /v1/automations/{id}/recover with the chosen
 * time, then says how many failed deliveries were queued again, and whether more are left.
 */
import type { Recovered } from '../../../http/schemas';
import { announce, api, byId, el, formatTime, setChildren } from './common';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** A time as a datetime-local value (the reader's zone, to the minute). */
function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function setUpRecovery(automationId: string): void {
  const form = document.getElementById('recover-form');
  if (!(form instanceof HTMLFormElement)) return;
  const input = byId('recover-since', HTMLInputElement);
  const button = byId('recover-button', HTMLButtonElement);
  const result = byId('recover-result', HTMLElement);
  const maxDays = Number(form.dataset.maxDays);
  const earliest = () => Date.now() - maxDays * DAY_MS;

  const now = Date.now();
  input.value = toLocalInput(now - DAY_MS);
  // The next whole minute after the limit, so the earliest choice is still allowed when sent.
  input.min = toLocalInput(Math.ceil(earliest() / MINUTE_MS) * MINUTE_MS + MINUTE_MS);
  input.max = toLocalInput(now);

  function say(kind: 'ok' | 'error' | null, ...content: (string | Node)[]): void {
    setChildren(result, el('p', { class: kind === 'error' ? 'error-text' : kind === 'ok' ? 'success-text' : '' }, ...content));
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    // datetime-local values without an offset are read in the reader's own time zone.
    const since = input.value ? new Date(input.value).getTime() : NaN;
    if (Number.isNaN(since)) { input.setAttribute('aria-invalid', 'true'); say('error', 'Choose the date and time to resend from.'); input.focus(); return; }
    if (since < earliest()) {
      input.setAttribute('aria-invalid', 'true');
      say('error', `Choose a time within the last ${maxDays} days; older failed deliveries cannot be resent from here.`);
      input.focus();
      return;
    }
    if (since >= Date.now()) { input.setAttribute('aria-invalid', 'true'); say('error', 'Choose a time in the past.'); input.focus(); return; }
    input.removeAttribute('aria-invalid');
    button.disabled = true;
    say(null, 'Resending…');
    const answer = await api<Recovered>('POST', '/v1/automations/' + encodeURIComponent(automationId) + '/recover', { since: new Date(since).toISOString() });
    button.disabled = false;
    if (!answer.ok) {
      const detail = answer.error.details[0];
      say('error', 'Nothing was resent: ' + (detail ? detail.path + ' ' + detail.message : answer.error.message));
      return;
    }
    const { recovered, more, next_since: nextSince } = answer.data;
    const count = recovered === 1 ? 'One failed delivery was' : recovered.toLocaleString() + ' failed deliveries were';
    const summary = recovered === 0 ? 'No failed deliveries since ' + formatTime(new Date(since).toISOString()) + ': nothing to resend.' : count + ' queued to be sent again.';
    if (more && nextSince) {
      // Continue from where this call stopped: pressing the button again takes the next batch.
      input.value = toLocalInput(Date.parse(nextSince));
      say('ok', summary + ' ', el('strong', {}, 'More are left'), ' (from ' + formatTime(nextSince) + '): press “Resend failed” again to send the next ones.');
    } else {
      say('ok', summary + ' ', recovered > 0 ? el('a', { href: '/console/deliveries?automation=' + encodeURIComponent(automationId) }, 'Follow them in the delivery log') : '');
    }
    announce(summary + (more ? ' More are left.' : ''));
  });
}
