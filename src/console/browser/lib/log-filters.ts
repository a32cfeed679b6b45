/**
 * The delivery log's filters (task, status, time range): a change applies at once, by going to
 * the log's address for the new filters, so the URL always holds them (shareable, reloadable).
 * A custom range is typed in local time and sent as ISO `since`/`until`. Without scripts the
 * form has its own submit button (in <noscript>) and the server reads the same fields.
 */
import { byId } from './common';

/** A datetime-local value (local wall-clock time) for an instant. */
function localInputValue(iso: string): string {
  const at = new Date(iso);
  if (isNaN(at.getTime())) return '';
  return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

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

export function wireLogFilters(): void {
  const form = document.getElementById('log-filters');
  if (!(form instanceof HTMLFormElement)) return; // the one-delivery view has no filters
  const range = byId('range-filter', HTMLSelectElement);
  const custom = byId('custom-range', HTMLFieldSetElement);
  const from = byId('range-from', HTMLInputElement);
  const to = byId('range-to', HTMLInputElement);
  // The server wrote the range in UTC; show and take it in the reader's time zone.
  for (const input of [from, to]) if (input.dataset.iso) input.value = localInputValue(input.dataset.iso);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  byId('range-zone', HTMLElement).textContent = 'Times in your time zone' + (zone ? ' (' + zone + ').' : '.');
  custom.hidden = range.value !== 'custom';

  form.addEventListener('change', (event) => {
    if (event.target === range && range.value === 'custom') {
      // Nothing to apply until a time is chosen.
      custom.hidden = false;
      from.focus();
      return;
    }
    if ((event.target === from || event.target === to) && !from.value && !to.value) return;
    window.location.assign(filterUrl(form));
  });
  // Enter in a field (or a script-less habit) still applies, by the same address.
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    window.location.assign(filterUrl(form));
  });
}
