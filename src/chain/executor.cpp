#include "chain/executor.hpp"

#include <stdexcept>

#include "chain/prune_state.hpp"
#include "chain/staking/block_reward.hpp"
#include "chain/staking/contract.hpp"
#include "crypto/keccak.hpp"
#include "state/transaction.hpp"
#include "state/world_state.hpp"
#include "storage/chain_store.hpp"

namespace qtm::chain {

struct BlockExecutor::Run {
    Run(const storage::ReadView& view, const Header& parent_header, storage::NodeCache* cache)
        : parent{parent_header}, world{view, parent_header.state_root, cache} {}

    const Header& parent;
    state::WorldState world;
    state::BlockEnv env;
    Address proposer{};  // header.proposer; env.coinbase is its fee recipient
    ExecutedBlock out;
    std::vector<Bytes> encoded;  // of out.block.transactions: each encoded once
    std::uint64_t gas_used{0};
    BodySize body_size;
    // Block-level inputs (out.block.evidence holds the evidence).
    Bytes parent_commit;
    Hash32 validators_hash{};
    std::vector<Rejection>* rejected{nullptr};  // building: evidence left out goes here
    bool building{false};
};

BlockExecutor::BlockExecutor(const ChainSpec& spec, storage::Database& database,
                             storage::NodeCache* node_cache)
    : spec_{spec},
      database_{database},
      node_cache_{node_cache},
      natives_{staking::native_contracts(spec)},
      validator_sets_{spec, database} {}

state::BlockEnv block_env(const ChainSpec& spec, storage::Database& database, const Header& parent,
                          std::uint64_t timestamp, const Address& proposer,
                          const state::NativeContracts* natives) {
    state::BlockEnv env;
    env.natives = natives;
    env.coinbase = proposer;
    env.number = static_cast<std::int64_t>(parent.number + 1);
    env.timestamp = static_cast<std::int64_t>(timestamp);
    env.gas_limit = static_cast<std::int64_t>(spec.gas_limit);
    env.base_fee = next_base_fee(spec, parent);
    env.blob_base_fee = U256{kBlobBaseFee};
    env.chain_id = U256{spec.chain_id};
    // PREVRANDAO: QTM has no beacon randomness; the parent hash is what a proposer cannot
    // choose freely (docs/evm.md).
    env.prevrandao = U256::from_be_bytes(block_hash(parent));
    env.block_hash = [&database](std::int64_t number) -> Hash32 {
        const storage::ChainStore store{database};
        auto hash = store.canonical_hash(static_cast<std::uint64_t>(number));
        return hash && *hash ? **hash : Hash32{};
    };
    return env;
}

namespace {

// The key rule (chain/transaction.hpp signing_key) without the signature, which the pool or
// validate verified: it depends on the state, so every transaction is checked here.
std::optional<std::string> key_rule_violation(state::WorldState& world, const Transaction& tx) {
    if (auto key = signing_key(tx, world.registered_key(tx.from)); !key) {
        return std::string{to_string(key.error())};
    }
    return std::nullopt;
}

// Applies one transaction; an error message if it cannot be included.
std::optional<std::string> apply(state::WorldState& world, const state::BlockEnv& env,
                                 const Transaction& tx, std::uint64_t chain_id,
                                 std::uint64_t& gas_used, evm::AnalysisCache& cache,
                                 const Hash32& hash, ExecutedBlock& out) {
    if (tx.chain_id != chain_id) return std::string{"invalid chain id"};
    if (auto violation = key_rule_violation(world, tx)) return violation;
    const auto remaining =
        static_cast<std::int64_t>(static_cast<std::uint64_t>(env.gas_limit) - gas_used);
    auto outcome = state::apply_transaction(world, env, to_tx_params(tx), remaining, cache);
    if (!outcome) return std::string{state::to_string(outcome.error())};
    gas_used += static_cast<std::uint64_t>(outcome->gas_used);
    Receipt receipt;
    receipt.success = outcome->status == evm::Status::kSuccess;
    receipt.cumulative_gas_used = gas_used;
    receipt.logs = std::move(outcome->logs);
    receipt.logs_bloom = logs_bloom(receipt.logs);
    const U256 tip = std::min(tx.max_priority_fee_per_gas, tx.max_fee_per_gas - env.base_fee);
    out.results.push_back(TransactionResult{hash, static_cast<std::uint64_t>(outcome->gas_used),
                                            env.base_fee + tip, outcome->contract_address,
                                            outcome->status});
    out.receipts.push_back(std::move(receipt));
    out.block.transactions.push_back(tx);
    return std::nullopt;
}

}  // namespace

Result<void, BlockError> BlockExecutor::start_block(
    Run& run, const std::vector<DuplicateVoteEvidence>& evidence, const Bytes& parent_commit) {
    // Before any transaction: an epoch's first block takes its set from the parent's state.
    auto validators = child_validators_hash(spec_, run.parent, run.world);
    if (!validators) return unexpected(BlockError{validators.error().message});
    run.validators_hash = *validators;
    run.out.block.evidence = evidence;
    run.parent_commit = parent_commit;
    for (const auto& piece : evidence)
        run.body_size.add_evidence(encode_evidence(piece).size());
    return {};
}

Result<void, BlockError> BlockExecutor::apply_penalties(Run& run,
                                                        std::vector<Rejection>* rejected) {
    if (run.out.block.evidence.empty() && run.parent_commit.empty()) return {};
    if (!genesis_hash_) {
        auto hash = genesis_hash(spec_);
        if (!hash) return unexpected(BlockError{hash.error().message});
        genesis_hash_ = *hash;
    }
    const staking::BlockPenaltyContext context{
        spec_,           ConsensusDomain{spec_.chain_id, *genesis_hash_},
        validator_sets_, mldsa_verifier(),
        pool_,           staking::default_penalties(),
        run.parent,      static_cast<std::uint64_t>(run.env.timestamp)};
    const std::vector<DuplicateVoteEvidence> offered =
        run.building ? run.out.block.evidence : std::vector<DuplicateVoteEvidence>{};
    std::vector<staking::DroppedEvidence> dropped;
    auto applied = staking::apply_evidence(run.world, context, run.out.block.evidence,
                                           run.building ? &dropped : nullptr);
    if (!applied)
        return unexpected(
            BlockError{"invalid block: " + applied.error(), BlockErrorKind::kInvalidBlock});
    for (const auto& piece : dropped) {
        if (rejected == nullptr) continue;
        rejected->push_back(Rejection{crypto::keccak256(encode_evidence(offered[piece.index])),
                                      "evidence: " + std::string{to_string(piece.error)}});
    }
    auto recorded = staking::apply_parent_commit(run.world, context, run.parent_commit);
    if (!recorded)
        return unexpected(
            BlockError{"invalid block: " + recorded.error(), BlockErrorKind::kInvalidBlock});
    if (run.world.error()) return unexpected(BlockError{run.world.error()->message});
    return {};
}

Result<void, BlockError> BlockExecutor::finish(Run& run, const Header* received) {
    if (auto done = apply_penalties(run, run.rejected); !done) return unexpected(done.error());
    // Issuance after the transactions, so that a transaction never sees this block's reward.
    const auto issuance = staking::pay_block_reward(run.world, run.env, run.proposer,
                                                    spec_.block_reward, run.out.results);
    run.out.minted = issuance.minted;
    run.out.burned_fees = issuance.burned_fees;
    // What the block-level steps emitted (penalties' events) is the block's own logs.
    run.out.block_logs = run.world.finalize_transaction();
    const auto commit_start = std::chrono::steady_clock::now();
    auto root = run.world.commit(run.out.batch);
    const auto commit_end = std::chrono::steady_clock::now();
    run.out.commit_time = commit_end - commit_start;
    if (!root) return unexpected(BlockError{"state commit: " + root.error().message});

    Header& header = run.out.block.header;
    header.parent_hash = block_hash(run.parent);
    header.number = run.parent.number + 1;
    header.timestamp = static_cast<std::uint64_t>(run.env.timestamp);
    header.proposer = run.proposer;
    header.state_root = *root;
    header.transactions_root = transactions_root_of_encoded(run.encoded);
    header.receipts_root = receipts_root(run.out.receipts);
    // The bloom covers the block-level logs too, so that bloom-filtered queries find them.
    header.logs_bloom = logs_bloom(run.out.block_logs);
    for (const auto& receipt : run.out.receipts) {
        for (std::size_t i = 0; i < header.logs_bloom.size(); ++i) {
            header.logs_bloom[i] |= receipt.logs_bloom[i];
        }
    }
    header.gas_limit = spec_.gas_limit;
    header.gas_used = run.gas_used;
    header.base_fee = run.env.base_fee;
    header.evidence_root = evidence_root(run.out.block.evidence);
    header.validators_hash = run.validators_hash;
    header.parent_commit = run.parent_commit;
    if (received != nullptr) {
        const auto invalid = [](const char* what) {
            return unexpected(BlockError{std::string{"invalid block: "} + what + " mismatch",
                                         BlockErrorKind::kInvalidBlock});
        };
        if (header.gas_used != received->gas_used) return invalid("gas used");
        if (header.state_root != received->state_root) return invalid("state root");
        if (header.transactions_root != received->transactions_root) {
            return invalid("transactions root");
        }
        if (header.receipts_root != received->receipts_root) return invalid("receipts root");
        if (header.logs_bloom != received->logs_bloom) return invalid("logs bloom");
        if (header.evidence_root != received->evidence_root) return invalid("evidence root");
        if (header.validators_hash != received->validators_hash) {
            return invalid("validators hash");
        }
        // The header as received (extra data and commit certificate included) is the block.
        header = *received;
    }
    run.out.hash = block_hash(header);

    storage::StoredBlock stored;
    stored.hash = run.out.hash;
    stored.number = header.number;
    stored.header = encode_header(header);
    stored.body = encode_body_of_encoded(run.encoded, run.out.block.evidence);
    stored.receipts = encode_receipts(run.out.receipts);
    for (const auto& result : run.out.results)
        stored.txn_hashes.push_back(result.hash);
    stored.block_logs_key = block_logs_hash(header.number, run.out.hash);
    if (!run.out.block_logs.empty()) {
        stored.block_logs = encode_block_logs(BlockLogs{header.number, run.out.block_logs});
    }
    storage::ChainStore::add_block(run.out.batch, stored);
    record_validator_set_state(run.out.batch, header.number, spec_.epoch_length);
    run.out.finish_time = std::chrono::steady_clock::now() - commit_end;
    return {};
}

Result<ExecutedBlock, BlockError> BlockExecutor::build(const Header& parent,
                                                       std::uint64_t timestamp,
                                                       const Address& proposer,
                                                       std::span<const Transaction> candidates,
                                                       std::vector<Rejection>* rejected,
                                                       const BlockInputs& inputs) {
    Run run{database_, parent, node_cache_};
    run.env = block_env(spec_, database_, parent, timestamp, proposer, natives_.get());
    run.proposer = proposer;
    run.env.coinbase = staking::fee_recipient(run.world, proposer);
    if (auto started = start_block(run, inputs.evidence, inputs.parent_commit); !started) {
        return unexpected(started.error());
    }
    run.building = true;
    run.rejected = rejected;
    const auto start = std::chrono::steady_clock::now();
    for (const auto& tx : candidates) {
        Bytes encoded = encode(tx);
        const std::size_t size = encoded.size();
        if (run.body_size.total_with_transaction(size) > spec_.max_block_bytes) continue;
        if (tx.gas_limit > spec_.gas_limit - run.gas_used) continue;  // next block
        const Hash32 hash = crypto::keccak256(encoded);
        if (auto error = apply(run.world, run.env, tx, spec_.chain_id, run.gas_used,
                               analysis_cache_, hash, run.out)) {
            if (rejected != nullptr) rejected->push_back(Rejection{hash, *error});
            continue;
        }
        run.encoded.push_back(std::move(encoded));
        run.body_size.add_transaction(size);
        if (run.world.error()) return unexpected(BlockError{run.world.error()->message});
    }
    run.out.execution_time = std::chrono::steady_clock::now() - start;
    if (auto done = finish(run, nullptr); !done) return unexpected(done.error());
    return std::move(run.out);
}

Result<ExecutedBlock, BlockError> BlockExecutor::validate(const Header& parent, const Block& block,
                                                          bool signatures_verified) {
    if (signatures_verified) {
        return validate(parent, block, VerifiedBefore{[](std::span<const Hash32> hashes) {
                            return std::vector<bool>(hashes.size(), true);
                        }});
    }
    return validate(parent, block, VerifiedBefore{});
}

Result<ExecutedBlock, BlockError> BlockExecutor::validate(const Header& parent, const Block& block,
                                                          const VerifiedBefore& verified_before) {
    const Header& header = block.header;
    const auto invalid = [](std::string message) {
        return unexpected(
            BlockError{"invalid block: " + std::move(message), BlockErrorKind::kInvalidBlock});
    };
    if (header.number != parent.number + 1) return invalid("number is not parent + 1");
    if (header.parent_hash != block_hash(parent)) return invalid("parent hash mismatch");
    if (header.timestamp <= parent.timestamp) return invalid("timestamp not after the parent's");
    if (header.gas_limit != spec_.gas_limit)
        return invalid("gas limit differs from the chain spec");
    if (header.base_fee != next_base_fee(spec_, parent)) return invalid("wrong base fee");
    if (block.evidence.size() > kMaxEvidencePerBlock) {
        return invalid("more evidence than the protocol's maximum (16)");
    }
    // The builder's size rule (BodySize), before any execution.
    std::vector<Bytes> encoded_transactions;
    encoded_transactions.reserve(block.transactions.size());
    BodySize body_size;
    std::vector<Hash32> hashes;
    hashes.reserve(block.transactions.size());
    for (const auto& tx : block.transactions) {
        encoded_transactions.push_back(encode(tx));
        body_size.add_transaction(encoded_transactions.back().size());
        hashes.push_back(crypto::keccak256(encoded_transactions.back()));
    }
    for (const auto& piece : block.evidence)
        body_size.add_evidence(encode_evidence(piece).size());
    if (body_size.total() > spec_.max_block_bytes) {
        return invalid("block body of " + std::to_string(body_size.total()) +
                       " bytes is larger than the chain spec's maximum (" +
                       std::to_string(spec_.max_block_bytes) + ")");
    }

    const std::vector<bool> known =
        verified_before ? verified_before(hashes) : std::vector<bool>(hashes.size(), false);
    if (known.size() != hashes.size()) throw std::logic_error{"verified_before: one per hash"};

    Run run{database_, parent, node_cache_};
    run.env =
        block_env(spec_, database_, parent, header.timestamp, header.proposer, natives_.get());
    run.proposer = header.proposer;
    run.env.coinbase = staking::fee_recipient(run.world, header.proposer);
    if (auto started = start_block(run, block.evidence, header.parent_commit); !started) {
        return unexpected(started.error());
    }
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < block.transactions.size(); ++i) {
        const Transaction& tx = block.transactions[i];
        Bytes encoded = std::move(encoded_transactions[i]);
        const Hash32& hash = hashes[i];
        if (!known[i]) {
            auto verified = verify_signature(tx, run.world.registered_key(tx.from));
            if (!verified) {
                return invalid("transaction " + std::to_string(i) + ": " +
                               std::string{to_string(verified.error())});
            }
        }
        if (auto error = apply(run.world, run.env, tx, spec_.chain_id, run.gas_used,
                               analysis_cache_, hash, run.out)) {
            return invalid("transaction " + std::to_string(i) + ": " + *error);
        }
        run.encoded.push_back(std::move(encoded));
        if (run.world.error()) return unexpected(BlockError{run.world.error()->message});
    }
    run.out.execution_time = std::chrono::steady_clock::now() - start;
    if (auto done = finish(run, &header); !done) return unexpected(done.error());
    return std::move(run.out);
}

}  // namespace qtm::chain
