/** Page script of the settings page (settings.js): the on/off switch of each automated task, and the operations webhook. */
import type { Automation } from './lib/api-types';
import { announce, api, find } from './lib/common';
import { setUpOperationsWebhook } from './lib/operations-webhook';

function showState(button: HTMLButtonElement, enabled: boolean): void {
  button.setAttribute('aria-checked', enabled ? 'true' : 'false');
  const label = button.querySelector('.switch-label');
  if (label) label.textContent = enabled ? 'On' : 'Off';
}

async function toggle(button: HTMLButtonElement): Promise<void> {
  if (button.getAttribute('aria-busy') === 'true') return;
  const row = button.closest('tr');
  if (!row) return;
  const message = find(row, '.row-message', HTMLElement);
  const wanted = button.getAttribute('aria-checked') !== 'true';
  button.setAttribute('aria-busy', 'true');
  message.textContent = '';
  message.className = 'row-message';
  const id = button.dataset.toggleAutomation ?? '';
  const result = await api<Automation>('PATCH', '/v1/automations/' + encodeURIComponent(id), { enabled: wanted });
  button.removeAttribute('aria-busy');
  if (!result.ok) {
    message.className = 'row-message is-error';
    message.textContent = result.error.message;
    return;
  }
  showState(button, result.data.enabled);
  // Turning a task back on clears the reason the system had turned it off.
  const reason = row.querySelector('[data-disabled-reason]');
  if (reason && result.data.enabled) reason.remove();
  announce((result.data.enabled ? 'Turned on: ' : 'Turned off: ') + button.getAttribute('aria-label'));
}

for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-toggle-automation]')) {
  button.addEventListener('click', () => { void toggle(button); });
}
setUpOperationsWebhook();
