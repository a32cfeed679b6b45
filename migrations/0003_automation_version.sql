-- A counter bumped by every change to an automation: the API's ETag, so a client can make a
-- change conditional with If-Match (412 when someone else changed it first).
ALTER TABLE automations ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
