/** Retention (bounded purges of what is past it) and the usage counts operators read. */
import { deleteEvents } from './events';

/**
 * Events received before ?1 that no delivery refers to, at most ?2, read through the index on
 * (type, received_at): since schema v14 there is no index on received_at alone (20 bytes per
 * event for this purge only). The recursive part skips from one stored type to the next, one
 * seek each, so every type, including ones the trigger catalog no longer lists, is visited;
 * within a type the rows past retention are the front of its range.
 */
export const PAST_RETENTION = `
  WITH RECURSIVE types(type) AS (
    SELECT (SELECT min(type) FROM events)
    UNION ALL
    SELECT (SELECT min(e.type) FROM events e WHERE e.type > types.type) FROM types WHERE types.type IS NOT NULL
  )
  SELECT e.rowid FROM types JOIN events e ON e.type = types.type
  WHERE e.received_at < ?1 AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id)
  LIMIT ?2`;

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
  const events = deleteEvents(sql, rowidsOf(PAST_RETENTION, cutoff, limit));
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
