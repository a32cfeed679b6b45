/**
 * The account's events: stored once per id (the idempotency key), with their business keys.
 * Since schema v7 the data is packed (see packing.ts); since v9 the keys are rows of
 * `event_keys` (hashes). Rows written before keep their key columns, and every read here takes
 * every form.
 */
import { BUSINESS_KEYS, businessKeysOf, type BusinessKey, type BusinessKeys } from '../../domain/business-keys';
import { eventKeyHash, keyHash, packEventData, unpackEventData, type Stored } from './packing';

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
  /** Its business keys, when the caller has them already (else they are read from `data`). */
  keys?: BusinessKeys;
}

/** The column of a key's hash in rows stored by v7 and v8 (a closed list, so it may be written into SQL). */
export const hashColumn = (key: BusinessKey) => `${key}_hash` as const;

/** The `event_keys` hashes of an event's business keys (the ones it has). */
function keyHashesOf(keys: BusinessKeys): ArrayBuffer[] {
  return BUSINESS_KEYS.flatMap((key) => (keys[key] === null ? [] : [eventKeyHash(key, keys[key])]));
}

/** A stored event's rowid and its business keys: what its `event_keys` rows are made of. */
export interface StoredKeys {
  rowid: number;
  keys: BusinessKeys;
}

/**
 * Stores the event's row unless its id is known; returns its rowid and keys when it was new (so
 * ingestion parses the data once), null for a known id. Its `event_keys` rows are written by
 * `insertEventKeys`, which the caller may run after its savepoint (see intake.ts).
 */
export function insertEventRow(sql: SqlStorage, event: NewEvent): StoredKeys | null {
  const keys = event.keys ?? businessKeysOf(JSON.parse(event.data));
  const inserted = sql
    .exec<{ rowid: number }>(
      `INSERT INTO events (id, type, occurred_at, data, is_test, received_at, unmatched)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING rowid`,
      event.id, event.type, event.occurredAt, packEventData(event.data), event.isTest ? 1 : 0, event.receivedAt, event.unmatched ? 1 : null,
    )
    .toArray()[0];
  return inserted ? { rowid: inserted.rowid, keys } : null;
}

/**
 * The `event_keys` rows of stored events. `INSERT OR IGNORE` of hashes and rowids: nothing in it
 * can fail short of the database itself failing (which rolls back the object's whole transaction).
 */
export function insertEventKeys(sql: SqlStorage, stored: readonly StoredKeys[]): void {
  for (const { rowid, keys } of stored) {
    const hashes = keyHashesOf(keys);
    if (hashes.length === 0) continue;
    sql.exec(
      `INSERT OR IGNORE INTO event_keys (key_hash, event_rowid) VALUES ${hashes.map(() => '(?, ?)').join(', ')}`,
      ...hashes.flatMap((hash) => [hash, rowid]),
    );
  }
}

/** Stores the event and its business keys unless its id is known; returns the keys when it was new, null for a known id. */
export function insertEvent(sql: SqlStorage, event: NewEvent): BusinessKeys | null {
  const stored = insertEventRow(sql, event);
  if (stored) insertEventKeys(sql, [stored]);
  return stored?.keys ?? null;
}

/**
 * Deletes events by rowid, and their rows in `event_keys` (found again from each event's data,
 * by the same rule that wrote them). Returns how many events went. Should the rule that finds
 * an event's keys ever change, keys written by the old rule must still be deleted here: a row
 * left behind could name a later event that reuses the rowid.
 */
export function deleteEvents(sql: SqlStorage, rowids: readonly number[]): number {
  if (rowids.length === 0) return 0;
  const list = JSON.stringify(rowids);
  const rows = sql.exec<{ rowid: number; data: Stored }>('SELECT rowid, data FROM events WHERE rowid IN (SELECT value FROM json_each(?))', list).toArray();
  for (const row of rows) {
    for (const hash of keyHashesOf(businessKeysOf(parsedOrNull(unpackEventData(row.data))))) {
      sql.exec('DELETE FROM event_keys WHERE key_hash = ? AND event_rowid = ?', hash, row.rowid);
    }
  }
  return sql.exec('DELETE FROM events WHERE rowid IN (SELECT value FROM json_each(?))', list).rowsWritten;
}

function parsedOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * SQL selecting the ids of the events with this business key (a closed list), and its
 * parameters: rows from v9 on through `event_keys`, rows of v7 and v8 by their hash column,
 * older rows by the key's text.
 */
export function eventsWithKey(key: BusinessKey, value: string): { sql: string; params: SqlStorageValue[] } {
  return {
    sql: `SELECT id FROM events WHERE rowid IN (SELECT event_rowid FROM event_keys WHERE key_hash = ?)
          UNION ALL SELECT id FROM events WHERE ${hashColumn(key)} = ? UNION ALL SELECT id FROM events WHERE ${key} = ?`,
    params: [eventKeyHash(key, value), keyHash(value), value],
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

/**
 * The newest `limit` events of one type posted by the platform (test sends left out), newest
 * first, with their data: what a dry run of conditions reads (index events_type_received).
 */
export function recentEventsOfType(sql: SqlStorage, type: string, limit: number): { id: string; received_at: number; data: string }[] {
  return sql
    .exec<{ id: string; received_at: number; data: Stored }>(
      `SELECT id, received_at, data FROM events WHERE type = ? AND is_test = 0 ORDER BY received_at DESC, id DESC LIMIT ?`,
      type, limit,
    )
    .toArray()
    .map((row) => ({ ...row, data: unpackEventData(row.data) }));
}

/** A stored event as a backfill reads it. */
export interface PastEvent {
  id: string;
  occurred_at: number;
  received_at: number;
  data: string;
}

/**
 * The account's real events of a trigger received in [since, until) that have no delivery for
 * the automation yet, oldest first, read lazily (the caller stops when it has enough).
 */
export function* eventsWithoutDelivery(sql: SqlStorage, automationId: string, type: string, since: number, until: number): Generator<PastEvent> {
  const cursor = sql.exec<Omit<PastEvent, 'data'> & { data: Stored }>(
    `SELECT id, occurred_at, received_at, data FROM events
     WHERE received_at >= ?1 AND received_at < ?2 AND type = ?3 AND is_test = 0
       AND NOT EXISTS (SELECT 1 FROM deliveries WHERE deliveries.event_id = events.id AND deliveries.automation_id = ?4)
     ORDER BY received_at, id`,
    since, until, type, automationId,
  );
  for (const row of cursor) yield { ...row, data: unpackEventData(row.data) };
}
