-- Failure notices: when an automation started counting as failing (NULL: it is not), and each
-- account's operations webhook (a URL of its own and its own signing secret, AES-GCM at rest).
ALTER TABLE automations ADD COLUMN failing_since INTEGER;
ALTER TABLE accounts ADD COLUMN operations_url TEXT;
ALTER TABLE accounts ADD COLUMN operations_secret_ciphertext TEXT;
