-- Partitions: an account's data plane spread over `partitions` account objects (1–64; see
-- src/domain/partitions.ts). Only ever raised; `partition_history` keeps every count used (a
-- JSON array, ascending) so a business key is found under each.
ALTER TABLE accounts ADD COLUMN partitions INTEGER NOT NULL DEFAULT 1 CHECK (partitions BETWEEN 1 AND 64);
ALTER TABLE accounts ADD COLUMN partition_history TEXT NOT NULL DEFAULT '[1]';
