#include "chain/consensus/verify.hpp"

#include <atomic>

namespace qtm::chain {

std::string_view to_string(ConsensusCheckError error) noexcept {
    switch (error) {
        case ConsensusCheckError::kUnknownValidator:
            return "validator index is outside the validator set";
        case ConsensusCheckError::kBadSignature:
            return "signature does not verify for this validator, chain and message";
        case ConsensusCheckError::kBadBitmap:
            return "signer bitmap does not fit the validator set";
        case ConsensusCheckError::kSignatureCount:
            return "number of signatures differs from the signers in the bitmap";
        case ConsensusCheckError::kNoQuorum:
            return "signers hold two thirds of the voting power or less";
        case ConsensusCheckError::kWrongHeight:
            return "message is not for the expected height";
        case ConsensusCheckError::kNotConflicting:
            return "evidence votes do not conflict";
        case ConsensusCheckError::kNotCanonical:
            return "evidence votes are not in canonical order";
    }
    return "invalid";
}

namespace {

using CheckResult = Result<void, ConsensusCheckError>;

CheckResult fail(ConsensusCheckError error) {
    return unexpected(error);
}

// The signature check alone; the index is known to be in the set. The verifier rejects a
// signature of the wrong size for the validator's scheme.
bool vote_signature_ok(const Vote& vote, const ValidatorSet& set, const ConsensusDomain& domain,
                       const ConsensusVerifier& verifier) {
    const Validator& validator = set.at(vote.validator_index);
    return verifier.verify(validator.scheme, validator.public_key, vote_sign_bytes(domain, vote),
                           kVoteContext, vote.signature);
}

}  // namespace

CheckResult verify_vote(const Vote& vote, const ValidatorSet& set, const ConsensusDomain& domain,
                        const ConsensusVerifier& verifier) {
    if (vote.validator_index >= set.size()) return fail(ConsensusCheckError::kUnknownValidator);
    if (!vote_signature_ok(vote, set, domain, verifier)) {
        return fail(ConsensusCheckError::kBadSignature);
    }
    return {};
}

CheckResult verify_proposal(const Proposal& proposal, const ValidatorSet& set,
                            const ConsensusDomain& domain, const ConsensusVerifier& verifier) {
    if (proposal.proposer_index >= set.size()) {
        return fail(ConsensusCheckError::kUnknownValidator);
    }
    const Validator& proposer = set.at(proposal.proposer_index);
    if (!verifier.verify(proposer.scheme, proposer.public_key,
                         proposal_sign_bytes(domain, proposal), kProposalContext,
                         proposal.signature)) {
        return fail(ConsensusCheckError::kBadSignature);
    }
    return {};
}

std::vector<CheckResult> verify_votes(std::span<const Vote> votes, const ValidatorSet& set,
                                      const ConsensusDomain& domain,
                                      const ConsensusVerifier& verifier, WorkerPool& pool) {
    std::vector<CheckResult> results(votes.size());
    // Each task writes only its own slot.
    pool.parallel_for(votes.size(), [&](std::size_t i) {
        results[i] = verify_vote(votes[i], set, domain, verifier);
    });
    return results;
}

CheckResult verify_certificate(const CommitCertificate& certificate, const ValidatorSet& set,
                               const ConsensusDomain& domain, const ConsensusVerifier& verifier,
                               WorkerPool& pool) {
    // The cheap checks first, so that a malformed or underweight certificate costs no
    // signature verification.
    const std::size_t n = set.size();
    const ByteView bitmap = certificate.signer_bitmap;
    if (bitmap.size() != bitmap_bytes(n)) return fail(ConsensusCheckError::kBadBitmap);
    if (n % 8 != 0 && (bitmap.back() >> (n % 8)) != 0) {
        return fail(ConsensusCheckError::kBadBitmap);  // a bit at index n or beyond
    }
    std::vector<std::size_t> signers;
    signers.reserve(certificate.signatures.size());
    std::uint64_t power = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (!bitmap_test(bitmap, i)) continue;
        signers.push_back(i);
        power += set.at(i).voting_power;  // at most kMaxTotalVotingPower in all
    }
    if (signers.size() != certificate.signatures.size()) {
        return fail(ConsensusCheckError::kSignatureCount);
    }
    if (!set.is_quorum(power)) return fail(ConsensusCheckError::kNoQuorum);

    const Bytes message = vote_sign_bytes(domain, VoteType::kPrecommit, certificate.height,
                                          certificate.round, certificate.block_hash);
    std::atomic<bool> all_ok{true};
    pool.parallel_for(signers.size(), [&](std::size_t k) {
        if (!all_ok.load(std::memory_order_relaxed)) return;  // one failure decides
        const Validator& validator = set.at(signers[k]);
        if (!verifier.verify(validator.scheme, validator.public_key, message, kVoteContext,
                             certificate.signatures[k])) {
            all_ok.store(false, std::memory_order_relaxed);
        }
    });
    if (!all_ok.load()) return fail(ConsensusCheckError::kBadSignature);
    return {};
}

CheckResult verify_evidence(const DuplicateVoteEvidence& evidence, const ValidatorSet& set,
                            const ConsensusDomain& domain, const ConsensusVerifier& verifier) {
    const Vote& a = evidence.vote_a;
    const Vote& b = evidence.vote_b;
    if (!make_evidence(a, b)) return fail(ConsensusCheckError::kNotConflicting);
    if (!(a.block_hash < b.block_hash)) return fail(ConsensusCheckError::kNotCanonical);
    if (a.validator_index >= set.size()) return fail(ConsensusCheckError::kUnknownValidator);
    if (!vote_signature_ok(a, set, domain, verifier) ||
        !vote_signature_ok(b, set, domain, verifier)) {
        return fail(ConsensusCheckError::kBadSignature);
    }
    return {};
}

}  // namespace qtm::chain
