/** SQL for ingesting events: the event and its deliveries are written in one D1 batch (one transaction). */

/** Same shape as newId('dlv') in src/crypto/ids.ts, minted in SQL so one statement can fan out. */
const DELIVERY_ID_SQL = `'dlv_' || printf('%012x', ?3) || lower(hex(randomblob(8)))`;

export interface IngestInput {
  accountId: string;
  eventId: string;
  type: string;
  occurredAt: number;
  data: string;
  now: number;
}

export interface IngestResult {
  duplicate: boolean;
  deliveryIds: string[];
}

/**
 * Stores the event unless its id was seen before for the account, and creates one pending
 * delivery per enabled automation of that trigger while the account's integration is on.
 * `changes() = 1` ties the fan-out to the event insert, so a duplicate id fans out nothing,
 * atomically, without a read-before-write race.
 */
export async function ingestEvent(db: D1Database, input: IngestInput): Promise<IngestResult> {
  const [eventInsert, fanOut] = await db.batch<{ id: string }>([
    db
      .prepare(
        `INSERT INTO events (account_id, id, type, occurred_at, data, is_test, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6) ON CONFLICT (account_id, id) DO NOTHING`,
      )
      .bind(input.accountId, input.eventId, input.type, input.occurredAt, input.data, input.now),
    db
      .prepare(
        `INSERT INTO deliveries (id, account_id, automation_id, event_id, is_test, status, attempt_count,
                                 next_attempt_at, created_at, updated_at)
         SELECT ${DELIVERY_ID_SQL}, a.account_id, a.id, ?2, 0, 'pending', 0, ?3, ?3, ?3
         FROM automations a JOIN accounts acc ON acc.id = a.account_id
         WHERE a.account_id = ?1 AND a.trigger = ?4 AND a.enabled = 1 AND acc.http_notifier_enabled = 1
           AND changes() = 1
         RETURNING id`,
      )
      .bind(input.accountId, input.eventId, input.now, input.type),
  ]);
  return {
    duplicate: eventInsert!.meta.changes === 0,
    deliveryIds: fanOut!.results.map((r) => r.id),
  };
}

/**
 * A test delivery for one automation: a synthetic event (marked as a test) carrying the
 * example data, and a delivery that the consumer sends even if the automation is off.
 */
export async function insertTestDelivery(
  db: D1Database,
  input: { accountId: string; automationId: string; eventId: string; deliveryId: string; type: string; data: string; now: number },
): Promise<void> {
  await db.batch([
    db
      .prepare(
        `INSERT INTO events (account_id, id, type, occurred_at, data, is_test, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 1, ?4)`,
      )
      .bind(input.accountId, input.eventId, input.type, input.now, input.data),
    db
      .prepare(
        `INSERT INTO deliveries (id, account_id, automation_id, event_id, is_test, status, attempt_count,
                                 next_attempt_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 1, 'pending', 0, ?5, ?5, ?5)`,
      )
      .bind(input.deliveryId, input.accountId, input.automationId, input.eventId, input.now),
  ]);
}
