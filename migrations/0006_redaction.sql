-- Field redaction: a JSON object of trigger field name → "last4" | "hide" (src/domain/redaction.ts).
-- Applied when a body is rendered; the stored events keep the values as they came.
ALTER TABLE automations ADD COLUMN redact TEXT NOT NULL DEFAULT '{}';
