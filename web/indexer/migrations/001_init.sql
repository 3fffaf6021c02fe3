-- QTM explorer indexer: the initial schema. Applied once, in a transaction, by the indexer
-- at start (src/db.ts: migrations/NNN_name.sql in order, recorded in schema_migrations).
-- Amounts are NUMERIC (wei), hashes/addresses/bytes BYTEA (raw bytes, not hex).

-- One row: which chain this database holds and how far it is indexed.
CREATE TABLE indexer_state (
  id            BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (id),
  chain_id      NUMERIC NOT NULL,
  genesis_hash  BYTEA   NOT NULL,
  last_height   BIGINT,                -- highest indexed block; NULL before the first one
  validators_block BIGINT,             -- the block the validators snapshot was read at
  validators_epoch BIGINT,
  updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE blocks (
  number          BIGINT PRIMARY KEY,
  hash            BYTEA   NOT NULL UNIQUE,
  parent_hash     BYTEA   NOT NULL,
  timestamp       BIGINT  NOT NULL,
  proposer        BYTEA   NOT NULL,
  state_root      BYTEA   NOT NULL,
  gas_used        BIGINT  NOT NULL,
  gas_limit       BIGINT  NOT NULL,
  base_fee        NUMERIC,
  tx_count        INTEGER NOT NULL,
  size            INTEGER NOT NULL,
  -- The commit certificate (qtm_getCommit; NULL on qtmd --dev, which has none).
  commit_round    INTEGER,
  signer_indices  INTEGER[],
  signer_addresses BYTEA[],
  certificate_size INTEGER
);

CREATE TABLE transactions (
  hash            BYTEA   PRIMARY KEY,
  block_number    BIGINT  NOT NULL REFERENCES blocks(number) ON DELETE CASCADE,
  tx_index        INTEGER NOT NULL,
  tx_type         SMALLINT NOT NULL,
  from_address    BYTEA   NOT NULL,
  to_address      BYTEA,
  contract_address BYTEA,
  value           NUMERIC NOT NULL,
  nonce           BIGINT  NOT NULL,
  gas_limit       BIGINT  NOT NULL,
  gas_used        BIGINT  NOT NULL,
  effective_gas_price NUMERIC NOT NULL,
  max_fee_per_gas NUMERIC,
  max_priority_fee_per_gas NUMERIC,
  fee_burned      NUMERIC NOT NULL,    -- gasUsed x baseFee
  fee_tipped      NUMERIC NOT NULL,    -- gasUsed x (effectiveGasPrice - baseFee)
  status          SMALLINT NOT NULL,   -- 1 success, 0 reverted
  scheme          SMALLINT NOT NULL,   -- 1 ML-DSA-44, 2 ML-DSA-65, 3 ML-DSA-87
  signature_size  INTEGER NOT NULL,
  public_key_size INTEGER NOT NULL,    -- non-zero: this transaction registers the sender's key
  input           BYTEA   NOT NULL,
  UNIQUE (block_number, tx_index)
);
CREATE INDEX transactions_newest ON transactions (block_number DESC, tx_index DESC);

-- Receipt logs, and the block-level logs of the staking contract (tx_index = the block's
-- transaction count, tx_hash the derived hash; docs/staking.md).
CREATE TABLE logs (
  block_number BIGINT  NOT NULL REFERENCES blocks(number) ON DELETE CASCADE,
  log_index    INTEGER NOT NULL,
  tx_hash      BYTEA   NOT NULL,
  tx_index     INTEGER NOT NULL,
  address      BYTEA   NOT NULL,
  topic0       BYTEA,
  topic1       BYTEA,
  topic2       BYTEA,
  topic3       BYTEA,
  data         BYTEA   NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX logs_by_tx ON logs (tx_hash);

-- Every transaction an address took part in (sender, recipient, created contract): the
-- address history, keyset-paginated newest first.
CREATE TABLE address_activity (
  address      BYTEA   NOT NULL,
  block_number BIGINT  NOT NULL,
  tx_index     INTEGER NOT NULL,
  tx_hash      BYTEA   NOT NULL,
  PRIMARY KEY (address, block_number, tx_index)
);
CREATE INDEX address_activity_newest ON address_activity (address, block_number DESC, tx_index DESC);

-- The transaction that registered an account's ML-DSA key (public_key_size > 0).
CREATE TABLE key_registrations (
  address      BYTEA    PRIMARY KEY,
  scheme       SMALLINT NOT NULL,
  public_key   BYTEA,                  -- qtm_getPublicKey at the block; NULL if it answered none
  tx_hash      BYTEA    NOT NULL,
  block_number BIGINT   NOT NULL
);

CREATE TABLE contracts (
  address      BYTEA   PRIMARY KEY,
  creator      BYTEA   NOT NULL,
  tx_hash      BYTEA   NOT NULL,
  block_number BIGINT  NOT NULL,
  code_size    INTEGER NOT NULL
);

-- Tokens seen in Transfer events: ERC-20 (3 topics + 32 data bytes), ERC-721 (4 topics).
CREATE TABLE tokens (
  address      BYTEA   PRIMARY KEY,
  standard     TEXT    NOT NULL CHECK (standard IN ('ERC-20', 'ERC-721')),
  name         TEXT,
  symbol       TEXT,
  decimals     INTEGER,
  total_supply NUMERIC,
  first_block  BIGINT  NOT NULL,
  supply_block BIGINT,                 -- the block total_supply was read at
  transfers    BIGINT  NOT NULL DEFAULT 0
);

CREATE TABLE token_transfers (
  block_number BIGINT  NOT NULL REFERENCES blocks(number) ON DELETE CASCADE,
  log_index    INTEGER NOT NULL,
  tx_hash      BYTEA   NOT NULL,
  token        BYTEA   NOT NULL,
  from_address BYTEA   NOT NULL,
  to_address   BYTEA   NOT NULL,
  value        NUMERIC,                -- ERC-20
  token_id     NUMERIC,                -- ERC-721
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX token_transfers_by_token ON token_transfers (token, block_number DESC, log_index DESC);
CREATE INDEX token_transfers_by_from ON token_transfers (from_address, block_number DESC, log_index DESC);
CREATE INDEX token_transfers_by_to ON token_transfers (to_address, block_number DESC, log_index DESC);
CREATE INDEX token_transfers_by_tx ON token_transfers (tx_hash);

-- Balances summed from the transfers (ERC-20: units; ERC-721: tokens held).
CREATE TABLE token_balances (
  token   BYTEA   NOT NULL,
  holder  BYTEA   NOT NULL,
  balance NUMERIC NOT NULL,
  PRIMARY KEY (token, holder)
);
CREATE INDEX token_balances_by_holder ON token_balances (holder);

-- The active set at indexer_state.validators_block (qtm_getValidators), replaced whole.
CREATE TABLE validators (
  address        BYTEA    PRIMARY KEY,   -- consensus address
  operator       BYTEA,
  reward_address BYTEA,
  scheme         SMALLINT,
  stake          NUMERIC,
  voting_power   NUMERIC,
  commission_bps INTEGER,
  jailed         BOOLEAN,
  tombstoned     BOOLEAN,
  position       INTEGER NOT NULL        -- index in the set (commit signer indices)
);

-- Events of the staking contract (transaction logs and block-level logs alike).
CREATE TABLE staking_events (
  block_number BIGINT  NOT NULL REFERENCES blocks(number) ON DELETE CASCADE,
  log_index    INTEGER NOT NULL,
  tx_hash      BYTEA   NOT NULL,
  kind         TEXT    NOT NULL,         -- ValidatorCreated, Delegated, Slashed, ...
  validator    BYTEA,                    -- the operator / validator address
  delegator    BYTEA,
  amount       NUMERIC,
  args         JSONB   NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX staking_events_by_validator ON staking_events (validator, block_number DESC);
