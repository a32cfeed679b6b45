/** The SQL of per-call ordering (the rule: src/domain/ordering.ts). */
import type { DeliveryRow } from './deliveries';

/**
 * The earliest still-open delivery of the same automation and key that comes before this one
 * (by event time, then arrival), which this one must wait for; null when it may go.
 */
export function earlierOpen(sql: SqlStorage, row: Pick<DeliveryRow, 'id' | 'automation_id' | 'order_key' | 'order_at'>): string | null {
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

/** Deliveries that waited for `id` (now final) may be considered again. */
export function releaseWaiters(sql: SqlStorage, id: string): void {
  sql.exec('UPDATE deliveries SET waiting_for = NULL WHERE waiting_for = ?', id);
}

/** An automation that no longer orders: its waiting deliveries stop waiting. */
export function releaseAutomation(sql: SqlStorage, automationId: string): void {
  sql.exec('UPDATE deliveries SET waiting_for = NULL WHERE automation_id = ? AND waiting_for IS NOT NULL', automationId);
}
