/** The account's events: stored once per id (the idempotency key), with their business keys. */
import { businessKeysOf, type BusinessKeys } from '../../domain/business-keys';

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
