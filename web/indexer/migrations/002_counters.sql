-- Counters the API's status needs without a scan: transactions indexed in all (advanced in
-- the same database transaction as the blocks, by the count of blocks that were new).
ALTER TABLE indexer_state ADD COLUMN total_transactions BIGINT NOT NULL DEFAULT 0;
