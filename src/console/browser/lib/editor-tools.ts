/**
 * The editor's tools for a saved task: "Send test" (POST /v1/automations/{id}/test, then polls
 * the delivery until it is final) and the signing secret (show, hide, copy, rotate).
 */
import type { DeliveryDetail, RotatedSecret, SigningSecret, TestSend } from '../../../http/schemas';
import { announce, api, ask, byId, el, formatTime, isOpen, localizeTimes, setChildren, snippet, statusBadge, wait } from './common';

const POLL_MS = 1000;
const GIVE_UP_MS = 45000;

function describe(delivery: DeliveryDetail): { summary: string; body: string | null } {
  const last = delivery.attempts[delivery.attempts.length - 1];
  const parts: string[] = [];
  if (delivery.last_status_code !== null) parts.push('HTTP ' + delivery.last_status_code);
  if (last) parts.push(last.duration_ms + ' ms');
  parts.push(delivery.attempt_count + (delivery.attempt_count === 1 ? ' attempt' : ' attempts'));
  return { summary: parts.join(' · '), body: last ? last.response_body : null };
}

function renderResult(box: HTMLElement, delivery: DeliveryDetail, note: string | null): void {
  const info = describe(delivery);
  setChildren(box,
    el('p', {}, statusBadge(delivery.status), ' ', info.summary),
    delivery.last_error ? el('p', { class: 'error-text small' }, delivery.last_error) : null,
    info.body ? el('code', { class: 'snippet', 'aria-label': 'Response body' }, snippet(info.body, 300)) : null,
    note ? el('p', { class: 'help' }, note) : null,
    el('p', { class: 'small' }, el('a', { href: '/console/deliveries?automation=' + encodeURIComponent(delivery.automation_id) }, 'Open the delivery log')),
  );
}

async function sendTest(automationId: string, button: HTMLButtonElement, box: HTMLElement, isDirty: () => boolean): Promise<void> {
  button.disabled = true;
  box.replaceChildren(el('p', {}, 'Sending a test…'));
  const started = await api<TestSend>('POST', '/v1/automations/' + encodeURIComponent(automationId) + '/test');
  if (!started.ok) {
    button.disabled = false;
    box.replaceChildren(el('p', { class: 'error-text' }, 'The test was not sent: ' + started.error.message));
    return;
  }
  const deliveryId = started.data.delivery_id;
  const deadline = Date.now() + GIVE_UP_MS;
  let delivery: DeliveryDetail | null = null;
  while (Date.now() < deadline) {
    const result = await api<DeliveryDetail>('GET', '/v1/deliveries/' + encodeURIComponent(deliveryId));
    if (result.ok) {
      delivery = result.data;
      if (!isOpen(delivery.status)) break;
      renderResult(box, delivery, delivery.status === 'retrying' ? 'The endpoint did not accept it; it will be retried.' : 'Waiting for the endpoint to answer…');
    }
    await wait(POLL_MS);
  }
  button.disabled = false;
  if (!delivery) { box.replaceChildren(el('p', { class: 'error-text' }, 'The test was queued but its result could not be read.')); return; }
  const unsaved = isDirty() ? 'This test used the saved version; your unsaved changes were not sent.' : null;
  const pendingNote = !isOpen(delivery.status) ? unsaved : 'Still not final; the delivery log will show how it ends.';
  renderResult(box, delivery, pendingNote);
  announce('Test ' + (delivery.status === 'succeeded' ? 'delivered' : delivery.status) + '. ' + describe(delivery).summary);
}

/** Wires show, hide and copy; returns a function that shows a given secret (after a rotation). */
function setUpSecret(automationId: string): (secret: string) => void {
  const show = byId('show-secret', HTMLButtonElement);
  const box = byId('secret-box', HTMLElement);
  const value = byId('secret-value', HTMLInputElement);
  const copy = byId('copy-secret', HTMLButtonElement);
  const result = byId('secret-result', HTMLElement);
  const reveal = (secret: string) => {
    value.value = secret;
    box.hidden = false;
    show.setAttribute('aria-expanded', 'true');
    show.textContent = 'Hide signing secret';
    result.textContent = '';
    value.focus();
    value.select();
  };
  show.addEventListener('click', async () => {
    if (!box.hidden) {
      box.hidden = true;
      value.value = '';
      show.setAttribute('aria-expanded', 'false');
      show.textContent = 'Show signing secret';
      return;
    }
    const answer = await api<SigningSecret>('GET', '/v1/automations/' + encodeURIComponent(automationId) + '/secret');
    if (!answer.ok) { result.textContent = 'The secret could not be read: ' + answer.error.message; return; }
    reveal(answer.data.signing_secret);
  });
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(value.value);
    } catch {
      // Clipboard API refused (permissions, older browser): fall back to the selection.
      value.select();
      document.execCommand('copy');
    }
    result.textContent = 'Copied to the clipboard.';
  });
  return reveal;
}

/** "Rotate secret": POST …/secret/rotate with the chosen overlap, then shows the new secret and until when the previous one signs. */
function setUpRotate(automationId: string, reveal: (secret: string) => void): void {
  const button = byId('rotate-secret', HTMLButtonElement);
  const overlap = byId('rotate-overlap', HTMLSelectElement);
  const list = byId('previous-secrets', HTMLUListElement);
  const result = byId('rotate-result', HTMLElement);
  button.addEventListener('click', async () => {
    const hours = Number(overlap.value);
    // No overlap breaks every receiver still on the current secret: the dialog says so, and which.
    if (hours === 0) {
      const answer = await ask(byId('rotate-now-dialog', HTMLDialogElement));
      button.focus();
      if (answer !== 'rotate') { result.textContent = 'Not rotated: the current secret keeps signing.'; return; }
    }
    button.disabled = true;
    result.textContent = 'Rotating…';
    const answer = await api<RotatedSecret>('POST', '/v1/automations/' + encodeURIComponent(automationId) + '/secret/rotate', { previous_valid_for_hours: hours });
    button.disabled = false;
    if (!answer.ok) { result.textContent = 'The secret was not rotated: ' + answer.error.message; return; }
    setChildren(list, answer.data.previous_secrets.map((secret) =>
      el('li', {}, 'A previous secret also signs until ', el('time', { datetime: secret.valid_until }, secret.valid_until))));
    localizeTimes(list);
    const previous = hours === 0
      ? 'The previous secret is no longer sent.'
      : 'The previous secret is still sent alongside it until ' + formatTime(answer.data.previous_valid_until) + '.';
    const message = 'New secret created: it signs every request from now on. Copy it to your receiver. ' + previous;
    result.textContent = message;
    reveal(answer.data.signing_secret);
    announce(message);
  });
}

export function setUpTools(automationId: string, isDirty: () => boolean): void {
  const button = document.getElementById('send-test');
  if (button instanceof HTMLButtonElement) {
    const box = byId('test-result', HTMLElement);
    button.addEventListener('click', () => { void sendTest(automationId, button, box, isDirty); });
  }
  const reveal = setUpSecret(automationId);
  setUpRotate(automationId, reveal);
}
