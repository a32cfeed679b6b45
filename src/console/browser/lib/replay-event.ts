/**
 * "Replay this event" in the delivery log: asks first (this row's task only, or every task of
 * the trigger), then POST /v1/events/{id}/replay and reloads the log with the new deliveries,
 * which are marked "Replay".
 */
import type { Replayed } from '../../../http/schemas';
import { api, ask, byId, find, setRowMessage } from './common';

/** Resolves with the chosen scope, or null when the dialog was cancelled. */
function confirmReplay(taskLabel: string | undefined): Promise<'one' | 'all' | null> {
  const dialog = byId('replay-dialog', HTMLDialogElement);
  const one = find(dialog, 'input[value="one"]', HTMLInputElement);
  const all = find(dialog, 'input[value="all"]', HTMLInputElement);
  // A row of a deleted task can only be replayed to the tasks that exist.
  byId('replay-one-option', HTMLElement).hidden = !taskLabel;
  byId('replay-one-label', HTMLElement).textContent = 'Only ' + (taskLabel ?? 'this task');
  one.checked = Boolean(taskLabel);
  all.checked = !taskLabel;
  return ask(dialog).then((answer) => (answer === 'replay' ? (one.checked ? 'one' : 'all') : null));
}

export async function replayEvent(button: HTMLButtonElement): Promise<void> {
  const row = button.closest('tr');
  if (!row) return;
  const eventId = button.dataset.replayEvent ?? '';
  const automationId = button.dataset.replayAutomation;
  const scope = await confirmReplay(automationId ? button.dataset.replayLabel : undefined);
  button.focus();
  if (!scope) return;
  button.disabled = true;
  setRowMessage(row, 'Replaying…', null);
  const body = scope === 'one' && automationId ? { automation_ids: [automationId] } : {};
  const result = await api<Replayed>('POST', '/v1/events/' + encodeURIComponent(eventId) + '/replay', body);
  button.disabled = false;
  if (!result.ok) {
    const detail = result.error.details[0]?.message;
    setRowMessage(row, 'Not replayed: ' + (detail ?? result.error.message), 'error');
    return;
  }
  if (result.data.deliveries === 0) {
    setRowMessage(row, 'Nothing was sent: no automated task that is on has this event’s trigger.', 'error');
    return;
  }
  // Reload the log (same filters) so the new deliveries appear at the top, and say how many.
  const url = new URL(location.href);
  url.searchParams.delete('cursor');
  url.searchParams.set('replayed', String(result.data.deliveries));
  location.assign(url.href);
}
