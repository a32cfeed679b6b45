/**
 * Delivery rows: creating them, reading them, and writing the patches the lifecycle decides
 * (src/domain/delivery-lifecycle.ts). No rule lives here: which columns change, and to what,
 * is the domain's decision.
 */
import type { DeliveryPatch } from '../../domain/delivery-effects';
import type { DeliveryRef, LifecycleState } from '../../domain/delivery-lifecycle';
import type { Lane } from '../../domain/destination-gate';
import { waitReason } from '../../domain/delivery-wait';
import type { DeliveryStatus, WaitReason } from '../../domain/vocabulary';
import { iso, isoOrNull } from '../../db/rows';

/** A delivery as the API and console show it. */
export interface Delivery {
  id: string;
  automation_id: string;
  event_id: string;
  is_test: boolean;
  /** Created by replaying a stored event. */
  replay: boolean;
  /** Created by a backfill of past events (POST /v1/automations/{id}/backfill). */
  backfill: boolean;
  status: DeliveryStatus;
  attempt_count: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  /** Why an open delivery waits (null once finished). */
  waiting: WaitReason | null;
  /** The URL its latest attempt was sent to; null until one was sent. */
  sent_url: string | null;
  /** Never sent at or after this time (the automation's max_age_seconds); null: no limit. */
  expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export type DeliveryRow = {
  id: string;
  automation_id: string;
  event_id: string;
  destination: string;
  is_test: number;
  replay: number;
  backfill: number;
  expires_at: number | null;
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

/** `sentUrl`: where its latest attempt went, read from the attempts (latestSentUrls in delivery-log.ts). */
export const toDelivery = (row: DeliveryRow, sentUrl: string | null): Delivery => ({
  id: row.id,
  automation_id: row.automation_id,
  event_id: row.event_id,
  is_test: row.is_test === 1,
  replay: row.replay === 1,
  backfill: row.backfill === 1,
  status: row.status,
  attempt_count: row.attempt_count,
  last_status_code: row.last_status_code,
  last_error: row.last_error,
  next_attempt_at: isoOrNull(row.next_attempt_at),
  waiting: waitReason({
    status: row.status, attemptCount: row.attempt_count, leaseUntil: row.lease_until, dispatchToken: row.dispatch_token, waitingFor: row.waiting_for,
  }),
  sent_url: sentUrl,
  expires_at: isoOrNull(row.expires_at),
  created_at: iso(row.created_at),
  updated_at: iso(row.updated_at),
});

/** The row as the lifecycle's decisions read it. */
export const lifecycleOf = (row: DeliveryRow): LifecycleState & DeliveryRef & { destination: string } => ({
  id: row.id,
  automationId: row.automation_id,
  destination: row.destination,
  status: row.status,
  attemptCount: row.attempt_count,
  attemptBase: row.attempt_base,
  openedAt: row.opened_at,
  dispatchToken: row.dispatch_token,
  leaseUntil: row.lease_until,
  isTest: row.is_test === 1,
  expiresAt: row.expires_at,
  createdAt: row.created_at,
});

export interface NewDelivery {
  id: string;
  automationId: string;
  eventId: string;
  destination: string;
  isTest: boolean;
  replay?: boolean;
  backfill?: boolean;
  /** When it stops being worth sending (see expiryOf in delivery-lifecycle.ts); absent: never. */
  expiresAt?: number | null;
  /** Per-call ordering: the key and the event's time; the delivery is first due at `dueAt`. */
  order?: { key: string; at: number };
  dueAt?: number;
  /** Held until this delivery has been sent (a simulated call's webhooks go one after the other). */
  waitingFor?: string | null;
  now: number;
}

export function insertDelivery(sql: SqlStorage, d: NewDelivery): void {
  sql.exec(
    `INSERT INTO deliveries (id, automation_id, event_id, destination, is_test, replay, backfill, expires_at, order_key, order_at, waiting_for,
                             status, opened_at, next_attempt_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
    d.id, d.automationId, d.eventId, d.destination, d.isTest ? 1 : 0, d.replay ? 1 : 0, d.backfill ? 1 : 0, d.expiresAt ?? null,
    d.order?.key ?? null, d.order?.at ?? null, d.waitingFor ?? null, d.now, d.dueAt ?? d.now, d.now, d.now,
  );
  // A replay or a backfill is the way an event stored with no delivery gets one: it is then kept
  // for the full retention, like any event that was delivered.
  if (d.replay || d.backfill) sql.exec('UPDATE events SET unmatched = NULL WHERE id = ? AND unmatched = 1', d.eventId);
}

const PATCH_COLUMNS: Record<keyof DeliveryPatch, string> = {
  status: 'status',
  lastStatusCode: 'last_status_code',
  lastError: 'last_error',
  nextAttemptAt: 'next_attempt_at',
  dispatchToken: 'dispatch_token',
  dispatchedAt: 'dispatched_at',
  lane: 'lane',
  leaseUntil: 'lease_until',
  waitingFor: 'waiting_for',
  attemptCount: 'attempt_count',
  attemptBase: 'attempt_base',
  openedAt: 'opened_at',
  destination: 'destination',
  updatedAt: 'updated_at',
};

/** Writes exactly the columns the patch names. */
export function updateDelivery(sql: SqlStorage, id: string, patch: DeliveryPatch): void {
  const entries = (Object.keys(patch) as (keyof DeliveryPatch)[]).filter((key) => patch[key] !== undefined);
  if (entries.length === 0) return;
  sql.exec(
    `UPDATE deliveries SET ${entries.map((key) => `${PATCH_COLUMNS[key]} = ?`).join(', ')} WHERE id = ?`,
    ...entries.map((key) => patch[key] as SqlStorageValue),
    id,
  );
}

export function getDeliveryRow(sql: SqlStorage, id: string): DeliveryRow | null {
  return sql.exec<DeliveryRow>('SELECT * FROM deliveries WHERE id = ?', id).toArray()[0] ?? null;
}

export function getDeliveryRows(sql: SqlStorage, ids: readonly string[]): Map<string, DeliveryRow> {
  const rows = sql.exec<DeliveryRow>('SELECT * FROM deliveries WHERE id IN (SELECT value FROM json_each(?))', JSON.stringify(ids)).toArray();
  return new Map(rows.map((r) => [r.id, r]));
}

/** Failed deliveries of an automation created in [since, until), oldest first, at most `limit`. */
export function failedBetween(sql: SqlStorage, automationId: string, since: number, until: number, limit: number): DeliveryRow[] {
  return sql
    .exec<DeliveryRow>(
      // The last term repeats the partial status index's condition so SQLite may use it (v9).
      `SELECT * FROM deliveries WHERE automation_id = ? AND status = 'failed' AND status <> 'succeeded'
         AND created_at >= ? AND created_at < ?
       ORDER BY id LIMIT ?`,
      automationId, since, until, limit,
    )
    .toArray();
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
