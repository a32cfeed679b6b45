/** Browser module for the settings page (settings.js): the on/off switch of each automated task. */
export const SETTINGS_JS = String.raw`
import { announce, api } from './common.js';

function showState(button, enabled) {
  button.setAttribute('aria-checked', enabled ? 'true' : 'false');
  const label = button.querySelector('.switch-label');
  if (label) label.textContent = enabled ? 'On' : 'Off';
}

async function toggle(button) {
  if (button.getAttribute('aria-busy') === 'true') return;
  const row = button.closest('tr');
  const message = row.querySelector('.row-message');
  const wanted = button.getAttribute('aria-checked') !== 'true';
  button.setAttribute('aria-busy', 'true');
  message.textContent = '';
  message.className = 'row-message';
  const result = await api('PATCH', '/v1/automations/' + encodeURIComponent(button.dataset.toggleAutomation), { enabled: wanted });
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

for (const button of document.querySelectorAll('button[data-toggle-automation]')) {
  button.addEventListener('click', function () { toggle(button); });
}
`;
