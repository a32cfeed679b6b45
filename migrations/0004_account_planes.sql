-- The data plane moves to one Durable Object per account (src/plane/): events, deliveries and
-- attempts no longer live in D1. There is no production data yet, so nothing is copied over.
DROP TABLE IF EXISTS delivery_attempts;
DROP TABLE IF EXISTS deliveries;
DROP TABLE IF EXISTS events;

-- The destination gate's per-automation settings: how many deliveries may be in flight to its
-- destination at once (NULL: the default of 4) and an optional requests-per-second limit.
ALTER TABLE automations ADD COLUMN max_concurrency INTEGER CHECK (max_concurrency BETWEEN 1 AND 50);
ALTER TABLE automations ADD COLUMN rate_limit_per_second INTEGER CHECK (rate_limit_per_second BETWEEN 1 AND 1000);
