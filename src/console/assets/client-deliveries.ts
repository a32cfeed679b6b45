/**
 * Browser module deliveries.js: "Send again" (POST /v1/deliveries/{id}/retry; a 409 answer
 * explains why not), the attempts of a delivery on demand, and live updates of deliveries
 * that are still pending or retrying.
 */
export const DELIVERIES_JS = String.raw`
import { announce, api, el, formatTime, setChildren, snippet, statusBadge } from './common.js';

const POLL_MS = 2000;
const MAX_POLLED = 20;
const OPEN = ['pending', 'retrying'];
let polling = false;

function rowOf(id) {
  return document.querySelector('tr[data-delivery-id="' + CSS.escape(id) + '"]');
}

function setMessage(row, text, kind) {
  const message = row.querySelector('.row-message');
  message.className = 'row-message' + (kind ? ' is-' + kind : '');
  message.textContent = text;
}

/** Brings a row up to date with a delivery read from the API (with its attempts). */
function updateRow(row, delivery) {
  row.dataset.status = delivery.status;
  row.querySelector('[data-cell="status"]').replaceChildren(statusBadge(delivery.status));
  row.querySelector('[data-cell="attempts"]').textContent = String(delivery.attempt_count);
  row.querySelector('[data-cell="code"]').textContent = delivery.last_status_code === null ? '—' : 'HTTP ' + delivery.last_status_code;
  const last = delivery.attempts && delivery.attempts[delivery.attempts.length - 1];
  const snippetCell = row.querySelector('[data-cell="snippet"]');
  snippetCell.textContent = last && last.response_body ? snippet(last.response_body, 200) : '';
  snippetCell.hidden = !snippetCell.textContent;
  const errorCell = row.querySelector('[data-cell="error"]');
  setChildren(errorCell,
    delivery.last_error ? el('span', { class: 'error-text' }, delivery.last_error) : el('span', { class: 'muted' }, '—'),
    delivery.status === 'retrying' && delivery.next_attempt_at ? el('span', { class: 'cell-sub' }, 'Next attempt ' + formatTime(delivery.next_attempt_at)) : null,
  );
  const details = document.getElementById('details-' + delivery.id);
  if (details && !details.hidden) renderAttempts(details, delivery);
}

function renderAttempts(detailsRow, delivery) {
  const cell = detailsRow.querySelector('td');
  if (delivery.attempts.length === 0) {
    cell.replaceChildren(el('p', { class: 'muted small' }, 'No attempt has been made yet.'));
    return;
  }
  cell.replaceChildren(el('ol', { class: 'attempts', 'aria-label': 'Attempts' }, delivery.attempts.map(function (attempt) {
    return el('li', {},
      el('strong', {}, 'Attempt ' + attempt.attempt), ' · ', formatTime(attempt.started_at), ' · ', attempt.duration_ms + ' ms',
      ' · ', attempt.status_code === null ? 'no HTTP answer' : 'HTTP ' + attempt.status_code,
      attempt.error ? el('p', { class: 'error-text small' }, attempt.error) : null,
      attempt.response_body ? el('pre', { 'aria-label': 'Response body of attempt ' + attempt.attempt }, attempt.response_body) : null);
  })));
}

async function refresh(row) {
  const result = await api('GET', '/v1/deliveries/' + encodeURIComponent(row.dataset.deliveryId));
  if (result.ok) {
    const wasOpen = OPEN.includes(row.dataset.status);
    updateRow(row, result.data);
    if (wasOpen && !OPEN.includes(result.data.status)) announce('Delivery ' + result.data.status + '.');
  }
  return result;
}

/** Polls the open deliveries on the page until none is left open. */
async function pollOpenRows() {
  if (polling) return;
  polling = true;
  for (;;) {
    const open = Array.from(document.querySelectorAll('tr[data-delivery-id]')).filter(function (row) { return OPEN.includes(row.dataset.status); });
    if (open.length === 0) break;
    await new Promise(function (resolve) { setTimeout(resolve, POLL_MS); });
    await Promise.all(open.slice(0, MAX_POLLED).map(refresh));
  }
  polling = false;
}

async function sendAgain(button) {
  const row = rowOf(button.dataset.retry);
  button.disabled = true;
  setMessage(row, 'Sending again…', null);
  const result = await api('POST', '/v1/deliveries/' + encodeURIComponent(button.dataset.retry) + '/retry');
  button.disabled = false;
  if (result.ok) {
    row.dataset.status = result.data.status;
    row.querySelector('[data-cell="status"]').replaceChildren(statusBadge(result.data.status));
    setMessage(row, 'Queued to be sent again.', 'ok');
    pollOpenRows();
  } else if (result.status === 409) {
    setMessage(row, 'Not sent again: ' + result.error.message, 'error');
  } else {
    setMessage(row, result.error.message, 'error');
  }
}

async function toggleDetails(button) {
  const details = document.getElementById('details-' + button.dataset.details);
  const opening = details.hidden;
  details.hidden = !opening;
  button.setAttribute('aria-expanded', opening ? 'true' : 'false');
  if (!opening) return;
  details.querySelector('td').replaceChildren(el('p', { class: 'muted small' }, 'Loading attempts…'));
  const result = await refresh(rowOf(button.dataset.details));
  if (!result.ok) details.querySelector('td').replaceChildren(el('p', { class: 'error-text small' }, result.error.message));
  else renderAttempts(details, result.data);
}

document.addEventListener('click', function (event) {
  const retry = event.target.closest('button[data-retry]');
  if (retry) sendAgain(retry);
  const details = event.target.closest('button[data-details]');
  if (details) toggleDetails(details);
});
pollOpenRows();
`;
