/** Retention (bounded purges of what is past it) and the usage counts operators read. */
import { deleteEvents } from './events';

/**
 * Deletes finished deliveries (attempts by cascade) created before `cutoff`, then events
 * before `cutoff` that no remaining delivery refers to, and events stored with no delivery
 * (unmatched) before `unmatchedCutoff`. Bounded per call; returns how many.
 */
export function purgeBefore(sql: SqlStorage, cutoff: number, limit: number, unmatchedCutoff = cutoff): { deliveries: number; events: number } {
  const deliveries = sql.exec(
    'DELETE FROM deliveries WHERE id IN (SELECT id FROM deliveries WHERE created_at < ? AND next_attempt_at IS NULL LIMIT ?)',
    cutoff, limit,
  ).rowsWritten;
  const rowidsOf = (query: string, ...params: SqlStorageValue[]) => sql.exec<{ rowid: number }>(query, ...params).toArray().map((r) => r.rowid);
  const events = deleteEvents(sql, rowidsOf(
    `SELECT e.rowid FROM events e WHERE e.received_at < ? AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id) LIMIT ?`,
    cutoff, limit,
  ));
  // Through their own partial index, oldest first. A delivery made of one since (a replay)
  // cleared its mark; the NOT EXISTS keeps any event with a delivery for the full retention anyway.
  const unmatched = deleteEvents(sql, rowidsOf(
    `SELECT e.rowid FROM events e WHERE e.unmatched = 1 AND e.received_at < ?
       AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id) LIMIT ?`,
    unmatchedCutoff, limit,
  ));
  sql.exec('DELETE FROM notices WHERE id IN (SELECT id FROM notices WHERE created_at < ? LIMIT ?)', cutoff, limit);
  return { deliveries, events: events + unmatched };
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
