/**
 * "Resend all N shown by these filters" (pages/resend-all.tsx): asks first, stating N, then
 * POST /v1/deliveries/retry with the filters the page was drawn with, and reloads the log with
 * what was done in the address (`resent`, `skipped`, `more`), which the page then says.
 */
import type { Retried } from '../../../http/schemas';
import { api, ask, byId } from './common';

export function wireResendAll(): void {
  const box = document.getElementById('resend-all');
  if (!box) return;
  const button = byId('resend-all-button', HTMLButtonElement);
  const dialog = byId('resend-all-dialog', HTMLDialogElement);
  button.addEventListener('click', () => void resendAll(box, button, dialog));
}

async function resendAll(box: HTMLElement, button: HTMLButtonElement, dialog: HTMLDialogElement): Promise<void> {
  const answer = await ask(dialog);
  button.focus();
  if (answer !== 'resend') return;
  button.disabled = true;
  const status = box.querySelector('.resend-all-status') ?? box.appendChild(Object.assign(document.createElement('p'), { className: 'small resend-all-status' }));
  status.setAttribute('role', 'status');
  status.textContent = 'Sending again…';
  const result = await api<Retried>('POST', '/v1/deliveries/retry', JSON.parse(box.dataset.filter ?? '{}'));
  if (!result.ok) {
    button.disabled = false;
    status.textContent = 'Not sent again: ' + (result.error.details[0]?.message ?? result.error.message);
    return;
  }
  const url = new URL(location.href);
  for (const name of ['cursor', 'ending_before', 'resent', 'skipped', 'more']) url.searchParams.delete(name);
  url.searchParams.set('resent', String(result.data.retried));
  if (result.data.skipped > 0) url.searchParams.set('skipped', String(result.data.skipped));
  if (result.data.more) url.searchParams.set('more', '1');
  location.assign(url.href);
}
