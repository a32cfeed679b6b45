/** Page script of the sign-in page (sign-in.js): "Show" reveals the key being typed, to check a paste. */
import { byId } from './lib/common';

const input = byId('key', HTMLInputElement);
const toggle = byId('show-key', HTMLButtonElement);
toggle.hidden = false;
toggle.addEventListener('click', () => {
  const showing = input.type === 'password';
  input.type = showing ? 'text' : 'password';
  toggle.setAttribute('aria-pressed', showing ? 'true' : 'false');
  toggle.textContent = showing ? 'Hide' : 'Show';
  input.focus();
});
// The key is never left readable on the page once the form is sent.
input.form?.addEventListener('submit', () => { input.type = 'password'; });
