/**
 * Browser module editor-tools.js: "Send test" (POST /v1/automations/{id}/test, then polls the
 * delivery until it is final) and the signing secret (show, hide, copy).
 */
export const EDITOR_TOOLS_JS = String.raw`
import { announce, api, el, setChildren, snippet, statusBadge, wait } from './common.js';

const POLL_MS = 1000;
const GIVE_UP_MS = 45000;
const FINAL = ['succeeded', 'failed', 'cancelled'];

function describe(delivery) {
  const last = delivery.attempts[delivery.attempts.length - 1];
  const parts = [];
  if (delivery.last_status_code !== null) parts.push('HTTP ' + delivery.last_status_code);
  if (last) parts.push(last.duration_ms + ' ms');
  parts.push(delivery.attempt_count + (delivery.attempt_count === 1 ? ' attempt' : ' attempts'));
  return { summary: parts.join(' · '), body: last ? last.response_body : null };
}

function renderResult(box, delivery, note) {
  const info = describe(delivery);
  setChildren(box,
    el('p', {}, statusBadge(delivery.status), ' ', info.summary),
    delivery.last_error ? el('p', { class: 'error-text small' }, delivery.last_error) : null,
    info.body ? el('code', { class: 'snippet', 'aria-label': 'Response body' }, snippet(info.body, 300)) : null,
    note ? el('p', { class: 'help' }, note) : null,
    el('p', { class: 'small' }, el('a', { href: '/console/deliveries?automation=' + encodeURIComponent(delivery.automation_id) }, 'Open the delivery log')),
  );
}

async function sendTest(automationId, button, box, isDirty) {
  button.disabled = true;
  box.replaceChildren(el('p', {}, 'Sending a test…'));
  const started = await api('POST', '/v1/automations/' + encodeURIComponent(automationId) + '/test');
  if (!started.ok) {
    button.disabled = false;
    box.replaceChildren(el('p', { class: 'error-text' }, 'The test was not sent: ' + started.error.message));
    return;
  }
  const deliveryId = started.data.delivery_id;
  const deadline = Date.now() + GIVE_UP_MS;
  let delivery = null;
  while (Date.now() < deadline) {
    const result = await api('GET', '/v1/deliveries/' + encodeURIComponent(deliveryId));
    if (result.ok) {
      delivery = result.data;
      if (FINAL.includes(delivery.status)) break;
      renderResult(box, delivery, delivery.status === 'retrying' ? 'The endpoint did not accept it; it will be retried.' : 'Waiting for the endpoint to answer…');
    }
    await wait(POLL_MS);
  }
  button.disabled = false;
  if (!delivery) { box.replaceChildren(el('p', { class: 'error-text' }, 'The test was queued but its result could not be read.')); return; }
  const unsaved = isDirty() ? 'This test used the saved version; your unsaved changes were not sent.' : null;
  const pendingNote = FINAL.includes(delivery.status) ? unsaved : 'Still not final; the delivery log will show how it ends.';
  renderResult(box, delivery, pendingNote);
  announce('Test ' + (delivery.status === 'succeeded' ? 'delivered' : delivery.status) + '. ' + describe(delivery).summary);
}

function setUpSecret(automationId) {
  const show = document.getElementById('show-secret');
  const box = document.getElementById('secret-box');
  const value = document.getElementById('secret-value');
  const copy = document.getElementById('copy-secret');
  const result = document.getElementById('secret-result');
  show.addEventListener('click', async function () {
    if (!box.hidden) {
      box.hidden = true;
      value.value = '';
      show.setAttribute('aria-expanded', 'false');
      show.textContent = 'Show signing secret';
      return;
    }
    const answer = await api('GET', '/v1/automations/' + encodeURIComponent(automationId) + '/secret');
    if (!answer.ok) { result.textContent = 'The secret could not be read: ' + answer.error.message; return; }
    value.value = answer.data.signing_secret;
    box.hidden = false;
    show.setAttribute('aria-expanded', 'true');
    show.textContent = 'Hide signing secret';
    result.textContent = '';
    value.focus();
    value.select();
  });
  copy.addEventListener('click', async function () {
    try {
      await navigator.clipboard.writeText(value.value);
    } catch (err) {
      // Clipboard API refused (permissions, older browser): fall back to the selection.
      value.select();
      document.execCommand('copy');
    }
    result.textContent = 'Copied to the clipboard.';
  });
}

export function setUpTools(automationId, isDirty) {
  const button = document.getElementById('send-test');
  const box = document.getElementById('test-result');
  if (button) button.addEventListener('click', function () { sendTest(automationId, button, box, isDirty); });
  setUpSecret(automationId);
}
`;
