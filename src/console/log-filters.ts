/**
 * The delivery log's filters as its URL carries them. The URL is typed or shared by people, so
 * nothing in it fails the page: an unknown or invalid value is left out and named in a note.
 *
 *   automation=<task id | operations id>  status=<status>  range=1h|24h|7d|30d
 *   since=<ISO>&until=<ISO>  (a custom range; the page script writes these from local times)
 *   from=<YYYY-MM-DDTHH:MM>&to=…  (the same, as the form sends it without JavaScript: read as UTC)
 *   call_id=… or event_id=… (or by=call_id&q=…)  cursor=<id> | ending_before=<id>  limit=1…200
 */
import { z } from 'zod';
import { BUSINESS_KEYS, MAX_KEY_LENGTH, type BusinessKey } from '../domain/business-keys';
import { isLogRange, LOG_RANGES, timeRangeProblems, type LogRange } from '../domain/log-query';
import { DeliveryStatus } from '../domain/vocabulary';

export const LOG_LIMIT = 50;
const MAX_LIMIT = 200;

/** What the log can be searched by: a business key of the events, or the event's own id. */
export type LogSearchKey = BusinessKey | 'event_id';
const SEARCH_KEYS: readonly LogSearchKey[] = [...BUSINESS_KEYS, 'event_id'];

export interface LogSearch {
  key: LogSearchKey;
  value: string;
}

/** The search as a delivery-list filter (see DeliveryFilter in src/plane/store/delivery-log.ts). */
export function searchFilter(search: LogSearch | null): { eventId?: string } & Partial<Record<BusinessKey, string>> {
  if (!search) return {};
  return search.key === 'event_id' ? { eventId: search.value } : { [search.key]: search.value };
}

export interface LogFilters {
  automation: string | null;
  status: DeliveryStatus | null;
  /** A preset; or a custom range in `since`/`until` (epoch ms); or neither (any time). */
  range: LogRange | null;
  since: number | null;
  until: number | null;
  search: LogSearch | null;
  limit: number;
  cursor: string | null;
  endingBefore: string | null;
}

type Query = (name: string) => string | undefined;

const IsoTime = z.iso.datetime({ offset: true });
/** What a datetime-local input sends: a wall-clock time with no zone. */
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;

/** Query values are user input: keep them short and drop empty ones. */
function param(query: Query, name: string): string | null {
  const value = query(name)?.trim();
  return value && value.length <= 128 ? value : null;
}

/**
 * The search: `call_id=CA42` (the shareable form, as in the API), or `by=call_id&q=CA42` as
 * the search form sends it. Empty values are no search; the first key given wins.
 */
function readSearch(query: Query): LogSearch | null {
  const by = query('by');
  const q = query('q')?.trim();
  if (q && by) {
    const key = SEARCH_KEYS.find((k) => k === by);
    return key ? { key, value: q.slice(0, MAX_KEY_LENGTH + 1) } : null;
  }
  for (const key of SEARCH_KEYS) {
    const value = query(key)?.trim();
    // One past the longest stored key still finds nothing, as a longer value would.
    if (value) return { key, value: value.slice(0, MAX_KEY_LENGTH + 1) };
  }
  return null;
}

/** One end of a custom range, from `since`/`until` (ISO) or else `from`/`to` (no zone: UTC). */
function readTime(query: Query, isoName: 'since' | 'until', localName: 'from' | 'to', notes: string[]): number | null {
  const iso = param(query, isoName);
  if (iso !== null) {
    if (IsoTime.safeParse(iso).success) return Date.parse(iso);
    notes.push(`“${iso}” is not a date and time, so the range’s ${isoName === 'since' ? 'start' : 'end'} was left out.`);
    return null;
  }
  const local = param(query, localName);
  if (local === null) return null;
  const at = LOCAL_TIME.test(local) ? Date.parse(`${local}Z`) : NaN;
  if (Number.isFinite(at)) return at;
  notes.push(`“${local}” is not a date and time, so the range’s ${localName === 'from' ? 'start' : 'end'} was left out.`);
  return null;
}

/**
 * Reads the filters; `isKnownTask` says whether an automation id may be filtered on (a task of
 * the account, or its operations webhook).
 */
export function readLogFilters(query: Query, isKnownTask: (id: string) => boolean, now: number): { filters: LogFilters; notes: string[] } {
  const notes: string[] = [];

  const statusParam = param(query, 'status');
  const status = statusParam === null ? null : DeliveryStatus.safeParse(statusParam).data ?? null;
  if (statusParam !== null && status === null) notes.push(`“${statusParam}” is not a delivery status, so every status is shown.`);

  const automationParam = param(query, 'automation');
  const automation = automationParam !== null && isKnownTask(automationParam) ? automationParam : null;
  if (automationParam !== null && automation === null) {
    notes.push(`No automated task “${automationParam}” in this account (it may have been deleted), so every task is shown.`);
  }

  let range: LogRange | null = null;
  let since: number | null = null;
  let until: number | null = null;
  const rangeParam = param(query, 'range');
  if (rangeParam !== null && isLogRange(rangeParam)) {
    range = rangeParam;
    since = now - LOG_RANGES[rangeParam].ms;
  } else {
    if (rangeParam !== null && rangeParam !== 'custom') notes.push(`“${rangeParam}” is not a time range, so any time is shown.`);
    since = readTime(query, 'since', 'from', notes);
    until = readTime(query, 'until', 'to', notes);
    const problems = timeRangeProblems({ since: since ?? undefined, until: until ?? undefined });
    if (problems.length > 0) {
      notes.push(`The time range was left out: ${problems.map((p) => `${p.path === 'since' ? 'its start' : 'its end'} ${p.message}`).join('; ')}.`);
      since = null;
      until = null;
    }
  }

  const limitParam = param(query, 'limit');
  const limitValue = limitParam !== null && /^\d{1,3}$/.test(limitParam) ? Number(limitParam) : NaN;
  const limit = limitValue >= 1 && limitValue <= MAX_LIMIT ? limitValue : LOG_LIMIT;
  if (limitParam !== null && limit !== limitValue) notes.push(`“${limitParam}” is not a page size from 1 to ${MAX_LIMIT}, so ${LOG_LIMIT} are shown.`);

  // A newer page is asked for with ending_before; an older one (or a plain link) with cursor.
  const cursor = param(query, 'cursor');
  const endingBefore = cursor === null ? param(query, 'ending_before') : null;

  return { filters: { automation, status, range, since, until, search: readSearch(query), limit, cursor, endingBefore }, notes };
}

/** The log's address for these filters (and page): what the page links to and the script navigates to. */
export function logPath(filters: Partial<LogFilters>): string {
  const query = new URLSearchParams();
  if (filters.automation) query.set('automation', filters.automation);
  if (filters.status) query.set('status', filters.status);
  if (filters.range) query.set('range', filters.range);
  else {
    if (filters.since != null) query.set('since', new Date(filters.since).toISOString());
    if (filters.until != null) query.set('until', new Date(filters.until).toISOString());
  }
  if (filters.search) query.set(filters.search.key, filters.search.value);
  if (filters.limit && filters.limit !== LOG_LIMIT) query.set('limit', String(filters.limit));
  if (filters.cursor) query.set('cursor', filters.cursor);
  else if (filters.endingBefore) query.set('ending_before', filters.endingBefore);
  const text = query.toString();
  return `/console/deliveries${text ? `?${text}` : ''}`;
}

/** The same filters on their first page. */
export const firstPage = (filters: LogFilters): LogFilters => ({ ...filters, cursor: null, endingBefore: null });
