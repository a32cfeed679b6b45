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
