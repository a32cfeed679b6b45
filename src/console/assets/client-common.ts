/**
 * Browser module shared by the console pages (served as /console/assets/common.js).
 *
 * Every read and change goes through the public /v1 API with the session cookie, so the
 * server enforces the same rules as for API clients. Changes carry the page's CSRF token.
 * Written as plain ES2020 in a string (no bundler): avoid backticks and "${" inside.
 */
export const COMMON_JS = String.raw`
const csrfMeta = document.querySelector('meta[name="csrf-token"]');
const csrfToken = csrfMeta ? csrfMeta.getAttribute('content') : '';

/** Calls the API; never throws. Resolves to { ok, status, data } or { ok: false, status, error }. */
export async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    return { ok: false, status: 0, error: { code: 'network', message: 'Could not reach HTTP Notifier. Check your connection and try again.', details: [] } };
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (err) { data = null; }
  if (response.ok) return { ok: true, status: response.status, data };
  const error = data && data.error ? data.error : { code: 'http_' + response.status, message: 'The server answered ' + response.status + '.', details: [] };
  if (response.status === 401) showSessionEnded();
  return { ok: false, status: response.status, error };
}

/** A session that ended while the page was open: say so, and keep the page (and any edits) in place. */
function showSessionEnded() {
  if (document.getElementById('session-ended')) return;
  const notice = el('div', { id: 'session-ended', class: 'callout callout-error', role: 'alert' },
    el('div', {},
      el('h2', {}, 'Your session has ended'),
      el('p', {}, 'Sign in again to continue. Changes on this page have not been saved. ',
        el('a', { href: '/console/sign-in' }, 'Sign in'))));
  const main = document.getElementById('main');
  main.insertBefore(notice, main.firstChild);
}

/** Reads a message out to screen-reader users (and nothing visual). */
export function announce(message) {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  // A fresh text node after a tick makes repeated identical messages be read again.
  setTimeout(function () { region.textContent = message; }, 50);
}

/** Tiny element builder: el('p', { class: 'x' }, 'text', child). Text is always set as text, never as HTML. */
export function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const name of Object.keys(attributes || {})) {
    const value = attributes[name];
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Like node.replaceChildren, but skips null, undefined and false (which the DOM would print as text). */
export function setChildren(node, ...children) {
  node.replaceChildren(...children.flat().filter(function (child) { return child !== null && child !== undefined && child !== false; }));
}

export const STATUS_LABELS = { pending: 'Pending', retrying: 'Retrying', succeeded: 'Succeeded', failed: 'Failed', cancelled: 'Cancelled' };

export function statusBadge(status) {
  return el('span', { class: 'badge badge-' + status }, STATUS_LABELS[status] || status);
}

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function formatTime(iso) {
  const date = new Date(iso);
  return isNaN(date.getTime()) ? iso : timeFormat.format(date);
}

/** Server pages print times in UTC; show them in the reader's own time zone. */
export function localizeTimes(root) {
  for (const node of (root || document).querySelectorAll('time[datetime]')) {
    node.textContent = formatTime(node.getAttribute('datetime'));
    node.title = node.getAttribute('datetime');
  }
}

export function wait(ms) {
  return new Promise(function (resolve) { setTimeout(resolve, ms); });
}

/** Cut long response bodies for table cells; the full text is one click away. */
export function snippet(text, length) {
  if (text === null || text === undefined) return '';
  const flat = String(text).replace(/\s+/g, ' ').trim();
  return flat.length > length ? flat.slice(0, length - 1) + '…' : flat;
}

localizeTimes(document);
`;
