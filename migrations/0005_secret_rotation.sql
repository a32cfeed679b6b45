-- Secret rotation with overlap: the secrets rotated out that still sign alongside the current
-- one, as JSON `[{"ciphertext", "valid_until"}]` (epoch ms; most recently rotated out first, at
-- most 3). Each ciphertext is sealed like secret_ciphertext, bound to the automation id.
ALTER TABLE automations ADD COLUMN previous_secrets TEXT NOT NULL DEFAULT '[]';
