// Checks of signed consensus messages against a validator set, for everyone who holds the
// set: the engine's driver, the block executor (parent_commit, evidence), sync and light
// clients. Certificate and vote-batch checks run their signature verifications in parallel
// on the caller's WorkerPool (100 ML-DSA-65 verifications must not run one after another).
#pragma once

#include <span>
#include <string_view>

#include "base/result.hpp"
#include "base/worker_pool.hpp"
#include "chain/consensus/signer.hpp"
#include "chain/consensus/types.hpp"
#include "chain/consensus/validator_set.hpp"

namespace qtm::chain {

enum class ConsensusCheckError {
    kUnknownValidator,  // index outside the set
    kBadSignature,      // does not verify (or wrong size for the validator's scheme)
    kBadBitmap,         // bitmap length is not ceil(n / 8), or bits set beyond n
    kSignatureCount,    // number of signatures differs from the bits set
    kNoQuorum,          // signers hold 2/3 of the power or less
    kWrongHeight,       // the message is not for the expected height
    kNotConflicting,    // evidence votes do not conflict (same block, other round ...)
    kNotCanonical,      // evidence votes out of canonical order
};
[[nodiscard]] std::string_view to_string(ConsensusCheckError error) noexcept;

[[nodiscard]] Result<void, ConsensusCheckError> verify_vote(const Vote& vote,
                                                            const ValidatorSet& set,
                                                            const ConsensusDomain& domain,
                                                            const ConsensusVerifier& verifier);
[[nodiscard]] Result<void, ConsensusCheckError> verify_proposal(const Proposal& proposal,
                                                                const ValidatorSet& set,
                                                                const ConsensusDomain& domain,
                                                                const ConsensusVerifier& verifier);

// One answer per vote, in order; signatures checked in parallel on `pool`.
[[nodiscard]] std::vector<Result<void, ConsensusCheckError>> verify_votes(
    std::span<const Vote> votes, const ValidatorSet& set, const ConsensusDomain& domain,
    const ConsensusVerifier& verifier, WorkerPool& pool);

// Valid iff the bitmap fits the set, the signers hold a quorum and every precommit
// signature over (height, round, block_hash) verifies. Signatures checked on `pool`.
[[nodiscard]] Result<void, ConsensusCheckError> verify_certificate(
    const CommitCertificate& certificate, const ValidatorSet& set, const ConsensusDomain& domain,
    const ConsensusVerifier& verifier, WorkerPool& pool);

// Valid iff canonical, conflicting, both votes by a validator of `set` (the set of the
// votes' height) and both signatures verify.
[[nodiscard]] Result<void, ConsensusCheckError> verify_evidence(
    const DuplicateVoteEvidence& evidence, const ValidatorSet& set, const ConsensusDomain& domain,
    const ConsensusVerifier& verifier);

}  // namespace qtm::chain
