-- Never late: a delivery not succeeded by its event's occurred_at + max_age_seconds ends as
-- `expired` and is never sent after that (src/domain/delivery-lifecycle.ts). NULL: no limit.
ALTER TABLE automations ADD COLUMN max_age_seconds INTEGER CHECK (max_age_seconds BETWEEN 1 AND 86400);
