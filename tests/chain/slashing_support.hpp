// Test support for evidence and downtime: a four-validator chain (the testnet's public
// validator keys) stored as a node stores it, grown block by block through the real
// BlockExecutor, with the validators' signers to make real ML-DSA-65 votes, evidence and
// commit certificates for any height (reusing consensus_support's signing helpers).
#pragma once

#include <memory>
#include <vector>

#include "chain/chain_spec.hpp"
#include "chain/executor.hpp"
#include "consensus_support.hpp"
#include "storage/database.hpp"

namespace qtm::chain::testing {

// The testnet spec with a short epoch and downtime window, for tests.
[[nodiscard]] ChainSpec small_testnet(std::uint64_t epoch_length, std::uint64_t downtime_window,
                                      std::uint64_t evidence_max_age_blocks);

class SlashingChain {
public:
    // Over `database` (a fresh, empty one; null: in memory).
    explicit SlashingChain(ChainSpec spec, std::unique_ptr<storage::Database> database = nullptr);

    [[nodiscard]] const ChainSpec& spec() const { return spec_; }
    [[nodiscard]] storage::Database& db() { return *db_; }
    [[nodiscard]] BlockExecutor& executor() { return *executor_; }
    [[nodiscard]] const Header& head() const { return headers_.back(); }
    [[nodiscard]] const std::vector<Header>& headers() const { return headers_; }
    [[nodiscard]] ConsensusDomain domain() const { return {spec_.chain_id, genesis_hash_}; }

    // The set of `height` with a signer per validator (signers[i] signs for set.at(i)).
    [[nodiscard]] TestValidators validators_at(std::uint64_t height) const;

    // Builds the child of the head with `inputs`, re-validates it (same hash required) and
    // writes it; the error of build or validate otherwise (nothing written).
    Result<ExecutedBlock, BlockError> extend(const BlockInputs& inputs,
                                             std::vector<Rejection>* rejected = nullptr);
    // The head's commit certificate signed by the validators at `signers` (indices in the
    // head's set), encoded for a child's parent_commit.
    [[nodiscard]] Bytes head_commit(const std::vector<std::size_t>& signers) const;
    // Two precommits of validator `index` (of the set of `height`) for different blocks.
    [[nodiscard]] DuplicateVoteEvidence double_sign(std::uint32_t index, std::uint64_t height,
                                                    const ConsensusDomain& domain) const;
    [[nodiscard]] DuplicateVoteEvidence double_sign(std::uint32_t index,
                                                    std::uint64_t height) const {
        return double_sign(index, height, domain());
    }

    // The staking storage at the head, read through a fresh world state.
    [[nodiscard]] std::unique_ptr<state::WorldState> head_state();

private:
    ChainSpec spec_;
    std::unique_ptr<storage::Database> db_;
    std::unique_ptr<BlockExecutor> executor_;
    std::vector<Header> headers_;
    Hash32 genesis_hash_{};
    std::vector<std::unique_ptr<ConsensusSigner>> signers_;  // testnet validator i
};

}  // namespace qtm::chain::testing
