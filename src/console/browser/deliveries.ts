/**
 * Page script of the delivery log (deliveries.js): "Send again" (POST /v1/deliveries/{id}/retry;
 * asked first when the delivery succeeded; a 409 answer explains why not), "Replay this event"
 * (lib/replay-event.ts), "Resend all N shown by these filters" (lib/resend-all.ts), the attempts of a delivery on demand (lib/attempt-view.ts), and live
 * updates of deliveries that are still pending or retrying.
 */
import type { Delivery, DeliveryDetail } from '../../http/schemas';
import { renderAttempts } from './lib/attempt-view';
import { announce, api, el, find, formatTime, isOpen, setChildren, setRowMessage, snippet, statusBadge, type ApiResult } from './lib/common';
import { confirmSendAgain } from './lib/confirm-send-again';
import { replayEvent } from './lib/replay-event';
import { wireLogFilters } from './lib/log-filters';
import { wireResendAll } from './lib/resend-all';

const POLL_MS = 2000;
const MAX_POLLED = 20;
let polling = false;

function rowOf(id: string): HTMLTableRowElement {
  return find(document, 'tr[data-delivery-id="' + CSS.escape(id) + '"]', HTMLTableRowElement);
}

function cell(row: HTMLElement, name: string): HTMLElement {
  return find(row, '[data-cell="' + name + '"]', HTMLElement);
}

/** Brings a row up to date with a delivery read from the API (with its attempts). */
function updateRow(row: HTMLElement, delivery: DeliveryDetail): void {
  row.dataset.status = delivery.status;
  cell(row, 'status').replaceChildren(statusBadge(delivery.status));
  cell(row, 'attempts').textContent = String(delivery.attempt_count);
  cell(row, 'code').textContent = delivery.last_status_code === null ? '—' : 'HTTP ' + delivery.last_status_code;
  const last = delivery.attempts[delivery.attempts.length - 1];
  const snippetCell = cell(row, 'snippet');
  snippetCell.textContent = last?.response_body ? snippet(last.response_body, 200) : '';
  snippetCell.hidden = !snippetCell.textContent;
  setChildren(cell(row, 'error'),
    delivery.last_error ? el('span', { class: 'error-text' }, delivery.last_error) : el('span', { class: 'muted' }, '—'),
    delivery.status === 'retrying' && delivery.next_attempt_at ? el('span', { class: 'cell-sub' }, 'Next attempt ' + formatTime(delivery.next_attempt_at)) : null,
  );
  const details = document.getElementById('details-' + delivery.id);
  if (details && !details.hidden) renderAttempts(find(details, 'td', HTMLTableCellElement), delivery);
}

async function refresh(row: HTMLElement): Promise<ApiResult<DeliveryDetail>> {
  const result = await api<DeliveryDetail>('GET', '/v1/deliveries/' + encodeURIComponent(row.dataset.deliveryId ?? ''));
  if (result.ok) {
    const wasOpen = isOpen(row.dataset.status ?? '');
    updateRow(row, result.data);
    if (wasOpen && !isOpen(result.data.status)) announce('Delivery ' + result.data.status + '.');
  }
  return result;
}

/** Polls the open deliveries on the page until none is left open. */
async function pollOpenRows(): Promise<void> {
  if (polling) return;
  polling = true;
  for (;;) {
    const open = Array.from(document.querySelectorAll<HTMLTableRowElement>('tr[data-delivery-id]')).filter((row) => isOpen(row.dataset.status ?? ''));
    if (open.length === 0) break;
    await new Promise((resolve) => { setTimeout(resolve, POLL_MS); });
    await Promise.all(open.slice(0, MAX_POLLED).map(refresh));
  }
  polling = false;
}

async function sendAgain(button: HTMLButtonElement): Promise<void> {
  const id = button.dataset.retry ?? '';
  const row = rowOf(id);
  if (row.dataset.status === 'succeeded') {
    const confirmed = await confirmSendAgain(cell(row, 'code').textContent ?? '');
    button.focus();
    if (!confirmed) return;
  }
  button.disabled = true;
  setRowMessage(row, 'Sending again…', null);
  const result = await api<Delivery>('POST', '/v1/deliveries/' + encodeURIComponent(id) + '/retry');
  button.disabled = false;
  if (result.ok) {
    row.dataset.status = result.data.status;
    cell(row, 'status').replaceChildren(statusBadge(result.data.status));
    setRowMessage(row, 'Queued to be sent again.', 'ok');
    void pollOpenRows();
  } else if (result.status === 409) {
    setRowMessage(row, 'Not sent again: ' + result.error.message, 'error');
  } else {
    setRowMessage(row, result.error.message, 'error');
  }
}

async function toggleDetails(button: HTMLButtonElement): Promise<void> {
  const id = button.dataset.details ?? '';
  const details = document.getElementById('details-' + id);
  if (!details) return;
  const target = find(details, 'td', HTMLTableCellElement);
  const opening = details.hidden;
  details.hidden = !opening;
  button.setAttribute('aria-expanded', opening ? 'true' : 'false');
  if (!opening) return;
  target.replaceChildren(el('p', { class: 'muted small' }, 'Loading attempts…'));
  const result = await refresh(rowOf(id));
  if (!result.ok) target.replaceChildren(el('p', { class: 'error-text small' }, result.error.message));
  else renderAttempts(target, result.data);
}

document.addEventListener('click', (event) => {
  if (!(event.target instanceof Element)) return;
  const retry = event.target.closest<HTMLButtonElement>('button[data-retry]');
  if (retry) void sendAgain(retry);
  const details = event.target.closest<HTMLButtonElement>('button[data-details]');
  if (details) void toggleDetails(details);
  const replay = event.target.closest<HTMLButtonElement>('button[data-replay-event]');
  if (replay) void replayEvent(replay);
});
wireLogFilters();
wireResendAll();
void pollOpenRows();
