-- HTTP Notifier's control plane in D1: the full current schema. Keep in step with migrations/
-- (test/schema.test.ts proves it). Times are unix epoch milliseconds (INTEGER).
--
-- The data plane (each account's events, deliveries, attempts and destination gates) lives in
-- one SQLite-backed Durable Object per account; its schema is versioned in code, in
-- src/plane/schema.ts (test/plane/schema.test.ts).

CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  http_notifier_enabled INTEGER NOT NULL DEFAULT 0 CHECK (http_notifier_enabled IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  -- The account's operations webhook: where failure notices go, and its own signing secret
  -- (AES-GCM ciphertext, bound to "ops_<account id>") (migrations/0008).
  operations_url TEXT,
  operations_secret_ciphertext TEXT,
  -- Its data plane spread over this many account objects, only ever raised, and every count it
  -- has used (JSON array) (migrations/0010).
  partitions INTEGER NOT NULL DEFAULT 1 CHECK (partitions BETWEEN 1 AND 64),
  partition_history TEXT NOT NULL DEFAULT '[1]'
);

-- Only the SHA-256 of a key is kept; the key itself is shown once when created.
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'events')),
  name TEXT,
  key_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX api_keys_account ON api_keys (account_id);

CREATE TABLE automations (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name TEXT,
  trigger TEXT NOT NULL,
  action TEXT NOT NULL DEFAULT 'http_post' CHECK (action IN ('http_post')),
  url TEXT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('json', 'xml')),
  body TEXT NOT NULL,
  headers TEXT NOT NULL DEFAULT '{}',
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  -- Why the automation was turned off, as text: no longer written or read since migrations/0009
  -- (see disabled_cause); kept for one release so that code deployed before 0009 can still write
  -- it while the two overlap, and dropped by a later migration.
  disabled_reason TEXT,
  -- AES-GCM ciphertext of the signing secret (see src/crypto/secret-box.ts).
  secret_ciphertext TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  -- Bumped by every change: the API's ETag, for If-Match (migrations/0003).
  version INTEGER NOT NULL DEFAULT 1,
  -- The destination gate: deliveries in flight to its destination at once (NULL: 4), and an
  -- optional requests-per-second limit (migrations/0004).
  max_concurrency INTEGER CHECK (max_concurrency BETWEEN 1 AND 50),
  rate_limit_per_second INTEGER CHECK (rate_limit_per_second BETWEEN 1 AND 1000),
  -- Secrets rotated out that still sign alongside the current one until their valid_until:
  -- JSON [{"ciphertext", "valid_until"}], each sealed like secret_ciphertext (migrations/0005).
  previous_secrets TEXT NOT NULL DEFAULT '[]',
  -- Fields redacted before rendering: JSON object of field name → 'last4' | 'hide' (migrations/0006).
  redact TEXT NOT NULL DEFAULT '{}',
  -- 'per_call': one call's deliveries go out in the order its events occurred (migrations/0007).
  ordering TEXT NOT NULL DEFAULT 'none' CHECK (ordering IN ('none', 'per_call')),
  -- When every attempt had been failing for 24 h; NULL while healthy (migrations/0008).
  failing_since INTEGER,
  -- Why the system turned the automation off (410 Gone, or failing for days), as data: JSON of
  -- a RecordedCause in src/domain/causes.ts, worded on read; NULL while on (migrations/0009).
  disabled_cause TEXT,
  -- Which events of its trigger it delivers: JSON of the tree in src/domain/conditions.ts;
  -- NULL delivers every event (migrations/0011).
  conditions TEXT,
  -- How to authenticate to the target, without its secret: JSON {"type": "basic", "username"}
  -- or {"type": "oauth2_client_credentials", "token_url", "client_id", "scope", "audience"};
  -- NULL: none. Its password or client secret is sealed like secret_ciphertext (migrations/0012).
  auth TEXT,
  auth_secret_ciphertext TEXT,
  -- 'cloudevents': ce-* headers of the CloudEvents HTTP binding, binary mode (migrations/0012).
  envelope TEXT NOT NULL DEFAULT 'none' CHECK (envelope IN ('none', 'cloudevents')),
  -- Never late: seconds after the event's occurred_at past which a delivery is never sent (it
  -- ends `expired`); NULL: no limit (migrations/0013).
  max_age_seconds INTEGER CHECK (max_age_seconds BETWEEN 1 AND 86400)
);
-- Ingestion looks automations up by (account, trigger) for enabled ones only.
CREATE INDEX automations_match ON automations (account_id, trigger, enabled);

-- Admin console sign-ins: an admin API key exchanged for a browser session.
-- Only the SHA-256 of the session token is kept; the token itself lives in an HttpOnly cookie.
CREATE TABLE console_sessions (
  token_hash TEXT PRIMARY KEY,
  -- Revoking the key ends its sessions: lookups join on the key and skip revoked ones.
  key_id TEXT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX console_sessions_key ON console_sessions (key_id);
CREATE INDEX console_sessions_expires ON console_sessions (expires_at);
