// The rules a block's DuplicateVoteEvidence must meet before it slashes (docs/staking.md,
// "Slashing"), checked by every node at block validation and by the builder before it
// includes a piece: two conflicting votes, signed on this chain by a validator of the set
// of their height, not for a height above the block, not older than
// slashing.evidenceMaxAgeBlocks, and not an offence already applied (a record per
// (validator, height) in the staking contract's storage).
#pragma once

#include <cstdint>
#include <string_view>

#include "base/result.hpp"
#include "chain/chain_spec.hpp"
#include "chain/consensus/signer.hpp"
#include "chain/consensus/types.hpp"
#include "chain/staking/store.hpp"
#include "chain/validator_set_source.hpp"

namespace qtm::chain::staking {

// Offences applied: keccak256(pad32(height) ‖ keccak256(pad32(operator) ‖ pad32(32))) = 1.
inline constexpr std::uint64_t kOffencesSlot = 32;

enum class EvidenceError {
    kSameVote,          // vote_a and vote_b are one vote
    kSameBlock,         // both votes are for the same block (or both nil)
    kNotConflicting,    // other validator, type, height or round
    kNotCanonical,      // vote_a's block hash does not sort before vote_b's
    kWrongHeight,       // height 0 or above the including block
    kExpired,           // more than evidenceMaxAgeBlocks below the including block
    kNoValidatorSet,    // the set of the evidence's height cannot be read
    kUnknownValidator,  // index outside that set, or not a registered validator
    kBadSignature,      // a signature does not verify on this chain (wrong chain included)
    kAlreadyApplied,    // this (validator, height) offence was applied before
    kTombstoned,        // the validator is already tombstoned
};
[[nodiscard]] std::string_view to_string(EvidenceError error) noexcept;

// What a valid piece of evidence convicts.
struct Offence {
    Address operator_address{};
    Address consensus_address{};
    std::uint64_t height{0};
};

struct EvidenceContext {
    const ChainSpec& spec;
    ConsensusDomain domain;
    ValidatorSetSource& sets;
    const ConsensusVerifier& verifier;
    std::uint64_t block_number{0};  // of the block that includes the evidence
};

// Cheap rules first (shape, heights, age), then the set, the signatures and the storage.
[[nodiscard]] Result<Offence, EvidenceError> check_evidence(const DuplicateVoteEvidence& evidence,
                                                            const EvidenceContext& context,
                                                            Meter& meter);

[[nodiscard]] bool offence_applied(Meter& meter, const Address& operator_address,
                                   std::uint64_t height);
void record_offence(Meter& meter, const Address& operator_address, std::uint64_t height);

}  // namespace qtm::chain::staking
