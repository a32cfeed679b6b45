-- Auth to the destination and the CloudEvents envelope (issue 16).
-- `auth`: JSON of how to authenticate to the target, without its secret ({"type": "basic",
-- "username"} or {"type": "oauth2_client_credentials", "token_url", "client_id", "scope",
-- "audience"}); NULL: none. The password or client secret is sealed apart in
-- `auth_secret_ciphertext` with AES-GCM, like the signing secret (src/crypto/secret-box.ts).
ALTER TABLE automations ADD COLUMN auth TEXT;
ALTER TABLE automations ADD COLUMN auth_secret_ciphertext TEXT;
-- 'cloudevents': ce-* headers of the CloudEvents 1.0 HTTP binding, binary content mode.
ALTER TABLE automations ADD COLUMN envelope TEXT NOT NULL DEFAULT 'none' CHECK (envelope IN ('none', 'cloudevents'));
