/**
 * The attempts of a delivery, in the delivery log: per attempt, the request exactly as it was
 * sent (POST, URL, headers with the signature, body) beside the answer (status, time taken,
 * error, body) — side by side on wide screens, one above the other on narrow ones. Bodies are
 * shown indented, each with a button that copies it as sent (pretty-body.ts).
 * Stored requests never hold a signing secret: only the signature made with it.
 */
import type { Attempt, DeliveryDetail, SentRequest } from '../../../http/schemas';
import { el, formatTime, type Children } from './common';
import { bodyView } from './pretty-body';

/** The stored bound of a request body (SENT_BODY_LIMIT in src/domain/sent-request.ts). */
const SENT_BODY_LIMIT = '64 KiB';

/** Renders the attempts of `delivery` into `target`, newest last (as they happened). */
export function renderAttempts(target: HTMLElement, delivery: DeliveryDetail): void {
  if (delivery.attempts.length === 0) {
    target.replaceChildren(el('p', { class: 'muted small' }, 'No attempt has been made yet.'));
    return;
  }
  target.replaceChildren(el('ol', { class: 'attempts', 'aria-label': 'Attempts' },
    delivery.attempts.map((attempt) => attemptItem(delivery.id, attempt))));
}

function attemptItem(deliveryId: string, attempt: Attempt): HTMLLIElement {
  const id = 'attempt-' + deliveryId + '-' + attempt.attempt;
  const answer = attempt.status_code === null ? 'no HTTP answer' : 'HTTP ' + attempt.status_code;
  return el('li', { class: 'attempt', 'aria-labelledby': id },
    el('h3', { class: 'attempt-title', id },
      'Attempt ' + attempt.attempt, el('span', { class: 'attempt-meta' }, ' · ' + formatTime(attempt.started_at) + ' · ' + answer)),
    el('div', { class: 'attempt-sides' },
      side(id + '-request', 'Request', attempt.attempt, requestView(id, attempt.attempt, attempt.request)),
      side(id + '-response', 'Response', attempt.attempt, responseView(attempt))));
}

/** One half of an attempt; its heading names the attempt too, for a screen reader's list of headings. */
function side(id: string, title: string, attempt: number, content: Children): HTMLElement {
  return el('section', { class: 'attempt-side', 'aria-labelledby': id },
    el('h4', { id }, title, el('span', { class: 'visually-hidden' }, ' of attempt ' + attempt)),
    content);
}

function requestView(id: string, attempt: number, request: SentRequest | null): Children {
  if (!request) {
    return [el('p', { class: 'muted small' },
      'No request is stored for this attempt: either nothing was sent (it stopped before sending, see the error beside), ' +
      'or it was made before requests were kept.')];
  }
  const noteId = id + '-truncated';
  const headers = Object.entries(request.headers);
  return [
    el('p', { class: 'request-line' }, el('span', { class: 'request-method' }, 'POST'), ' ', el('code', { class: 'url' }, request.url)),
    el('p', { class: 'attempt-label', id: id + '-headers' }, 'Headers'),
    // A list, not a nested table: the log's table turns every table inside it into cards on narrow screens.
    el('dl', { class: 'request-headers', 'aria-labelledby': id + '-headers' }, headers.map(([name, value]) =>
      [el('dt', {}, name), el('dd', {}, value)])),
    el('p', { class: 'attempt-label' }, 'Body'),
    request.body
      ? bodyView('Request body of attempt ' + attempt, request.body, request.body_truncated ? noteId : null)
      : el('p', { class: 'muted small' }, 'Empty body.'),
    request.body_truncated && el('p', { class: 'attempt-note warning-text', id: noteId },
      'Only the first ' + SENT_BODY_LIMIT + ' of this body is kept here; the whole body was sent.'),
  ];
}

function responseView(attempt: Attempt): Children {
  return [
    el('dl', { class: 'attempt-facts' },
      el('dt', {}, 'Status'), el('dd', {}, attempt.status_code === null ? 'No HTTP answer' : 'HTTP ' + attempt.status_code),
      el('dt', {}, 'Took'), el('dd', {}, attempt.duration_ms + ' ms'),
      attempt.error && [el('dt', {}, 'Error'), el('dd', { class: 'error-text' }, attempt.error)]),
    el('p', { class: 'attempt-label' }, 'Body', el('span', { class: 'muted' }, ' (the first 1 KiB is kept)')),
    attempt.response_body
      ? bodyView('Response body of attempt ' + attempt.attempt, attempt.response_body, null)
      : el('p', { class: 'muted small' }, attempt.status_code === null ? 'No answer.' : 'Empty body.'),
  ];
}
