/**
 * The account's events: stored once per id (the idempotency key), with their business keys.
 * Since schema v7 the data is packed and the keys are kept as hashes (see packing.ts); rows
 * written before keep their text, and every read here takes both.
 */
import { BUSINESS_KEYS, businessKeysOf, type BusinessKey, type BusinessKeys } from '../../domain/business-keys';
import { keyHash, packEventData, unpackEventData, type Stored } from './packing';

export interface NewEvent {
  id: string;
  type: string;
  occurredAt: number;
  data: string;
  isTest: boolean;
  receivedAt: number;
  /**
   * Stored with no delivery (no automation matched): such an event is kept only
   * UNMATCHED_EVENT_RETENTION_HOURS, unless a delivery is made of it before then (a replay).
   */
  unmatched?: boolean;
}

/** The column of a key's hash (a closed list, so it may be written into SQL). */
export const hashColumn = (key: BusinessKey) => `${key}_hash` as const;

/**
 * Stores the event (with its business keys) unless its id is known; returns the keys when it
 * was new (so ingestion parses the data once), null for a known id.
 */
export function insertEvent(sql: SqlStorage, event: NewEvent): BusinessKeys | null {
  const keys = businessKeysOf(JSON.parse(event.data));
  const hashes = BUSINESS_KEYS.map((key) => (keys[key] === null ? null : keyHash(keys[key])));
  const cursor = sql.exec(
    `INSERT INTO events (id, type, occurred_at, data, is_test, received_at, unmatched, ${BUSINESS_KEYS.map(hashColumn).join(', ')})
     VALUES (?, ?, ?, ?, ?, ?, ?, ${BUSINESS_KEYS.map(() => '?').join(', ')}) ON CONFLICT (id) DO NOTHING`,
    event.id, event.type, event.occurredAt, packEventData(event.data), event.isTest ? 1 : 0, event.receivedAt,
    event.unmatched ? 1 : null, ...hashes,
  );
  return cursor.rowsWritten > 0 ? keys : null;
}

/**
 * SQL selecting the ids of the events with this business key (a closed list), and its
 * parameters: rows from v7 on by the key's hash, older rows by its text.
 */
export function eventsWithKey(key: BusinessKey, value: string): { sql: string; params: SqlStorageValue[] } {
  return {
    sql: `SELECT id FROM events WHERE ${hashColumn(key)} = ? UNION ALL SELECT id FROM events WHERE ${key} = ?`,
    params: [keyHash(value), value],
  };
}

export function eventData(sql: SqlStorage, eventId: string): string | null {
  const row = sql.exec<{ data: Stored }>('SELECT data FROM events WHERE id = ?', eventId).toArray()[0];
  return row ? unpackEventData(row.data) : null;
}

export type StoredEvent = {
  id: string;
  type: string;
  occurred_at: number;
  data: string;
  is_test: number;
};

export function getEvent(sql: SqlStorage, eventId: string): StoredEvent | null {
  const row = sql.exec<Omit<StoredEvent, 'data'> & { data: Stored }>('SELECT id, type, occurred_at, data, is_test FROM events WHERE id = ?', eventId).toArray()[0];
  return row ? { ...row, data: unpackEventData(row.data) } : null;
}
