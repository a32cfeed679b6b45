/**
 * The scheduler's reads: which deliveries are due and ready for a queue message, what is out
 * with a consumer, and when the object must next wake up.
 */
import type { DeliveryRow } from './deliveries';

/** The condition of the deliveries_ready index: open, waiting for a queue message, not held back. */
const READY = 'dispatch_token IS NULL AND waiting_for IS NULL AND next_attempt_at IS NOT NULL';

/**
 * What is out with a queue message or a consumer, read through its partial index (deliveries_out)
 * so that a pass reads the rows out, never the account's whole history. A leased delivery is
 * always out: a claim needs the dispatch token, and every change that clears the token clears
 * the lease. Left to itself the planner reads a count by automation along deliveries_automation
 * (to skip a sort), and a lease test along the whole table: every delivery ever made, on every pass.
 */
const OUT = 'deliveries INDEXED BY deliveries_out';

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
      `SELECT destination, count(*) AS n FROM ${OUT} WHERE dispatch_token IS NOT NULL GROUP BY destination`,
    )
    .toArray();
  return new Map(rows.map((r) => [r.destination, r.n]));
}

/** Deliveries of the destination a consumer holds right now. */
export function leasedTo(sql: SqlStorage, destination: string, now: number): number {
  return sql
    .exec<{ n: number }>(`SELECT count(*) AS n FROM ${OUT} WHERE dispatch_token IS NOT NULL AND destination = ? AND lease_until >= ?`, destination, now)
    .one().n;
}

/** Deliveries per automation out with a queue message or a consumer (an endpoint's are its automations'). */
export function inFlightByAutomation(sql: SqlStorage): Map<string, number> {
  const rows = sql
    .exec<{ automation_id: string; n: number }>(
      `SELECT automation_id, count(*) AS n FROM ${OUT} WHERE dispatch_token IS NOT NULL GROUP BY automation_id`,
    )
    .toArray();
  return new Map(rows.map((r) => [r.automation_id, r.n]));
}

/** Deliveries of these automations (an endpoint's) a consumer holds right now. */
export function leasedToAutomations(sql: SqlStorage, automationIds: string[], now: number): number {
  return sql
    .exec<{ n: number }>(
      `SELECT count(*) AS n FROM ${OUT} WHERE dispatch_token IS NOT NULL AND automation_id IN (SELECT value FROM json_each(?)) AND lease_until >= ?`,
      JSON.stringify(automationIds), now,
    )
    .one().n;
}

/**
 * The deliveries a pause holds, on the origin: all of them (`automationIds` null), or those of
 * the automations sending to the paused endpoint.
 */
const HELD = `destination = ? AND (? IS NULL OR automation_id IN (SELECT value FROM json_each(?)))
  AND dispatch_token IS NULL AND next_attempt_at IS NOT NULL`;

/** Pushes the due deliveries a pause holds to its end (no attempt used). */
export function postponeDestination(sql: SqlStorage, destination: string, automationIds: string[] | null, until: number, now: number): void {
  const ids = automationIds && JSON.stringify(automationIds);
  sql.exec(`UPDATE deliveries SET next_attempt_at = ?, updated_at = ? WHERE ${HELD} AND next_attempt_at < ?`, until, now, destination, ids, ids, until);
}

/** A pause ended early: what it held (due by its end) is due now, oldest first as ever. */
export function resumeDestination(sql: SqlStorage, destination: string, automationIds: string[] | null, until: number, now: number): void {
  const ids = automationIds && JSON.stringify(automationIds);
  sql.exec(`UPDATE deliveries SET next_attempt_at = ?, updated_at = ? WHERE ${HELD} AND next_attempt_at > ? AND next_attempt_at <= ?`, now, now, destination, ids, ids, now, until);
}

/** Queue messages not claimed within `staleMs`, and leases that ran out (a crashed consumer). */
export function staleDispatches(sql: SqlStorage, now: number, staleMs: number): { resend: DeliveryRow[]; expired: DeliveryRow[] } {
  const resend = sql
    .exec<DeliveryRow>(`SELECT * FROM ${OUT} WHERE dispatch_token IS NOT NULL AND lease_until IS NULL AND dispatched_at < ? LIMIT 500`, now - staleMs)
    .toArray();
  const expired = sql
    .exec<DeliveryRow>(`SELECT * FROM ${OUT} WHERE dispatch_token IS NOT NULL AND lease_until IS NOT NULL AND lease_until < ? LIMIT 500`, now)
    .toArray();
  return { resend, expired };
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
      `SELECT min(CASE WHEN lease_until IS NULL THEN dispatched_at END) AS sent, min(lease_until) AS lease FROM ${OUT} WHERE dispatch_token IS NOT NULL`,
    )
    .one();
  const times = [row.sent === null ? null : row.sent + staleMs, row.lease].filter((t): t is number => t !== null);
  return times.length ? Math.min(...times) : null;
}
