/**
 * Shared by the console's page scripts (bundled into each of them).
 *
 * Every read and change goes through the public /v1 API with the session cookie, so the
 * server enforces the same rules as for API clients. Changes carry the page's CSRF token.
 */
import type { ApiError } from '../../../http/schemas';
import type { DeliveryStatus, OpenStatus } from '../../../domain/vocabulary';
import { localizeChartTimes } from './chart-times';
import { shareReaderZone } from './reader-zone';

const csrfToken = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';

export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number; error: ApiError };

/**
 * Calls the API; never throws. `T` is the shape the endpoint documents (a type from src/http/schemas.ts):
 * the server is ours, so its answers are trusted rather than validated again here.
 */
export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    return { ok: false, status: 0, error: { code: 'network', message: 'Could not reach HTTP Notifier. Check your connection and try again.', details: [] } };
  }
  const text = await response.text();
  let data: unknown = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (response.ok) return { ok: true, status: response.status, data: data as T };
  const envelope = data as { error?: ApiError } | null;
  const error = envelope?.error ?? { code: 'http_' + response.status, message: 'The server answered ' + response.status + '.', details: [] };
  if (response.status === 401) showSessionEnded();
  return { ok: false, status: response.status, error };
}

/** The element with this id, of the expected kind. The page renders it, so its absence is a bug: fail loudly. */
export function byId<T extends HTMLElement>(id: string, kind: { new (): T; prototype: T }): T {
  const node = document.getElementById(id);
  if (!(node instanceof kind)) throw new Error(`#${id} is missing or is not a ${kind.name}`);
  return node;
}

/** The status line of a table row (its `.row-message`): text, styled as a success or an error. */
export function setRowMessage(row: HTMLElement, text: string, kind: 'ok' | 'error' | null): void {
  const message = find(row, '.row-message', HTMLElement);
  message.className = 'row-message' + (kind ? ' is-' + kind : '');
  message.textContent = text;
}

/** Opens a confirmation dialog (pages/components.tsx ConfirmDialog) and resolves with the value of the button chosen ('' on Escape). */
export function ask(dialog: HTMLDialogElement): Promise<string> {
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => { resolve(dialog.returnValue); }, { once: true });
    dialog.returnValue = '';
    dialog.showModal();
  });
}

/** The first match of a selector inside root, of the expected kind; like byId, a missing one is a bug. */
export function find<T extends Element>(root: ParentNode, selector: string, kind: { new (): T; prototype: T }): T {
  const node = root.querySelector(selector);
  if (!(node instanceof kind)) throw new Error(`${selector} is missing or is not a ${kind.name}`);
  return node;
}

/** A session that ended while the page was open: say so, and keep the page (and any edits) in place. */
function showSessionEnded(): void {
  if (document.getElementById('session-ended')) return;
  const notice = el('div', { id: 'session-ended', class: 'callout callout-error', role: 'alert' },
    el('div', {},
      el('h2', {}, 'Your session has ended'),
      el('p', {}, 'Sign in again to continue. Changes on this page have not been saved. ',
        el('a', { href: '/console/sign-in?next=' + encodeURIComponent(location.pathname + location.search) }, 'Sign in'))));
  const main = byId('main', HTMLElement);
  main.insertBefore(notice, main.firstChild);
}

/** Reads a message out to screen-reader users (and nothing visual). */
export function announce(message: string): void {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  // A fresh text node after a tick makes repeated identical messages be read again.
  setTimeout(() => { region.textContent = message; }, 50);
}

/** Attribute values for el(): false, null and undefined leave the attribute out; true sets it empty. */
export type Attributes = Record<string, string | number | boolean | null | undefined>;
/** Children for el() and setChildren(): null, undefined and false are skipped (the DOM would print them). */
export type Children = (Node | string | number | null | undefined | false | Children)[];

/** Tiny element builder: el('p', { class: 'x' }, 'text', child). Text is always set as text, never as HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes, ...children: Children): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...present(children));
  return node;
}

/** Like node.replaceChildren, but skips null, undefined and false. */
export function setChildren(node: Element, ...children: Children): void {
  node.replaceChildren(...present(children));
}

function present(children: Children): (Node | string)[] {
  const nodes: (Node | string)[] = [];
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) nodes.push(...present(child));
    else nodes.push(child instanceof Node ? child : String(child));
  }
  return nodes;
}

export const STATUS_LABELS: Readonly<Record<DeliveryStatus, string>> = {
  pending: 'Pending', retrying: 'Retrying', succeeded: 'Succeeded', failed: 'Failed', cancelled: 'Cancelled', expired: 'Expired',
};

/**
 * The statuses still scheduled, as the server's OpenStatus says. The page cannot load that
 * schema, so they are listed again here, but the type makes the compiler reject a list that
 * leaves one out or adds a finished one.
 */
const OPEN: { readonly [S in OpenStatus]: true } = { pending: true, retrying: true };

/** Takes any text, such as a row's data-status: an unknown value counts as finished. */
export const isOpen = (status: string): boolean => Object.hasOwn(OPEN, status);

export function statusBadge(status: DeliveryStatus): HTMLSpanElement {
  return el('span', { class: 'badge badge-' + status }, STATUS_LABELS[status] ?? status);
}

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function formatTime(iso: string): string {
  const date = new Date(iso);
  return isNaN(date.getTime()) ? iso : timeFormat.format(date);
}

/** An instant as a datetime-local value: the reader's wall-clock time, to the minute ('' when invalid). */
export function localInputValue(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  return new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** Server pages print times in UTC; show them in the reader's own time zone. */
export function localizeTimes(root: ParentNode): void {
  for (const node of root.querySelectorAll<HTMLTimeElement>('time[datetime]')) {
    node.textContent = formatTime(node.dateTime);
    node.title = node.dateTime;
  }
}

export function wait(ms: number): Promise<void> {
  return new Promise((resolve) => { setTimeout(resolve, ms); });
}

/** Cut long response bodies for table cells; the full text is one click away. */
export function snippet(text: string | null | undefined, length: number): string {
  if (text === null || text === undefined) return '';
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length ? flat.slice(0, length - 1) + '…' : flat;
}

localizeTimes(document);
localizeChartTimes(document);
shareReaderZone();
