/**
 * The delivery log's filters (task, status, time range) and its search. A filter applies on a
 * confirmed choice — one picked from the select's open list (or by Enter on it), or the Apply
 * button — by going to the log's address for the new filters, so the URL always holds them
 * (shareable, reloadable). Arrow keys on a closed select only move the choice: Chromium fires
 * `change` on each of them, and reloading there would make every option past the first
 * unreachable by keyboard (WCAG 3.2.2); Enter or Apply then applies it. After the page loads
 * again, focus goes back to the control that changed, and after a search to its results.
 * A custom range is typed in local time and sent as ISO `since`/`until`. Without scripts the
 * same form is sent by its Apply button and the server reads the same fields.
 */
import { byId, localInputValue } from './common';

/** Where focus goes on the next page load (the control that changed, or the results of a search). */
const FOCUS_KEY = 'log-focus';
/** Keys that move a closed select's choice without confirming it. */
const MOVING_KEYS = new Set(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown']);

/** The instant a datetime-local value means in this browser's time zone ('' when empty or invalid). */
function isoOfLocal(value: string): string {
  const at = value ? new Date(value) : null; // a date-time without an offset is local time
  return at && !isNaN(at.getTime()) ? at.toISOString() : '';
}

/** The log's address for the form's values: paging starts again, the search and page size stay. */
export function filterUrl(form: HTMLFormElement): string {
  const query = new URLSearchParams();
  const range = new FormData(form).get('range');
  for (const [name, value] of new FormData(form)) {
    if (typeof value !== 'string' || value === '' || name === 'range' || name === 'from' || name === 'to') continue;
    query.set(name, value);
  }
  if (range === 'custom') {
    const since = isoOfLocal(byId('range-from', HTMLInputElement).value);
    const until = isoOfLocal(byId('range-to', HTMLInputElement).value);
    if (since) query.set('since', since);
    if (until) query.set('until', until);
  } else if (typeof range === 'string' && range !== '') {
    query.set('range', range);
  }
  const text = query.toString();
  return form.action.split('?')[0] + (text ? '?' + text : '');
}

/** Focus, once, what the previous page asked for: the filter that changed, or a search's results. */
function restoreFocus(): void {
  let id: string | null = null;
  try {
    id = sessionStorage.getItem(FOCUS_KEY);
    sessionStorage.removeItem(FOCUS_KEY);
  } catch {
    return; // storage refused (private mode): focus stays at the top, as without a script
  }
  const target = id ? document.getElementById(id) : null;
  if (target) target.focus();
}

function focusNext(id: string): void {
  try { sessionStorage.setItem(FOCUS_KEY, id); } catch { /* focus then simply starts at the top */ }
}

export function wireLogFilters(): void {
  restoreFocus();
  const search = document.querySelector<HTMLFormElement>('form[role="search"]');
  search?.addEventListener('submit', () => { focusNext('log-heading'); });

  const form = document.getElementById('log-filters');
  if (!(form instanceof HTMLFormElement)) return; // the one-delivery view has no filters
  const range = byId('range-filter', HTMLSelectElement);
  const from = byId('range-from', HTMLInputElement);
  const to = byId('range-to', HTMLInputElement);
  const hint = byId('filters-hint', HTMLElement);
  // The server wrote the range in UTC; show and take it in the reader's time zone.
  for (const input of [from, to]) if (input.dataset.iso) input.value = localInputValue(Date.parse(input.dataset.iso));
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  byId('range-zone', HTMLElement).textContent = 'Times in your time zone' + (zone ? ' (' + zone + ').' : '.');

  const apply = (changed: Element | null): void => {
    focusNext(changed instanceof HTMLElement && changed.id ? changed.id : 'filters-apply');
    window.location.assign(filterUrl(form));
  };
  // The key that produced the next `change`, if any: a moving key leaves the choice to confirm.
  let movingKey = false;
  form.addEventListener('keydown', (event) => {
    if (!(event.target instanceof HTMLSelectElement)) return;
    movingKey = MOVING_KEYS.has(event.key) || (event.key.length === 1 && event.key !== ' ');
    if (event.key === 'Enter' && event.target.dataset.pending === 'true') {
      event.preventDefault();
      apply(event.target);
    }
  });
  form.addEventListener('keyup', () => { movingKey = false; });
  form.addEventListener('change', (event) => {
    const target = event.target instanceof HTMLElement ? event.target : null;
    if (target === range && range.value === 'custom') {
      from.focus(); // nothing to apply until a time is chosen
      return;
    }
    if ((target === from || target === to) && !from.value && !to.value) return;
    if (target instanceof HTMLSelectElement && movingKey) {
      target.dataset.pending = 'true';
      hint.hidden = false;
      return;
    }
    if (target === from || target === to) return; // a time applies with Enter or Apply, not on each digit
    apply(target);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const pending = form.querySelector<HTMLElement>('[data-pending="true"]');
    apply(event.submitter instanceof HTMLElement ? event.submitter : pending);
  });
}
