/**
 * The account object's SQLite schema, versioned in code. Each entry of MIGRATIONS moves the
 * schema one version up; `migrate` applies the missing ones in order inside one transaction
 * when the object starts, and records the version in `schema_meta`. An entry is SQL, or a
 * function of the storage when rows must be converted by code. Never edit a shipped entry
 * (nor what a function entry calls): add a new one. Times are epoch milliseconds.
 */
import { convertOldNotices } from './old-notices';

export type Migration = string | ((sql: SqlStorage) => void);

export const MIGRATIONS: readonly Migration[] = [
  // v1: events, deliveries, attempts and destination gates of one account.
  `CREATE TABLE events (
     id TEXT PRIMARY KEY,            -- the idempotency key within the account
     type TEXT NOT NULL,
     occurred_at INTEGER NOT NULL,
     data TEXT NOT NULL,
     is_test INTEGER NOT NULL DEFAULT 0,
     received_at INTEGER NOT NULL
   );
   CREATE INDEX events_received ON events (received_at);

   CREATE TABLE deliveries (
     id TEXT PRIMARY KEY,            -- sorts by creation time: lists page on it
     automation_id TEXT NOT NULL,    -- no foreign key: the log outlives a deleted automation
     event_id TEXT NOT NULL,
     destination TEXT NOT NULL,      -- the target origin when the delivery was created
     is_test INTEGER NOT NULL DEFAULT 0,
     status TEXT NOT NULL,
     attempt_count INTEGER NOT NULL DEFAULT 0,
     attempt_base INTEGER NOT NULL DEFAULT 0,
     opened_at INTEGER NOT NULL,     -- created or last reopened: the retry window starts here
     last_status_code INTEGER,
     last_error TEXT,
     next_attempt_at INTEGER,        -- due time while open and waiting; NULL once final
     dispatch_token TEXT,            -- the queue message that may claim it, while one is out
     dispatched_at INTEGER,
     lane TEXT,                      -- the queue lane of the latest dispatch: fast or slow
     lease_until INTEGER,            -- set while a consumer sends it
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
   CREATE INDEX deliveries_out ON deliveries (destination) WHERE dispatch_token IS NOT NULL;
   CREATE INDEX deliveries_automation ON deliveries (automation_id, id);
   CREATE INDEX deliveries_event ON deliveries (event_id);
   CREATE INDEX deliveries_status ON deliveries (status, id);

   CREATE TABLE attempts (
     delivery_id TEXT NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
     attempt INTEGER NOT NULL,
     started_at INTEGER NOT NULL,
     duration_ms INTEGER NOT NULL,
     status_code INTEGER,
     error TEXT,
     response_body TEXT,
     PRIMARY KEY (delivery_id, attempt)
   );

   CREATE TABLE destinations (
     origin TEXT PRIMARY KEY,
     gate TEXT NOT NULL              -- JSON of the Gate in src/domain/destination-gate.ts
   );`,

  // v2: business keys on events ("what did we send about call CA42"), replays marked,
  // per-call ordering (a delivery's key and event time, and the earlier delivery it waits for),
  // automation health and the notices the operations webhook and console show.
  `ALTER TABLE events ADD COLUMN call_id TEXT;
   ALTER TABLE events ADD COLUMN contact_id TEXT;
   ALTER TABLE events ADD COLUMN interaction_id TEXT;
   ALTER TABLE events ADD COLUMN agent_id TEXT;
   CREATE INDEX events_call ON events (call_id) WHERE call_id IS NOT NULL;
   CREATE INDEX events_contact ON events (contact_id) WHERE contact_id IS NOT NULL;
   CREATE INDEX events_interaction ON events (interaction_id) WHERE interaction_id IS NOT NULL;
   CREATE INDEX events_agent ON events (agent_id) WHERE agent_id IS NOT NULL;
   ALTER TABLE deliveries ADD COLUMN replay INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE deliveries ADD COLUMN order_key TEXT;
   ALTER TABLE deliveries ADD COLUMN order_at INTEGER;
   ALTER TABLE deliveries ADD COLUMN waiting_for TEXT;
   CREATE INDEX deliveries_order ON deliveries (automation_id, order_key) WHERE order_key IS NOT NULL;
   CREATE INDEX deliveries_waiting ON deliveries (waiting_for) WHERE waiting_for IS NOT NULL;

   CREATE TABLE automation_health (
     automation_id TEXT PRIMARY KEY,
     health TEXT NOT NULL            -- JSON of the Health in src/domain/automation-health.ts
   );
   CREATE TABLE notices (
     id TEXT PRIMARY KEY,            -- sorts by time; also the event id of its operations webhook
     type TEXT NOT NULL,
     automation_id TEXT,
     delivery_id TEXT,
     message TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );`,

  // v3: the request each attempt sent (body bounded, see src/domain/sent-request.ts), and hourly
  // rollups of outcomes, attempts and latency per automation for the health stats, so that a
  // window is read from at most 168 rows per automation instead of every delivery.
  `ALTER TABLE attempts ADD COLUMN request_url TEXT;
   ALTER TABLE attempts ADD COLUMN request_headers TEXT;     -- JSON object of the headers as sent
   ALTER TABLE attempts ADD COLUMN request_body TEXT;
   ALTER TABLE attempts ADD COLUMN request_body_truncated INTEGER NOT NULL DEFAULT 0;

   CREATE TABLE stats_hourly (
     automation_id TEXT NOT NULL,
     hour INTEGER NOT NULL,          -- start of the hour
     succeeded INTEGER NOT NULL DEFAULT 0,
     failed INTEGER NOT NULL DEFAULT 0,
     cancelled INTEGER NOT NULL DEFAULT 0,
     retried INTEGER NOT NULL DEFAULT 0,   -- attempts that failed and were scheduled again
     attempts INTEGER NOT NULL DEFAULT 0,
     attempts_failed INTEGER NOT NULL DEFAULT 0,
     -- attempt latency histogram: buckets of LATENCY_BOUNDS_MS in src/domain/delivery-stats.ts
     lat_0 INTEGER NOT NULL DEFAULT 0, lat_1 INTEGER NOT NULL DEFAULT 0, lat_2 INTEGER NOT NULL DEFAULT 0,
     lat_3 INTEGER NOT NULL DEFAULT 0, lat_4 INTEGER NOT NULL DEFAULT 0, lat_5 INTEGER NOT NULL DEFAULT 0,
     lat_6 INTEGER NOT NULL DEFAULT 0, lat_7 INTEGER NOT NULL DEFAULT 0, lat_8 INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (automation_id, hour)
   );
   CREATE INDEX stats_hour ON stats_hourly (hour);`,

  // v4: the log filtered by task and status (say the few failed deliveries of one task) seeks
  // straight to them instead of walking the task's whole history on (automation_id, id).
  `CREATE INDEX deliveries_automation_status ON deliveries (automation_id, status, id);`,

  // v5: the deliveries ready for a queue message, per destination in due order, so a dispatch
  // pass skips from one destination to the next and takes only the few oldest of each instead
  // of ranking a whole backlog on every pass.
  `CREATE INDEX deliveries_ready ON deliveries (destination, next_attempt_at, id)
     WHERE dispatch_token IS NULL AND waiting_for IS NULL AND next_attempt_at IS NOT NULL;`,

  // v6: a notice keeps what it says as data (JSON of its NoticeData in src/domain/causes.ts,
  // without the type beside it) instead of its words, which are written on read. Rows stored
  // as text are converted once; words the conversion does not know stay as {"text": …}.
  (sql) => {
    sql.exec(`CREATE TABLE notices_v6 (
       id TEXT PRIMARY KEY,          -- sorts by time; also the event id of its operations webhook
       type TEXT NOT NULL,
       automation_id TEXT,
       delivery_id TEXT,
       data TEXT NOT NULL,
       created_at INTEGER NOT NULL
     )`);
    convertOldNotices(sql, 'notices', 'notices_v6');
    sql.exec('DROP TABLE notices');
    sql.exec('ALTER TABLE notices_v6 RENAME TO notices');
  },

  // v7: fewer bytes per delivered event (src/plane/store/packing.ts). From here on an event's
  // data is stored packed (a BLOB in `data`) and its business keys as 8-byte hashes, indexed,
  // instead of their text; an attempt's headers and body are packed into `request_packed`.
  // Older rows keep their text columns (and the text key indexes) and are read as they are,
  // so nothing is rewritten here; retention purges them in time.
  `ALTER TABLE events ADD COLUMN call_id_hash BLOB;
   ALTER TABLE events ADD COLUMN contact_id_hash BLOB;
   ALTER TABLE events ADD COLUMN interaction_id_hash BLOB;
   ALTER TABLE events ADD COLUMN agent_id_hash BLOB;
   CREATE INDEX events_call_hash ON events (call_id_hash) WHERE call_id_hash IS NOT NULL;
   CREATE INDEX events_contact_hash ON events (contact_id_hash) WHERE contact_id_hash IS NOT NULL;
   CREATE INDEX events_interaction_hash ON events (interaction_id_hash) WHERE interaction_id_hash IS NOT NULL;
   CREATE INDEX events_agent_hash ON events (agent_id_hash) WHERE agent_id_hash IS NOT NULL;
   ALTER TABLE attempts ADD COLUMN request_packed BLOB;`,

  // v8: an event stored with no delivery (no automation matched) is marked, and kept only
  // UNMATCHED_EVENT_RETENTION_HOURS; the partial index holds just those, oldest first, for the
  // purge. Events stored before are kept for the full retention, as they were.
  `ALTER TABLE events ADD COLUMN unmatched INTEGER;          -- 1: no delivery was made of it
   CREATE INDEX events_unmatched ON events (received_at) WHERE unmatched = 1;`,

  // v9: fewer bytes per delivered event, in the indexes. (1) The status indexes hold only
  // deliveries that did not succeed: the log's status filter seeks to the few failed, open or
  // cancelled ones, while "succeeded" (most of the history) is read along (automation_id, id)
  // or the primary key, where nearly every row is one. (2) New attempts go to a WITHOUT ROWID
  // table keyed by (delivery_id, attempt), so the key is stored once instead of in the row
  // and again in a separate primary-key index. Attempts stored before stay where they are
  // (rewriting them would stall a large object's start-up); `all_attempts` reads both, and
  // retention empties the old table in time. (3) A new event's business keys go to
  // `event_keys`, one row per key (a hash of the key's name and value, and the event's rowid),
  // instead of four hash columns in the event's row and four indexes on them: the row is 36
  // bytes shorter. Events stored before keep their columns and indexes and are found there.
  `DROP INDEX deliveries_status;
   DROP INDEX deliveries_automation_status;
   CREATE INDEX deliveries_status_unsucceeded ON deliveries (status, id) WHERE status <> 'succeeded';
   CREATE INDEX deliveries_automation_status_unsucceeded ON deliveries (automation_id, status, id) WHERE status <> 'succeeded';
   CREATE TABLE attempt_log (
     delivery_id TEXT NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
     attempt INTEGER NOT NULL,
     started_at INTEGER NOT NULL,
     duration_ms INTEGER NOT NULL,
     status_code INTEGER,
     error TEXT,
     response_body TEXT,
     request_url TEXT,
     request_body_truncated INTEGER NOT NULL DEFAULT 0,
     request_packed BLOB,
     PRIMARY KEY (delivery_id, attempt)
   ) WITHOUT ROWID;
   CREATE VIEW all_attempts AS
     SELECT delivery_id, attempt, started_at, duration_ms, status_code, error, response_body,
            request_url, request_headers, request_body, request_body_truncated, request_packed FROM attempts
     UNION ALL
     SELECT delivery_id, attempt, started_at, duration_ms, status_code, error, response_body,
            request_url, NULL, NULL, request_body_truncated, request_packed FROM attempt_log;
   CREATE TABLE event_keys (
     key_hash BLOB NOT NULL,         -- eventKeyHash(name, value) in packing.ts
     event_rowid INTEGER NOT NULL,   -- the event's rowid; its keys are deleted with it (retention.ts)
     PRIMARY KEY (key_hash, event_rowid)
   ) WITHOUT ROWID;`,

  // v10: conditions. Events an automation's conditions filtered out are counted in its hourly
  // rollups; a dry run of conditions reads the newest events of one trigger through an index.
  `ALTER TABLE stats_hourly ADD COLUMN filtered INTEGER NOT NULL DEFAULT 0;
   CREATE INDEX events_type_received ON events (type, received_at);`,

  // v11: a delivery's "every attempt failed" notice is closed when the delivery later succeeds
  // (sent again by hand or by a recovery), by the `delivery.recovered` notice that says so; the
  // partial index finds a delivery's open notices when it succeeds.
  `ALTER TABLE notices ADD COLUMN closed_at INTEGER;
   ALTER TABLE notices ADD COLUMN closed_by TEXT;              -- the notice that closed it
   CREATE INDEX notices_open_delivery ON notices (delivery_id) WHERE closed_at IS NULL AND delivery_id IS NOT NULL;`,

  // v12: OAuth2 access tokens of the automations that authenticate with client credentials,
  // shared by every consumer (src/plane/store/access-tokens.ts): the token sealed like the
  // signing secret, for the auth it was got with (`fingerprint`), used until `usable_until`.
  `CREATE TABLE access_tokens (
     automation_id TEXT PRIMARY KEY,
     fingerprint TEXT NOT NULL,
     token_ciphertext TEXT NOT NULL,
     usable_until INTEGER NOT NULL
   );`,

  // v13: a delivery's max age (the time after which it is never sent: its event's occurred_at +
  // the automation's max_age_seconds; NULL for no limit), deliveries made by a backfill marked,
  // and expired deliveries counted in the hourly rollups.
  `ALTER TABLE deliveries ADD COLUMN expires_at INTEGER;
   ALTER TABLE deliveries ADD COLUMN backfill INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE stats_hourly ADD COLUMN expired INTEGER NOT NULL DEFAULT 0;`,

  // v14: fewer bytes per delivered event. (1) No index of events by received_at alone: its one
  // reader, the retention purge, goes through (type, received_at) a type at a time
  // (retention.ts). (2) An attempt names the URL it was sent to by the id of a row of
  // `sent_urls`, each distinct URL stored once, instead of repeating it: an attempt's URL is its
  // task's (never rendered per event), so the table grows with the URLs tasks have had, not with
  // traffic. Attempts stored before keep their `request_url` text; `all_attempts` shows either
  // as `request_url`, so its readers are unchanged.
  `DROP INDEX events_received;
   CREATE TABLE sent_urls (
     id INTEGER PRIMARY KEY,
     url TEXT NOT NULL UNIQUE
   );
   ALTER TABLE attempt_log ADD COLUMN request_url_id INTEGER;  -- sent_urls.id; NULL when nothing was sent
   DROP VIEW all_attempts;
   CREATE VIEW all_attempts AS
     SELECT delivery_id, attempt, started_at, duration_ms, status_code, error, response_body,
            request_url, request_headers, request_body, request_body_truncated, request_packed FROM attempts
     UNION ALL
     SELECT delivery_id, attempt, started_at, duration_ms, status_code, error, response_body,
            CASE WHEN request_url_id IS NULL THEN request_url ELSE (SELECT url FROM sent_urls WHERE id = request_url_id) END,
            NULL, NULL, request_body_truncated, request_packed FROM attempt_log;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the object's database to SCHEMA_VERSION; returns the version it found. */
export function migrate(storage: DurableObjectStorage): number {
  return storage.transactionSync(() => {
    storage.sql.exec('CREATE TABLE IF NOT EXISTS schema_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    const row = storage.sql.exec<{ value: string }>("SELECT value FROM schema_meta WHERE key = 'version'").toArray()[0];
    const found = row ? Number(row.value) : 0;
    if (found > SCHEMA_VERSION) {
      throw new Error(`account object schema v${found} is newer than this code (v${SCHEMA_VERSION}); deploy the newer code`);
    }
    for (let version = found; version < SCHEMA_VERSION; version++) runMigration(storage.sql, MIGRATIONS[version]!);
    storage.sql.exec("INSERT OR REPLACE INTO schema_meta (key, value) VALUES ('version', ?)", String(SCHEMA_VERSION));
    return found;
  });
}

/** Applies one entry: its SQL, or its code (which converts rows SQL alone cannot). */
export function runMigration(sql: SqlStorage, migration: Migration): void {
  if (typeof migration === 'string') sql.exec(migration);
  else migration(sql);
}

/** The object's key (account and partition, see client.ts), remembered so that alarms know it too. */
export function rememberAccount(sql: SqlStorage, accountId: string): void {
  sql.exec("INSERT OR IGNORE INTO schema_meta (key, value) VALUES ('account_id', ?)", accountId);
}

export function storedAccount(sql: SqlStorage): string | null {
  return sql.exec<{ value: string }>("SELECT value FROM schema_meta WHERE key = 'account_id'").toArray()[0]?.value ?? null;
}
