-- HTTP Notifier: the full current schema. Keep in step with migrations/ (test/schema.test.ts proves it).
-- Times are unix epoch milliseconds (INTEGER): cheap to compare in the sweep and retention queries.

CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  http_notifier_enabled INTEGER NOT NULL DEFAULT 0 CHECK (http_notifier_enabled IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
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
  -- Why the automation was turned off by the system (e.g. the receiver answered 410 Gone).
  disabled_reason TEXT,
  -- AES-GCM ciphertext of the signing secret (see src/crypto/secret-box.ts).
  secret_ciphertext TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  -- Bumped by every change: the API's ETag, for If-Match (migrations/0003).
  version INTEGER NOT NULL DEFAULT 1
);
-- Ingestion looks automations up by (account, trigger) for enabled ones only.
CREATE INDEX automations_match ON automations (account_id, trigger, enabled);

CREATE TABLE events (
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  occurred_at INTEGER NOT NULL,
  data TEXT NOT NULL,
  is_test INTEGER NOT NULL DEFAULT 0 CHECK (is_test IN (0, 1)),
  received_at INTEGER NOT NULL,
  -- The id is the idempotency key: the same id posted twice for an account is one event.
  PRIMARY KEY (account_id, id)
);
CREATE INDEX events_received ON events (received_at);

CREATE TABLE deliveries (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  -- No foreign key: the log outlives a deleted automation.
  automation_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  is_test INTEGER NOT NULL DEFAULT 0 CHECK (is_test IN (0, 1)),
  status TEXT NOT NULL CHECK (status IN ('pending', 'retrying', 'succeeded', 'failed', 'cancelled')),
  attempt_count INTEGER NOT NULL DEFAULT 0,
  -- Attempts made before the latest manual retry: the retry schedule counts from here.
  attempt_base INTEGER NOT NULL DEFAULT 0,
  last_status_code INTEGER,
  last_error TEXT,
  -- When the next attempt is due; NULL once the delivery is final.
  next_attempt_at INTEGER,
  -- Set while a consumer is sending it, so a duplicate queue message does not send it twice.
  lease_until INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX deliveries_account ON deliveries (account_id, id);
CREATE INDEX deliveries_automation ON deliveries (automation_id, id);
CREATE INDEX deliveries_event ON deliveries (account_id, event_id);
-- The sweep scans only open deliveries by due time.
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
CREATE INDEX deliveries_created ON deliveries (created_at);

CREATE TABLE delivery_attempts (
  delivery_id TEXT NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  status_code INTEGER,
  error TEXT,
  response_body TEXT,
  PRIMARY KEY (delivery_id, attempt)
);

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
