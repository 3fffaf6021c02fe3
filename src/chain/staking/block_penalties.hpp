// The executor's block-level slashing step, run once per block after the transactions
// (docs/staking.md, "Slashing" and "Downtime"):
//
//   block.evidence ──check_evidence──▶ slash(doubleSignSlashPercent, infraction height)
//                                      + tombstone + offence record
//   header.parent_commit ──verify against the parent's set──▶ per validator of that set:
//                                      one bit in its downtime window ──too many misses──▶
//                                      jail(now + jailSeconds) + window reset
//
// The penalty primitives themselves (what a slash burns, what jailing writes) are the
// staking accounting's (penalties.hpp); this file decides when they run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "base/worker_pool.hpp"
#include "chain/block.hpp"
#include "chain/chain_spec.hpp"
#include "chain/consensus/signer.hpp"
#include "chain/staking/evidence.hpp"
#include "chain/staking/store.hpp"
#include "chain/validator_set_source.hpp"
#include "state/world_state.hpp"

namespace qtm::chain::staking {

// The penalty primitives the step calls: default_penalties() forwards to penalties.hpp;
// tests may record the calls instead. Reasons are penalties.hpp's kReasonDoubleSign /
// kReasonDowntime.
class Penalties {
public:
    virtual ~Penalties() = default;
    virtual U256 slash(Store& store, const Address& operator_address, std::uint32_t percent,
                       std::uint64_t infraction_height, std::uint8_t reason) = 0;
    virtual void jail(Store& store, const Address& operator_address,
                      std::uint64_t until_unix_seconds, std::uint8_t reason) = 0;
    virtual void tombstone(Store& store, const Address& operator_address) = 0;
};
[[nodiscard]] Penalties& default_penalties();

struct BlockPenaltyContext {
    const ChainSpec& spec;
    ConsensusDomain domain;
    ValidatorSetSource& sets;
    const ConsensusVerifier& verifier;
    WorkerPool& pool;
    Penalties& penalties;
    const Header& parent;
    std::uint64_t timestamp{0};  // the block's
};

// One piece of evidence the builder left out, and why.
struct DroppedEvidence {
    std::size_t index{0};
    EvidenceError error{EvidenceError::kBadSignature};
};

// Checks and applies `evidence` in order (a second piece for an offence already applied,
// in this block or before, is kAlreadyApplied). With `dropped` null (validation) the first
// invalid piece is an error naming its index and rule; otherwise (building) invalid pieces
// are removed from `evidence` and listed in `dropped`.
[[nodiscard]] Result<void, std::string> apply_evidence(state::WorldState& world,
                                                       const BlockPenaltyContext& context,
                                                       std::vector<DuplicateVoteEvidence>& evidence,
                                                       std::vector<DroppedEvidence>* dropped);

// Records the parent's commit certificate in the downtime windows of the parent's set and
// jails whoever exceeds the allowed misses. Empty: nothing is recorded. Otherwise it must
// be the parent's certificate (its height and hash), signed by a quorum of the parent's set
// (whose hash the parent header carries), or the block is invalid.
[[nodiscard]] Result<void, std::string> apply_parent_commit(state::WorldState& world,
                                                            const BlockPenaltyContext& context,
                                                            ByteView parent_commit);

}  // namespace qtm::chain::staking
