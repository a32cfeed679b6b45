/**
 * The settings page's operations webhook: save a URL (PUT /v1/account/operations-webhook),
 * remove it, and show its signing secret — at once after saving, and on demand.
 */
import type { OperationsWebhook } from '../../../http/schemas';
import { announce, api, byId, el } from './common';

const PATH = '/v1/account/operations-webhook';

export function setUpOperationsWebhook(): void {
  const form = document.getElementById('ops-form');
  if (!(form instanceof HTMLFormElement)) return;
  const input = byId('ops-url', HTMLInputElement);
  const help = byId('ops-help', HTMLElement);
  const save = byId('ops-save', HTMLButtonElement);
  const remove = byId('ops-remove', HTMLButtonElement);
  const show = byId('ops-show-secret', HTMLButtonElement);
  const box = byId('ops-secret-box', HTMLElement);
  const secret = byId('ops-secret', HTMLInputElement);
  const result = byId('ops-result', HTMLElement);

  function say(text: string, kind: 'ok' | 'error' | null): void {
    result.className = 'result small' + (kind === 'error' ? ' error-text' : '');
    result.textContent = text;
  }

  function showError(message: string): void {
    input.setAttribute('aria-invalid', 'true');
    const note = document.getElementById('ops-url-error') ?? el('p', { class: 'field-error', id: 'ops-url-error' });
    note.textContent = message;
    input.insertAdjacentElement('afterend', note);
    input.setAttribute('aria-describedby', 'ops-url-error ops-help');
    input.focus();
  }

  function clearError(): void {
    input.removeAttribute('aria-invalid');
    document.getElementById('ops-url-error')?.remove();
    input.setAttribute('aria-describedby', 'ops-help');
  }

  function showSecret(value: string | null): void {
    secret.value = value ?? '';
    box.hidden = value === null;
    show.setAttribute('aria-expanded', value === null ? 'false' : 'true');
    show.textContent = value === null ? 'Show signing secret' : 'Hide signing secret';
  }

  function showSaved(hook: OperationsWebhook): void {
    input.value = hook.url ?? '';
    form!.dataset.savedUrl = hook.url ?? '';
    remove.hidden = hook.url === null;
    show.hidden = hook.url === null;
    help.textContent = hook.url ? 'Notices are sent here.' : 'None set: notices are only shown on this page.';
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearError();
    const url = input.value.trim();
    if (!url) { showError('Enter the URL to send notices to (or use Remove to stop sending them).'); return; }
    save.disabled = true;
    say('Saving…', null);
    const answer = await api<OperationsWebhook>('PUT', PATH, { url });
    save.disabled = false;
    if (!answer.ok) {
      const detail = answer.error.details.find((d) => d.path === 'url');
      say('Not saved: ' + (detail ? 'the URL ' + detail.message : answer.error.message), 'error');
      if (detail) showError('The URL ' + detail.message + '.');
      return;
    }
    showSaved(answer.data);
    // Shown once here, so the receiver can be set up with it right away.
    showSecret(answer.data.signing_secret);
    say('Saved. Verify the webhooks with this signing secret (Standard Webhooks); keep it private.', 'ok');
    announce('Operations webhook saved.');
    secret.focus();
    secret.select();
  });

  remove.addEventListener('click', async () => {
    if (!confirm('Stop sending notices to ' + (form.dataset.savedUrl ?? 'this URL') + '? They stay listed on this page.')) return;
    clearError();
    remove.disabled = true;
    const answer = await api<OperationsWebhook>('PUT', PATH, { url: null });
    remove.disabled = false;
    if (!answer.ok) { say('Not removed: ' + answer.error.message, 'error'); return; }
    showSaved(answer.data);
    showSecret(null);
    say('Removed. Notices are only shown on this page now.', 'ok');
    announce('Operations webhook removed.');
    input.focus();
  });

  show.addEventListener('click', async () => {
    if (!box.hidden) { showSecret(null); return; }
    const answer = await api<OperationsWebhook>('GET', PATH);
    if (!answer.ok) { say('The secret could not be read: ' + answer.error.message, 'error'); return; }
    showSecret(answer.data.signing_secret);
    say('', null);
    secret.focus();
    secret.select();
  });
}
