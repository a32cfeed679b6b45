/**
 * The delivery log's reads (filtered pages with counts, attempts with the request as sent, the
 * newest delivery of each automation) and the attempt rows it shows.
 */
import { BUSINESS_KEYS, type BusinessKey } from '../../domain/business-keys';
import type { AttemptRecord } from '../../domain/delivery-effects';
import { capCount, COUNT_CAP, type CappedCount } from '../../domain/log-query';
import type { DeliveryStatus } from '../../domain/vocabulary';
import { idFloorAt } from '../../crypto/ids';
import { iso, type Page } from '../../db/rows';
import { toDelivery, type Delivery, type DeliveryRow } from './deliveries';
import { eventsWithKey } from './events';
import { packRequest, unpackEventData, unpackRequest, type RequestContext, type Stored } from './packing';
import type { SentUrlIds } from './sent-urls';

export interface Attempt {
  attempt: number;
  started_at: string;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  response_body: string | null;
  /** The request as sent (body cut to SENT_BODY_LIMIT); null when none was sent or it predates v3. */
  request: { url: string; headers: Record<string, string>; body: string; body_truncated: boolean } | null;
}

type AttemptRow = Omit<Attempt, 'started_at' | 'request'> & {
  started_at: number;
  request_url: string | null;
  /** Rows from before schema v7: the headers' JSON and the body as text. */
  request_headers: string | null;
  request_body: string | null;
  request_body_truncated: number;
  /** From v7: headers and body packed together (packing.ts). */
  request_packed: ArrayBuffer | null;
};

const ATTEMPT_COLUMNS = `attempt, started_at, duration_ms, status_code, error, response_body,
  request_url, request_headers, request_body, request_body_truncated, request_packed`;

/** The delivery's event data as stored, which packed requests are read against ('' once gone). */
function deliveryEventData(sql: SqlStorage, deliveryId: string): string {
  const row = sql
    .exec<{ data: Stored }>('SELECT e.data FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.id = ?', deliveryId)
    .toArray()[0];
  return row ? unpackEventData(row.data) : '';
}

/**
 * The request of an attempt row: its headers and body, or the earlier attempt whose body it
 * repeats. Null when the attempt sent nothing.
 */
function requestOf(row: AttemptRow, context: () => RequestContext): { headers: Record<string, string>; body: string } | { headers: Record<string, string>; sameBodyAs: number } | null {
  if (row.request_url === null) return null;
  if (row.request_packed !== null) return unpackRequest(row.request_packed, { ...context(), startedAt: row.started_at });
  return { headers: JSON.parse(row.request_headers ?? '{}') as Record<string, string>, body: row.request_body ?? '' };
}

/** A lazily read context: the event is read (and unpacked) only if a packed request needs it. */
function contextFor(sql: SqlStorage, deliveryId: string): () => RequestContext {
  let eventData: string | undefined;
  return () => ({ deliveryId, startedAt: 0, eventData: (eventData ??= deliveryEventData(sql, deliveryId)) });
}

export function getAttempts(sql: SqlStorage, id: string): Attempt[] {
  const context = contextFor(sql, id);
  const bodies = new Map<number, string>();
  return sql
    .exec<AttemptRow>(`SELECT ${ATTEMPT_COLUMNS} FROM all_attempts WHERE delivery_id = ? ORDER BY attempt`, id)
    .toArray()
    .map((row) => {
      const { attempt, duration_ms, status_code, error, response_body } = row;
      const request = requestOf(row, context);
      // A repeated body is the earlier attempt's, read just before (attempts come in order).
      const body = request === null ? null : 'body' in request ? request.body : (bodies.get(request.sameBodyAs) ?? '');
      if (body !== null) bodies.set(attempt, body);
      return {
        attempt, started_at: iso(row.started_at), duration_ms, status_code, error, response_body,
        request:
          request === null || body === null
            ? null
            : { url: row.request_url!, headers: request.headers, body, body_truncated: row.request_body_truncated === 1 },
      };
    });
}

export interface DeliveryFilter extends Partial<Record<BusinessKey, string>> {
  automationId?: string;
  eventId?: string;
  status?: DeliveryStatus;
  /** Created in [since, until) (epoch ms), read as an id range. */
  since?: number;
  until?: number;
  limit: number;
  /** The older page: deliveries before this id. */
  cursor?: string;
  /** The newer page: deliveries after this id (still listed newest first). */
  endingBefore?: string;
  /** Also count what lies beyond the cursor (a partition's page about to be merged with others). */
  withCursorCount?: boolean;
}

export interface DeliveryPage extends Page<Delivery> {
  /** Set when newer deliveries match: pass it as `endingBefore` for the page before this one. */
  prev_cursor: string | null;
  /** Matching deliveries, counted up to COUNT_CAP; `total_capped` when more match. */
  total: number;
  total_capped: boolean;
  /** Matching deliveries newer than this page (it starts at newer_count + 1); null past COUNT_CAP or for an empty page. */
  newer_count: number | null;
  /**
   * With `withCursorCount`: matching deliveries at or newer than `cursor`, or at or older than
   * `endingBefore` (null past COUNT_CAP); what merging partitions' pages needs (src/domain/log-merge.ts).
   */
  cursor_count?: number | null;
}

/** The condition of the partial status indexes (schema v9), as they were created. */
const UNSUCCEEDED = "status <> 'succeeded'";

/** A condition and the values of its parameters. */
type Condition = [sql: string, ...values: SqlStorageValue[]];

/**
 * The filter as SQL conditions on deliveries. Only the conditions given are written, and the
 * time range is an id range, so SQLite can seek on the primary key or on (status, id),
 * (automation_id, id), (automation_id, status, id) instead of reading the whole history.
 */
function conditionsOf(f: DeliveryFilter): Condition[] {
  const key = BUSINESS_KEYS.find((k) => f[k] !== undefined);
  const conditions: (Condition | false)[] = [
    f.automationId !== undefined && ['automation_id = ?', f.automationId],
    f.eventId !== undefined && ['event_id = ?', f.eventId],
    f.status !== undefined && ['status = ?', f.status],
    // Word for word the partial indexes' condition (schema v9), which is how SQLite knows it
    // may use them: the status indexes hold only deliveries that did not succeed.
    f.status !== undefined && f.status !== 'succeeded' && [UNSUCCEEDED],
    // The key's deliveries, found through the events' key indexes (key is one of a closed list).
    key !== undefined && keyCondition(key, f[key]!),
    f.since !== undefined && ['id >= ?', idFloorAt('dlv', f.since)],
    f.until !== undefined && ['id < ?', idFloorAt('dlv', f.until)],
  ];
  return conditions.filter((c) => c !== false);
}

/** Events with the key: by its hash (rows from v7) or its text (older rows). */
function keyCondition(key: BusinessKey, value: string): Condition {
  const events = eventsWithKey(key, value);
  return [`event_id IN (${events.sql})`, ...events.params];
}

/**
 * `FROM deliveries … WHERE …` of the filter and extra conditions, with its parameters. With a
 * task and a status, SQLite (which has no statistics here) would rather walk (status, id)
 * across every task in the time range; the (automation_id, status, id) index goes straight to
 * the few rows wanted, so it is named. It holds only deliveries that did not succeed; a task's
 * succeeded deliveries (most of its rows) are walked along (automation_id, id). An event or
 * business key narrows further on its own.
 */
function fromWhere(f: DeliveryFilter, extra: Condition[]): { clause: string; params: SqlStorageValue[] } {
  const all = [...conditionsOf(f), ...extra];
  const byKey = f.eventId !== undefined || BUSINESS_KEYS.some((k) => f[k] !== undefined);
  const index = f.automationId !== undefined && f.status !== undefined && !byKey
    ? f.status === 'succeeded' ? ' INDEXED BY deliveries_automation' : ' INDEXED BY deliveries_automation_status_unsucceeded'
    : '';
  const where = all.length ? ` WHERE ${all.map(([condition]) => condition).join(' AND ')}` : '';
  return { clause: `FROM deliveries${index}${where}`, params: all.flatMap(([, ...values]) => values) };
}

function selectMatching(sql: SqlStorage, f: DeliveryFilter, extra: Condition[], tail: string, ...tailParams: SqlStorageValue[]): DeliveryRow[] {
  const { clause, params } = fromWhere(f, extra);
  return sql.exec<DeliveryRow>(`SELECT * ${clause} ${tail}`, ...params, ...tailParams).toArray();
}

/** How many deliveries match (with extra conditions): the count stops past COUNT_CAP. */
function countMatching(sql: SqlStorage, f: DeliveryFilter, extra: Condition[] = []): CappedCount {
  const { clause, params } = fromWhere(f, extra);
  const { n } = sql.exec<{ n: number }>(`SELECT count(*) AS n FROM (SELECT 1 ${clause} LIMIT ?)`, ...params, COUNT_CAP + 1).one();
  return capCount(n);
}

/**
 * The oldest `limit` deliveries matching the filter (its page fields ignored), for acting on a
 * whole filtered set: oldest first, so a set larger than one call's limit continues from where
 * the last call stopped.
 */
export function oldestMatching(sql: SqlStorage, f: Omit<DeliveryFilter, 'limit' | 'cursor' | 'endingBefore'>, limit: number): DeliveryRow[] {
  return selectMatching(sql, { ...f, limit }, [], 'ORDER BY id ASC LIMIT ?', limit);
}

/**
 * Newest first, a page older than `cursor` or newer than `endingBefore` (the first page when
 * neither is given), with cursors both ways and counts up to COUNT_CAP.
 */
export function listDeliveries(sql: SqlStorage, f: DeliveryFilter): DeliveryPage {
  const newerPage = f.endingBefore !== undefined;
  const rows = newerPage
    ? selectMatching(sql, f, [['id > ?', f.endingBefore!]], 'ORDER BY id ASC LIMIT ?', f.limit + 1)
    : selectMatching(sql, f, f.cursor !== undefined ? [['id < ?', f.cursor]] : [], 'ORDER BY id DESC LIMIT ?', f.limit + 1);
  const more = rows.length > f.limit;
  const kept = rows.slice(0, f.limit);
  const sentUrls = latestSentUrls(sql, kept.map((row) => row.id));
  const data = (newerPage ? kept.reverse() : kept).map((row) => toDelivery(row, sentUrls[row.id] ?? null));
  const total = countMatching(sql, f);
  const beyond = cursorCount(sql, f);
  const newest = data[0];
  const oldest = data[data.length - 1];
  if (!newest || !oldest) return { data, next_cursor: null, prev_cursor: null, total: total.count, total_capped: total.capped, newer_count: null, ...beyond };
  // The fetched extra row answers one direction; the other is a count (newer) or a probe (older).
  const newer = (newerPage ? more : f.cursor !== undefined) ? countMatching(sql, f, [['id > ?', newest.id]]) : { count: 0, capped: false };
  const older = newerPage ? selectMatching(sql, f, [['id < ?', oldest.id]], 'LIMIT 1').length > 0 : more;
  return {
    data,
    next_cursor: older ? oldest.id : null,
    prev_cursor: newer.count > 0 ? newest.id : null,
    total: total.count,
    total_capped: total.capped,
    newer_count: newer.capped ? null : newer.count,
    ...beyond,
  };
}

function cursorCount(sql: SqlStorage, f: DeliveryFilter): { cursor_count?: number | null } {
  if (!f.withCursorCount) return {};
  const extra: Condition | null = f.endingBefore !== undefined ? ['id <= ?', f.endingBefore] : f.cursor !== undefined ? ['id >= ?', f.cursor] : null;
  if (!extra) return { cursor_count: 0 };
  const counted = countMatching(sql, f, [extra]);
  return { cursor_count: counted.capped ? null : counted.count };
}

/** The newest delivery of each automation, test sends left out. */
export function lastDeliveries(sql: SqlStorage, automationIds: readonly string[]): Record<string, { id: string; status: DeliveryStatus; created_at: string }> {
  const out: Record<string, { id: string; status: DeliveryStatus; created_at: string }> = {};
  for (const automationId of automationIds) {
    const row = sql
      .exec<Pick<DeliveryRow, 'id' | 'status' | 'created_at'>>(
        'SELECT id, status, created_at FROM deliveries WHERE automation_id = ? AND is_test = 0 ORDER BY id DESC LIMIT 1',
        automationId,
      )
      .toArray()[0];
    if (row) out[automationId] = { id: row.id, status: row.status, created_at: iso(row.created_at) };
  }
  return out;
}

/**
 * Delivery id → the first characters of the body its latest attempt got back (absent when none).
 * One statement per delivery: `all_attempts` is a UNION ALL, and SQLite pushes a condition into
 * its two tables' keys only at the top of a statement; inside a correlated subquery or a join
 * it would read every attempt of the account for each page.
 */
export function latestResponseSnippets(sql: SqlStorage, deliveryIds: readonly string[], chars: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of deliveryIds) {
    const latest = sql
      .exec<{ snippet: string | null }>('SELECT substr(response_body, 1, ?) AS snippet FROM all_attempts WHERE delivery_id = ? ORDER BY attempt DESC LIMIT 1', chars, id)
      .toArray()[0];
    if (latest && latest.snippet !== null) out[id] = latest.snippet;
  }
  return out;
}

/**
 * The URL each delivery's latest request was sent to, for a page of deliveries (none for one
 * never sent). Every attempt keeps its request's URL outside the packed request (as text, or
 * since v14 as a `sent_urls` id the view resolves), so this is one key seek per delivery (one
 * statement each, as above) and the delivery row needs no copy of it: the log shows where a
 * delivery went, not where its task points today.
 */
export function latestSentUrls(sql: SqlStorage, deliveryIds: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of deliveryIds) {
    const sent = sql
      .exec<{ url: string }>('SELECT request_url AS url FROM all_attempts WHERE delivery_id = ? AND request_url IS NOT NULL ORDER BY attempt DESC LIMIT 1', id)
      .toArray()[0];
    if (sent) out[id] = sent.url;
  }
  return out;
}

/**
 * Records an attempt, its request packed (packing.ts) and its URL by id (sent-urls.ts). A body
 * that repeats the one the nearest earlier attempt sent (a retry) is not stored again: the
 * attempt names the attempt that holds it.
 */
export function insertAttempt(sql: SqlStorage, a: AttemptRecord, urls: SentUrlIds): void {
  let packed: ArrayBuffer | null = null;
  if (a.request) {
    const context = contextFor(sql, a.deliveryId);
    const same = attemptWithBody(sql, a.deliveryId, a.attempt, a.request.body, context);
    packed = packRequest(a.request, { ...context(), startedAt: a.startedAt }, same);
  }
  sql.exec(
    `INSERT INTO attempt_log (delivery_id, attempt, started_at, duration_ms, status_code, error, response_body,
                           request_url_id, request_body_truncated, request_packed)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (delivery_id, attempt) DO NOTHING`,
    a.deliveryId, a.attempt, a.startedAt, a.durationMs, a.statusCode, a.error, a.responseBody,
    a.request ? urls.idOf(sql, a.request.url) : null, a.request?.bodyTruncated ? 1 : 0, packed,
  );
}

/** The earlier attempt that holds `body`, if the nearest earlier request sent exactly it. */
function attemptWithBody(sql: SqlStorage, deliveryId: string, attempt: number, body: string, context: () => RequestContext): number | null {
  const read = (query: string, n: number) =>
    sql.exec<AttemptRow>(`SELECT ${ATTEMPT_COLUMNS} FROM all_attempts WHERE delivery_id = ? AND ${query}`, deliveryId, n).toArray()[0];
  const previous = read('attempt < ? AND request_url IS NOT NULL ORDER BY attempt DESC LIMIT 1', attempt);
  const request = previous ? requestOf(previous, context) : null;
  if (!previous || !request) return null;
  if ('body' in request) return request.body === body ? previous.attempt : null;
  // It repeated an earlier body itself: compare with that one, and name it.
  const holder = read('attempt = ?', request.sameBodyAs);
  const held = holder ? requestOf(holder, context) : null;
  return held && 'body' in held && held.body === body ? request.sameBodyAs : null;
}
