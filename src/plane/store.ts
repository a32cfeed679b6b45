/**
 * Every SQL statement of the account object, with row → domain mappers. Synchronous, as
 * Durable Object SQLite is; callers group writes in `transactionSync`.
 */
import { BUSINESS_KEYS, businessKeysOf, type BusinessKey, type BusinessKeys } from '../domain/business-keys';
import type { DeliveryStatus } from '../domain/delivery-lifecycle';
import { newGate, type Gate, type Lane } from '../domain/destination-gate';
import { iso, isoOrNull, toPage, type Page } from '../db/rows';
import { idFloorAt } from '../crypto/ids';
import { capCount, COUNT_CAP, type CappedCount } from '../domain/log-query';
import { healthy, type Health } from '../domain/automation-health';
import type { NoticeType } from '../domain/vocabulary';
import { hourOf, LATENCY_BUCKETS, latencyBucket, type HourStats } from '../domain/delivery-stats';
import type { SentRequest } from '../domain/sent-request';

export interface Delivery {
  id: string;
  automation_id: string;
  event_id: string;
  is_test: boolean;
  /** Created by replaying a stored event. */
  replay: boolean;
  status: DeliveryStatus;
  attempt_count: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  created_at: string;
  updated_at: string;
}

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
  request_headers: string | null;
  request_body: string | null;
  request_body_truncated: number;
};

export type DeliveryRow = {
  id: string;
  automation_id: string;
  event_id: string;
  destination: string;
  is_test: number;
  replay: number;
  /** Per-call ordering: the business key and event time that order it, and what it waits for. */
  order_key: string | null;
  order_at: number | null;
  waiting_for: string | null;
  status: DeliveryStatus;
  attempt_count: number;
  attempt_base: number;
  opened_at: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: number | null;
  dispatch_token: string | null;
  dispatched_at: number | null;
  lane: Lane | null;
  lease_until: number | null;
  created_at: number;
  updated_at: number;
};

export const toDelivery = (row: DeliveryRow): Delivery => ({
  id: row.id,
  automation_id: row.automation_id,
  event_id: row.event_id,
  is_test: row.is_test === 1,
  replay: row.replay === 1,
  status: row.status,
  attempt_count: row.attempt_count,
  last_status_code: row.last_status_code,
  last_error: row.last_error,
  next_attempt_at: isoOrNull(row.next_attempt_at),
  created_at: iso(row.created_at),
  updated_at: iso(row.updated_at),
});

export const lifecycleOf = (row: DeliveryRow) => ({
  status: row.status,
  attemptCount: row.attempt_count,
  attemptBase: row.attempt_base,
  openedAt: row.opened_at,
  dispatchToken: row.dispatch_token,
  leaseUntil: row.lease_until,
  isTest: row.is_test === 1,
});

// ---- events -----------------------------------------------------------------------------

export interface NewEvent {
  id: string;
  type: string;
  occurredAt: number;
  data: string;
  isTest: boolean;
  receivedAt: number;
}

/**
 * Stores the event (with its business keys) unless its id is known; returns the keys when it
 * was new (so ingestion parses the data once), null for a known id.
 */
export function insertEvent(sql: SqlStorage, event: NewEvent): BusinessKeys | null {
  const keys = businessKeysOf(JSON.parse(event.data));
  const cursor = sql.exec(
    `INSERT INTO events (id, type, occurred_at, data, is_test, received_at, call_id, contact_id, interaction_id, agent_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    event.id, event.type, event.occurredAt, event.data, event.isTest ? 1 : 0, event.receivedAt,
    keys.call_id, keys.contact_id, keys.interaction_id, keys.agent_id,
  );
  return cursor.rowsWritten > 0 ? keys : null;
}

export function eventData(sql: SqlStorage, eventId: string): string | null {
  return sql.exec<{ data: string }>('SELECT data FROM events WHERE id = ?', eventId).toArray()[0]?.data ?? null;
}

export type StoredEvent = {
  id: string;
  type: string;
  occurred_at: number;
  data: string;
  is_test: number;
};

export function getEvent(sql: SqlStorage, eventId: string): StoredEvent | null {
  return sql.exec<StoredEvent>('SELECT id, type, occurred_at, data, is_test FROM events WHERE id = ?', eventId).toArray()[0] ?? null;
}

// ---- deliveries -------------------------------------------------------------------------

export interface NewDelivery {
  id: string;
  automationId: string;
  eventId: string;
  destination: string;
  isTest: boolean;
  replay?: boolean;
  /** Per-call ordering: the key and the event's time; the delivery is first due at `dueAt`. */
  order?: { key: string; at: number };
  dueAt?: number;
  now: number;
}

export function insertDelivery(sql: SqlStorage, d: NewDelivery): void {
  sql.exec(
    `INSERT INTO deliveries (id, automation_id, event_id, destination, is_test, replay, order_key, order_at, status, opened_at,
                             next_attempt_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
    d.id, d.automationId, d.eventId, d.destination, d.isTest ? 1 : 0, d.replay ? 1 : 0, d.order?.key ?? null, d.order?.at ?? null,
    d.now, d.dueAt ?? d.now, d.now, d.now,
  );
}

/**
 * The earliest still-open delivery of the same automation and key that comes before this one
 * (by event time, then arrival), which this one must wait for; null when it may go.
 */
export function earlierOpen(sql: SqlStorage, row: DeliveryRow): string | null {
  return (
    sql
      .exec<{ id: string }>(
        `SELECT id FROM deliveries
         WHERE automation_id = ?1 AND order_key = ?2 AND next_attempt_at IS NOT NULL AND id <> ?4
           AND (order_at < ?3 OR (order_at = ?3 AND id < ?4))
         ORDER BY order_at, id LIMIT 1`,
        row.automation_id, row.order_key, row.order_at, row.id,
      )
      .toArray()[0]?.id ?? null
  );
}

export function waitFor(sql: SqlStorage, id: string, blocker: string): void {
  sql.exec('UPDATE deliveries SET waiting_for = ? WHERE id = ?', blocker, id);
}

/** Deliveries that waited for `id` (now final) may be considered again. */
export function releaseWaiters(sql: SqlStorage, id: string): void {
  sql.exec('UPDATE deliveries SET waiting_for = NULL WHERE waiting_for = ?', id);
}

/** An automation that no longer orders: its waiting deliveries stop waiting. */
export function releaseAutomation(sql: SqlStorage, automationId: string): void {
  sql.exec('UPDATE deliveries SET waiting_for = NULL WHERE automation_id = ? AND waiting_for IS NOT NULL', automationId);
}

export function getDeliveryRow(sql: SqlStorage, id: string): DeliveryRow | null {
  return sql.exec<DeliveryRow>('SELECT * FROM deliveries WHERE id = ?', id).toArray()[0] ?? null;
}

export function getDeliveryRows(sql: SqlStorage, ids: readonly string[]): Map<string, DeliveryRow> {
  const rows = sql.exec<DeliveryRow>('SELECT * FROM deliveries WHERE id IN (SELECT value FROM json_each(?))', JSON.stringify(ids)).toArray();
  return new Map(rows.map((r) => [r.id, r]));
}

export function getAttempts(sql: SqlStorage, id: string): Attempt[] {
  return sql
    .exec<AttemptRow>(
      `SELECT attempt, started_at, duration_ms, status_code, error, response_body,
              request_url, request_headers, request_body, request_body_truncated
       FROM attempts WHERE delivery_id = ? ORDER BY attempt`,
      id,
    )
    .toArray()
    .map(({ request_url, request_headers, request_body, request_body_truncated, ...a }) => ({
      ...a,
      started_at: iso(a.started_at),
      request:
        request_url === null
          ? null
          : {
              url: request_url,
              headers: JSON.parse(request_headers ?? '{}') as Record<string, string>,
              body: request_body ?? '',
              body_truncated: request_body_truncated === 1,
            },
    }));
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
}

export interface DeliveryPage extends Page<Delivery> {
  /** Set when newer deliveries match: pass it as `endingBefore` for the page before this one. */
  prev_cursor: string | null;
  /** Matching deliveries, counted up to COUNT_CAP; `total_capped` when more match. */
  total: number;
  total_capped: boolean;
  /** Matching deliveries newer than this page (it starts at newer_count + 1); null past COUNT_CAP or for an empty page. */
  newer_count: number | null;
}

type Condition = [sql: string, value: SqlStorageValue];

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
    // The key's deliveries, found through the events' key indexes (key is one of a closed list).
    key !== undefined && [`event_id IN (SELECT id FROM events WHERE ${key} = ?)`, f[key]!],
    f.since !== undefined && ['id >= ?', idFloorAt('dlv', f.since)],
    f.until !== undefined && ['id < ?', idFloorAt('dlv', f.until)],
  ];
  return conditions.filter((c) => c !== false);
}

/**
 * `FROM deliveries … WHERE …` of the filter and extra conditions, with its parameters. With a
 * task and a status, SQLite (which has no statistics here) would rather walk (status, id)
 * across every task in the time range; the (automation_id, status, id) index goes straight to
 * the few rows wanted, so it is named. An event or business key narrows further on its own.
 */
function fromWhere(f: DeliveryFilter, extra: Condition[]): { clause: string; params: SqlStorageValue[] } {
  const all = [...conditionsOf(f), ...extra];
  const byKey = f.eventId !== undefined || BUSINESS_KEYS.some((k) => f[k] !== undefined);
  const index = f.automationId !== undefined && f.status !== undefined && !byKey ? ' INDEXED BY deliveries_automation_status' : '';
  const where = all.length ? ` WHERE ${all.map(([condition]) => condition).join(' AND ')}` : '';
  return { clause: `FROM deliveries${index}${where}`, params: all.map(([, value]) => value) };
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
  const data = (newerPage ? kept.reverse() : kept).map(toDelivery);
  const total = countMatching(sql, f);
  const newest = data[0];
  const oldest = data[data.length - 1];
  if (!newest || !oldest) return { data, next_cursor: null, prev_cursor: null, total: total.count, total_capped: total.capped, newer_count: null };
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
  };
}

/** Failed deliveries of an automation created in [since, until), oldest first, at most `limit`. */
export function failedBetween(sql: SqlStorage, automationId: string, since: number, until: number, limit: number): DeliveryRow[] {
  return sql
    .exec<DeliveryRow>(
      `SELECT * FROM deliveries WHERE automation_id = ? AND status = 'failed' AND created_at >= ? AND created_at < ?
       ORDER BY id LIMIT ?`,
      automationId, since, until, limit,
    )
    .toArray();
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

/** Delivery id → the first characters of the body its latest attempt got back (absent when none). */
export function latestResponseSnippets(sql: SqlStorage, deliveryIds: readonly string[], chars: number): Record<string, string> {
  const rows = sql
    .exec<{ delivery_id: string; snippet: string }>(
      `SELECT t.delivery_id, substr(t.response_body, 1, ?) AS snippet FROM attempts t
       WHERE t.delivery_id IN (SELECT value FROM json_each(?)) AND t.response_body IS NOT NULL
         AND t.attempt = (SELECT max(attempt) FROM attempts WHERE delivery_id = t.delivery_id)`,
      chars, JSON.stringify(deliveryIds),
    )
    .toArray();
  return Object.fromEntries(rows.map((r) => [r.delivery_id, r.snippet]));
}

/** The condition of the deliveries_ready index: open, waiting for a queue message, not held back. */
const READY = 'dispatch_token IS NULL AND waiting_for IS NULL AND next_attempt_at IS NOT NULL';

/**
 * The destinations that have ready deliveries, one index row each: every step seeks to the
 * next destination in deliveries_ready instead of walking the deliveries of the one before.
 */
const READY_DESTINATIONS = `ready_destinations(destination) AS (
  SELECT (SELECT min(destination) FROM deliveries WHERE ${READY})
  UNION ALL
  SELECT (SELECT min(destination) FROM deliveries WHERE ${READY} AND destination > r.destination)
  FROM ready_destinations r WHERE r.destination IS NOT NULL)`;

/**
 * Open deliveries that are due and wait for a queue message, at most `perDestination` of each
 * destination (oldest first), so one destination's backlog cannot hide another's. Reads about
 * destinations × perDestination rows, however long a destination's backlog.
 */
export function dueDeliveries(sql: SqlStorage, now: number, perDestination: number, limit: number): DeliveryRow[] {
  return sql
    .exec<DeliveryRow>(
      `WITH RECURSIVE ${READY_DESTINATIONS}
       SELECT d.* FROM ready_destinations r JOIN deliveries d ON d.rowid IN (
         SELECT rowid FROM deliveries
         WHERE destination = r.destination AND next_attempt_at <= ? AND ${READY}
         ORDER BY next_attempt_at, id LIMIT ?)
       ORDER BY d.next_attempt_at, d.id LIMIT ?`,
      now, perDestination, limit,
    )
    .toArray();
}

/** Deliveries out with a queue message or a consumer, per destination. */
export function inFlightByDestination(sql: SqlStorage): Map<string, number> {
  const rows = sql
    .exec<{ destination: string; n: number }>(
      'SELECT destination, count(*) AS n FROM deliveries WHERE dispatch_token IS NOT NULL GROUP BY destination',
    )
    .toArray();
  return new Map(rows.map((r) => [r.destination, r.n]));
}

export function markDispatched(sql: SqlStorage, id: string, token: string, destination: string, lane: Lane, now: number): void {
  sql.exec('UPDATE deliveries SET dispatch_token = ?, dispatched_at = ?, destination = ?, lane = ? WHERE id = ?', token, now, destination, lane, id);
}

export function clearDispatch(sql: SqlStorage, id: string): void {
  sql.exec('UPDATE deliveries SET dispatch_token = NULL, dispatched_at = NULL, lease_until = NULL WHERE id = ?', id);
}

/** Pushes due deliveries of a paused destination to the end of its pause (no attempt used). */
export function postponeDestination(sql: SqlStorage, destination: string, until: number, now: number): void {
  sql.exec(
    `UPDATE deliveries SET next_attempt_at = ?, updated_at = ?
     WHERE destination = ? AND dispatch_token IS NULL AND next_attempt_at IS NOT NULL AND next_attempt_at < ?`,
    until, now, destination, until,
  );
}

/** Queue messages not claimed within `staleMs`, and leases that ran out (a crashed consumer). */
export function staleDispatches(sql: SqlStorage, now: number, staleMs: number): { resend: DeliveryRow[]; expired: string[] } {
  const resend = sql
    .exec<DeliveryRow>('SELECT * FROM deliveries WHERE dispatch_token IS NOT NULL AND lease_until IS NULL AND dispatched_at < ? LIMIT 500', now - staleMs)
    .toArray();
  const expired = sql
    .exec<{ id: string }>('SELECT id FROM deliveries WHERE lease_until IS NOT NULL AND lease_until < ? LIMIT 500', now)
    .toArray()
    .map((r) => r.id);
  return { resend, expired };
}

export function touchDispatched(sql: SqlStorage, id: string, now: number): void {
  sql.exec('UPDATE deliveries SET dispatched_at = ? WHERE id = ?', now, id);
}

/** Takes the lease and counts the attempt up front, so a crash mid-send still uses it. */
export function leaseForSend(sql: SqlStorage, id: string, leaseUntil: number, now: number): void {
  sql.exec('UPDATE deliveries SET lease_until = ?, attempt_count = attempt_count + 1, updated_at = ? WHERE id = ?', leaseUntil, now, id);
}

export interface Closing {
  status: DeliveryStatus;
  lastStatusCode?: number | null;
  lastError: string | null;
  nextAttemptAt: number | null;
}

/**
 * Writes a delivery's new state and releases its queue message and lease; once it is final,
 * the deliveries that waited for it (per-call ordering) may go.
 */
export function settle(sql: SqlStorage, id: string, c: Closing, now: number): void {
  sql.exec(
    `UPDATE deliveries SET status = ?, last_status_code = coalesce(?, last_status_code), last_error = ?, next_attempt_at = ?,
       dispatch_token = NULL, dispatched_at = NULL, lease_until = NULL, waiting_for = NULL, updated_at = ?
     WHERE id = ?`,
    c.status, c.lastStatusCode ?? null, c.lastError, c.nextAttemptAt, now, id,
  );
  if (c.nextAttemptAt === null) releaseWaiters(sql, id);
  countOutcome(sql, id, c.status, now);
}

const OUTCOME_COLUMN: Partial<Record<DeliveryStatus, string>> = {
  succeeded: 'succeeded', failed: 'failed', cancelled: 'cancelled', retrying: 'retried',
};

/**
 * Adds an outcome to its automation's hour, in the caller's transaction: every way a delivery
 * settles goes through `settle`, so the rollups cannot miss one. Test sends are left out.
 */
function countOutcome(sql: SqlStorage, id: string, status: DeliveryStatus, now: number): void {
  const column = OUTCOME_COLUMN[status];
  if (!column) return;
  sql.exec(
    `INSERT INTO stats_hourly (automation_id, hour, ${column}) SELECT automation_id, ?, 1 FROM deliveries WHERE id = ? AND is_test = 0
     ON CONFLICT (automation_id, hour) DO UPDATE SET ${column} = ${column} + 1`,
    hourOf(now), id,
  );
}

/** Adds an attempt (and its latency when a request went out) to its automation's hour. */
export function countAttempt(sql: SqlStorage, automationId: string, at: number, failed: boolean, latencyMs: number | null): void {
  const lat = latencyMs === null ? null : `lat_${latencyBucket(latencyMs)}`;
  sql.exec(
    `INSERT INTO stats_hourly (automation_id, hour, attempts, attempts_failed${lat ? `, ${lat}` : ''}) VALUES (?, ?, 1, ?${lat ? ', 1' : ''})
     ON CONFLICT (automation_id, hour) DO UPDATE SET attempts = attempts + 1, attempts_failed = attempts_failed + excluded.attempts_failed
       ${lat ? `, ${lat} = ${lat} + 1` : ''}`,
    automationId, hourOf(at), failed ? 1 : 0,
  );
}

const LATENCY_COLUMNS = Array.from({ length: LATENCY_BUCKETS }, (_, i) => `lat_${i}`);

/**
 * The hours since `from` of one automation, or summed over the account's automations (leaving
 * out `exclude`, the operations webhook). At most 168 rows per automation.
 */
export function statsHours(sql: SqlStorage, automationId: string | null, from: number, exclude: string): HourStats[] {
  const sums = ['succeeded', 'failed', 'cancelled', 'retried', 'attempts', 'attempts_failed', ...LATENCY_COLUMNS]
    .map((c) => `sum(${c}) AS ${c}`)
    .join(', ');
  return sql
    .exec<Record<string, number>>(
      `SELECT hour, ${sums} FROM stats_hourly
       WHERE hour >= ?1 AND (?2 IS NULL OR automation_id = ?2) AND automation_id <> ?3 GROUP BY hour ORDER BY hour`,
      from, automationId, exclude,
    )
    .toArray()
    .map((r) => ({
      hour: r.hour!, succeeded: r.succeeded!, failed: r.failed!, cancelled: r.cancelled!, retried: r.retried!,
      attempts: r.attempts!, attempts_failed: r.attempts_failed!, latency: LATENCY_COLUMNS.map((c) => r[c]!),
    }));
}

/** Deliveries waiting to be sent now (pending or retrying), test sends left out: read through the open-deliveries index. */
export function openCount(sql: SqlStorage, automationId: string | null, exclude: string): number {
  return sql
    .exec<{ n: number }>(
      `SELECT count(*) AS n FROM deliveries WHERE next_attempt_at IS NOT NULL AND is_test = 0
         AND (?1 IS NULL OR automation_id = ?1) AND automation_id <> ?2`,
      automationId, exclude,
    )
    .one().n;
}

/** Hours older than `before` are no longer in any window. */
export function purgeStats(sql: SqlStorage, before: number): void {
  sql.exec('DELETE FROM stats_hourly WHERE hour < ?', before);
}

/** Reopens a finished delivery with a fresh schedule and window. */
export function reopenRow(sql: SqlStorage, id: string, now: number): void {
  sql.exec(
    `UPDATE deliveries SET status = 'pending', attempt_base = attempt_count, opened_at = ?1, next_attempt_at = ?1,
       dispatch_token = NULL, dispatched_at = NULL, lease_until = NULL, updated_at = ?1
     WHERE id = ?2`,
    now, id,
  );
}

export interface NewAttempt {
  deliveryId: string;
  attempt: number;
  startedAt: number;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  responseBody: string | null;
  /** The request sent, body already bounded; null when none went out. */
  request: SentRequest | null;
}

export function insertAttempt(sql: SqlStorage, a: NewAttempt): void {
  sql.exec(
    `INSERT INTO attempts (delivery_id, attempt, started_at, duration_ms, status_code, error, response_body,
                           request_url, request_headers, request_body, request_body_truncated)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (delivery_id, attempt) DO NOTHING`,
    a.deliveryId, a.attempt, a.startedAt, a.durationMs, a.statusCode, a.error, a.responseBody,
    a.request?.url ?? null, a.request ? JSON.stringify(a.request.headers) : null, a.request?.body ?? null, a.request?.bodyTruncated ? 1 : 0,
  );
}

/** Open deliveries nobody is sending right now. */
export function idleOpenDeliveries(sql: SqlStorage): DeliveryRow[] {
  return sql.exec<DeliveryRow>('SELECT * FROM deliveries WHERE next_attempt_at IS NOT NULL AND lease_until IS NULL').toArray();
}

/** A target URL changed: deliveries still waiting go to the new destination. */
export function moveWaiting(sql: SqlStorage, automationId: string, destination: string): void {
  sql.exec(
    `UPDATE deliveries SET destination = ? WHERE automation_id = ? AND next_attempt_at IS NOT NULL AND dispatch_token IS NULL`,
    destination, automationId,
  );
}

/** When the next undispatched delivery falls due, if any. */
export function nextDueAt(sql: SqlStorage): number | null {
  return sql
    .exec<{ t: number | null }>(
      // The earliest of each destination's first, one index row per destination.
      `WITH RECURSIVE ${READY_DESTINATIONS}
       SELECT min((SELECT min(next_attempt_at) FROM deliveries WHERE destination = r.destination AND ${READY})) AS t
       FROM ready_destinations r WHERE r.destination IS NOT NULL`,
    )
    .one().t;
}

/** The earliest moment a dispatched delivery may need attention (a lost message, a lapsed lease). */
export function nextDispatchCheckAt(sql: SqlStorage, staleMs: number): number | null {
  const row = sql
    .exec<{ sent: number | null; lease: number | null }>(
      'SELECT min(CASE WHEN lease_until IS NULL THEN dispatched_at END) AS sent, min(lease_until) AS lease FROM deliveries WHERE dispatch_token IS NOT NULL',
    )
    .one();
  const times = [row.sent === null ? null : row.sent + staleMs, row.lease].filter((t): t is number => t !== null);
  return times.length ? Math.min(...times) : null;
}

// ---- destinations -----------------------------------------------------------------------

export function loadGates(sql: SqlStorage): Map<string, Gate> {
  const rows = sql.exec<{ origin: string; gate: string }>('SELECT origin, gate FROM destinations').toArray();
  return new Map(rows.map((r) => [r.origin, { ...newGate(), ...(JSON.parse(r.gate) as Partial<Gate>) }]));
}

export function saveGate(sql: SqlStorage, origin: string, gate: Gate): void {
  sql.exec('INSERT INTO destinations (origin, gate) VALUES (?, ?) ON CONFLICT (origin) DO UPDATE SET gate = excluded.gate', origin, JSON.stringify(gate));
}

// ---- health and notices -----------------------------------------------------------------

export function loadHealth(sql: SqlStorage, automationId: string): Health {
  const row = sql.exec<{ health: string }>('SELECT health FROM automation_health WHERE automation_id = ?', automationId).toArray()[0];
  return row ? { ...healthy(), ...(JSON.parse(row.health) as Partial<Health>) } : healthy();
}

export function saveHealth(sql: SqlStorage, automationId: string, health: Health): void {
  sql.exec(
    'INSERT INTO automation_health (automation_id, health) VALUES (?, ?) ON CONFLICT (automation_id) DO UPDATE SET health = excluded.health',
    automationId, JSON.stringify(health),
  );
}

export interface Notice {
  id: string;
  type: NoticeType;
  automation_id: string | null;
  delivery_id: string | null;
  message: string;
  created_at: string;
}

type NoticeRow = Omit<Notice, 'created_at'> & { created_at: number };

export function insertNotice(sql: SqlStorage, n: NoticeRow): void {
  sql.exec(
    'INSERT INTO notices (id, type, automation_id, delivery_id, message, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    n.id, n.type, n.automation_id, n.delivery_id, n.message, n.created_at,
  );
}

/** Newest first. */
export function listNotices(sql: SqlStorage, limit: number, cursor: string | undefined): Page<Notice> {
  const rows = sql
    .exec<NoticeRow>('SELECT * FROM notices WHERE (?1 IS NULL OR id < ?1) ORDER BY id DESC LIMIT ?2', cursor ?? null, limit + 1)
    .toArray();
  return toPage(rows, limit, (r) => ({ ...r, created_at: iso(r.created_at) }));
}

// ---- retention and usage ----------------------------------------------------------------

/**
 * Deletes finished deliveries (attempts by cascade) created before `cutoff`, then events
 * before `cutoff` that no remaining delivery refers to. Bounded per call; returns how many.
 */
export function purgeBefore(sql: SqlStorage, cutoff: number, limit: number): { deliveries: number; events: number } {
  const deliveries = sql.exec(
    'DELETE FROM deliveries WHERE id IN (SELECT id FROM deliveries WHERE created_at < ? AND next_attempt_at IS NULL LIMIT ?)',
    cutoff, limit,
  ).rowsWritten;
  const events = sql.exec(
    `DELETE FROM events WHERE id IN (SELECT e.id FROM events e WHERE e.received_at < ?
       AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id) LIMIT ?)`,
    cutoff, limit,
  ).rowsWritten;
  sql.exec('DELETE FROM notices WHERE id IN (SELECT id FROM notices WHERE created_at < ? LIMIT ?)', cutoff, limit);
  return { deliveries, events };
}

export function hasRows(sql: SqlStorage): boolean {
  return sql.exec<{ n: number }>('SELECT (SELECT count(*) FROM (SELECT 1 FROM events LIMIT 1)) AS n').one().n > 0;
}

export function usageCounts(sql: SqlStorage): { events: number; deliveries: number; open_deliveries: number } {
  return sql
    .exec<{ events: number; deliveries: number; open_deliveries: number }>(
      `SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM deliveries) AS deliveries,
              (SELECT count(*) FROM deliveries WHERE next_attempt_at IS NOT NULL) AS open_deliveries`,
    )
    .one();
}
