-- Two indexes that repeat another's columns: a B-tree scans backwards as fast as forwards,
-- so UNIQUE (block_number, tx_index) serves "newest transactions first" and the primary key
-- (address, block_number, tx_index) serves an address's history newest first. Each was a
-- second write per row during backfill.
DROP INDEX IF EXISTS transactions_newest;
DROP INDEX IF EXISTS address_activity_newest;
