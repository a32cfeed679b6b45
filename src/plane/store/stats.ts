/**
 * Hourly rollups per automation (outcomes, attempts, a latency histogram) that the health
 * stats read, at most 168 rows per automation for a 7-day window.
 */
import type { DeliveryStatus } from '../../domain/vocabulary';
import { hourOf, LATENCY_BUCKETS, latencyBucket, type HourStats } from '../../domain/delivery-stats';

const OUTCOME_COLUMN: Partial<Record<DeliveryStatus, string>> = {
  succeeded: 'succeeded', failed: 'failed', cancelled: 'cancelled', expired: 'expired', retrying: 'retried',
};

/**
 * Adds an outcome to its automation's hour, in the caller's transaction: every way a delivery
 * settles is the lifecycle's `settle`, which asks for this, so the rollups cannot miss one.
 */
export function countOutcome(sql: SqlStorage, automationId: string, status: DeliveryStatus, at: number): void {
  const column = OUTCOME_COLUMN[status];
  if (!column) return;
  sql.exec(
    `INSERT INTO stats_hourly (automation_id, hour, ${column}) VALUES (?, ?, 1)
     ON CONFLICT (automation_id, hour) DO UPDATE SET ${column} = ${column} + 1`,
    automationId, hourOf(at),
  );
}

/**
 * Takes a reopened delivery's outcome back out of its hour. Only an hour still kept is touched,
 * and never below zero: outcomes counted before they went by creation hour were counted in the
 * hour they settled, so taking one back there could find nothing to take.
 */
export function uncountOutcome(sql: SqlStorage, automationId: string, status: DeliveryStatus, at: number): void {
  const column = OUTCOME_COLUMN[status];
  if (!column) return;
  sql.exec(`UPDATE stats_hourly SET ${column} = max(${column} - 1, 0) WHERE automation_id = ? AND hour = ?`, automationId, hourOf(at));
}

/** Adds an event the automation's conditions filtered out (no delivery was made of it) to its hour. */
export function countFiltered(sql: SqlStorage, automationId: string, at: number): void {
  sql.exec(
    `INSERT INTO stats_hourly (automation_id, hour, filtered) VALUES (?, ?, 1)
     ON CONFLICT (automation_id, hour) DO UPDATE SET filtered = filtered + 1`,
    automationId, hourOf(at),
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
  const sums = ['succeeded', 'failed', 'cancelled', 'expired', 'retried', 'filtered', 'attempts', 'attempts_failed', ...LATENCY_COLUMNS]
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
      hour: r.hour!, succeeded: r.succeeded!, failed: r.failed!, cancelled: r.cancelled!, expired: r.expired!, retried: r.retried!, filtered: r.filtered!,
      attempts: r.attempts!, attempts_failed: r.attempts_failed!, latency: LATENCY_COLUMNS.map((c) => r[c]!),
    }));
}

/**
 * Deliveries waiting to be sent now (pending or retrying), and how many of them are retrying,
 * test sends left out: read through the open-deliveries index.
 */
export function openCounts(sql: SqlStorage, automationId: string | null, exclude: string): { open: number; retrying: number } {
  const row = sql
    .exec<{ open: number; retrying: number | null }>(
      `SELECT count(*) AS open, sum(status = 'retrying') AS retrying FROM deliveries WHERE next_attempt_at IS NOT NULL AND is_test = 0
         AND (?1 IS NULL OR automation_id = ?1) AND automation_id <> ?2`,
      automationId, exclude,
    )
    .one();
  return { open: row.open, retrying: row.retrying ?? 0 };
}

/** Hours older than `before` are no longer in any window. */
export function purgeStats(sql: SqlStorage, before: number): void {
  sql.exec('DELETE FROM stats_hourly WHERE hour < ?', before);
}

