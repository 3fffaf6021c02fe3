// The block executor: builds a block from candidate transactions (the proposer's path) and
// re-executes a received block to validate it completely (every other node's path). Both
// produce the same thing: the block, its receipts, and one write batch holding the block,
// its receipts, its lookups, the head pointer and all of its state changes, which the
// caller commits with sync=true.
//
// Fees and issuance (docs/protocol.md): each transaction pays gas_used * (base fee + tip);
// the base fee part is burned; after the transactions the chain spec's block reward (1 QTM)
// is minted. Reward and tips go to the proposer's validator in the staking contract
// (commission to its reward address, the rest to its delegators; staking/block_reward.hpp),
// or to the proposer's address if it is not a registered validator. Transactions run with
// the chain's native contracts (the staking contract, src/chain/staking/). After them, the
// block's evidence slashes and its parent_commit feeds the downtime windows
// (staking/block_penalties.hpp); the header commits to the evidence (evidence_root) and to
// the validator set that signs it (validators_hash).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/worker_pool.hpp"
#include "chain/block.hpp"
#include "chain/chain_spec.hpp"
#include "chain/staking/block_penalties.hpp"
#include "chain/transaction.hpp"
#include "chain/validator_set_source.hpp"
#include "evm/analysis.hpp"
#include "evm/status.hpp"
#include "state/native_contract.hpp"
#include "storage/database.hpp"
#include "storage/node_cache.hpp"

#include <chrono>

namespace qtm::chain {

// What RPC needs per transaction beyond the receipt.
struct TransactionResult {
    Hash32 hash{};
    std::uint64_t gas_used{0};
    U256 effective_gas_price{};
    std::optional<Address> contract_address{};
    evm::Status status{evm::Status::kSuccess};
};

struct ExecutedBlock {
    Block block;
    Hash32 hash{};
    std::vector<Receipt> receipts;
    std::vector<TransactionResult> results;
    // Logs emitted outside any transaction (the staking penalties' events), in order; served
    // as the block's pseudo receipt (block.hpp, block_logs_hash) and in the header's bloom.
    std::vector<state::Log> block_logs;
    storage::WriteBatch batch;
    // The block's issuance and its burned base fees (the supply changes by their difference,
    // less what slashing burns).
    U256 minted{};
    U256 burned_fees{};
    // Where the time went (for benchmarks and logs): executing the transactions, folding
    // the state into the tries (commit), and the rest (roots, bloom, the block's records).
    std::chrono::nanoseconds execution_time{};
    std::chrono::nanoseconds commit_time{};
    std::chrono::nanoseconds finish_time{};
};

// kInvalidBlock: the block breaks a rule (whoever sent it is to blame; a proposal gets a nil
// prevote). kLocal: this node could not read or write its own data (stop safely, say why).
enum class BlockErrorKind : std::uint8_t { kLocal, kInvalidBlock };

struct BlockError {
    std::string message;
    BlockErrorKind kind{BlockErrorKind::kLocal};
};

// A transaction the builder left out, and why (geth's wording).
struct Rejection {
    Hash32 hash{};
    std::string reason;
};

// What a proposer puts into a block besides transactions.
struct BlockInputs {
    std::vector<DuplicateVoteEvidence> evidence{};  // invalid pieces are left out (rejected)
    Bytes parent_commit{};                          // the parent's certificate, or empty
};

// The environment the transactions of `parent`'s child see (the coinbase is `proposer`
// itself: callers replace it with staking::fee_recipient of the block's start state).
[[nodiscard]] state::BlockEnv block_env(const ChainSpec& spec, storage::Database& database,
                                        const Header& parent, std::uint64_t timestamp,
                                        const Address& proposer,
                                        const state::NativeContracts* natives);

class BlockExecutor {
public:
    BlockExecutor(const ChainSpec& spec, storage::Database& database,
                  storage::NodeCache* node_cache = nullptr);

    // Builds the child of `parent` from `candidates` in the given order (best first), whose
    // signatures the caller has verified. Candidates that do not fit the block's remaining gas
    // or size, or are invalid against the state, are left out and listed in `rejected`.
    [[nodiscard]] Result<ExecutedBlock, BlockError> build(const Header& parent,
                                                          std::uint64_t timestamp,
                                                          const Address& proposer,
                                                          std::span<const Transaction> candidates,
                                                          std::vector<Rejection>* rejected,
                                                          const BlockInputs& inputs = {});

    // Checks a received block against its parent and re-executes it: header fields, size,
    // every signature (unless `signatures_verified`), every transaction's validity, gas,
    // every evidence and the parent commit, and the state, transactions, receipts and
    // evidence roots, the validators hash and the bloom.
    [[nodiscard]] Result<ExecutedBlock, BlockError> validate(const Header& parent,
                                                             const Block& block,
                                                             bool signatures_verified);
    // The same, verifying only the signatures of the transactions that `verified_before`
    // does not mark (asked once per block with every transaction hash; one flag per hash): a
    // node's pool verified each of its transactions on admission, and a transaction's hash
    // covers its signature and key, so a pooled transaction proposed by a peer needs no
    // second check.
    using VerifiedBefore =
        std::function<std::vector<bool>(std::span<const Hash32> transaction_hashes)>;
    [[nodiscard]] Result<ExecutedBlock, BlockError> validate(const Header& parent,
                                                             const Block& block,
                                                             const VerifiedBefore& verified_before);

private:
    struct Run;
    // Issuance, commit, header; with `received`, checks the computed roots against it.
    [[nodiscard]] Result<void, BlockError> finish(Run& run, const Header* received);

    const ChainSpec& spec_;
    storage::Database& database_;
    storage::NodeCache* node_cache_;
    evm::AnalysisCache analysis_cache_;
    std::shared_ptr<const state::NativeContracts> natives_;  // the staking contract
    // For evidence and parent_commit checks (staking/block_penalties.hpp).
    [[nodiscard]] Result<void, BlockError> start_block(
        Run& run, const std::vector<DuplicateVoteEvidence>& evidence, const Bytes& parent_commit);
    [[nodiscard]] Result<void, BlockError> apply_penalties(Run& run,
                                                           std::vector<Rejection>* rejected);
    StoredValidatorSets validator_sets_;
    WorkerPool pool_{WorkerPool::CallerOnly{}};
    std::optional<Hash32> genesis_hash_;
};

}  // namespace qtm::chain
