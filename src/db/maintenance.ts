/** SQL for the cron job: finding deliveries the queue lost, and purging old rows. */

/**
 * Deliveries that were due more than `graceMs` ago, are still open and are not being sent
 * are taken to be lost by the queue (a failed enqueue, a local queue lost on restart).
 * Their due time is moved to now, so they are not picked again for another grace period,
 * and their ids are returned to be enqueued.
 */
export async function takeLostDeliveries(db: D1Database, now: number, graceMs: number, limit: number): Promise<string[]> {
  const { results } = await db
    .prepare(
      `UPDATE deliveries SET next_attempt_at = ?1, updated_at = ?1
       WHERE id IN (SELECT id FROM deliveries
                    WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= ?2
                      AND (lease_until IS NULL OR lease_until < ?1)
                    ORDER BY next_attempt_at LIMIT ?3)
       RETURNING id`,
    )
    .bind(now, now - graceMs, limit)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/**
 * Deletes finished deliveries (and their attempts, by cascade) created before `cutoff`,
 * then events older than `cutoff` that no remaining delivery refers to. Bounded per run so
 * one cron invocation stays short; a backlog drains over the following minutes.
 */
export async function purgeOldRows(db: D1Database, cutoff: number, limit: number): Promise<{ deliveries: number; events: number }> {
  const [deliveries, events] = await db.batch([
    db
      .prepare(
        `DELETE FROM deliveries WHERE id IN (
           SELECT id FROM deliveries WHERE created_at < ?1 AND next_attempt_at IS NULL LIMIT ?2)`,
      )
      .bind(cutoff, limit),
    db
      .prepare(
        `DELETE FROM events WHERE rowid IN (
           SELECT e.rowid FROM events e WHERE e.received_at < ?1
             AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.account_id = e.account_id AND d.event_id = e.id)
           LIMIT ?2)`,
      )
      .bind(cutoff, limit),
  ]);
  return { deliveries: deliveries!.meta.changes, events: events!.meta.changes };
}
