#include "chain/staking/evidence.hpp"

#include "chain/consensus/verify.hpp"

namespace qtm::chain::staking {

std::string_view to_string(EvidenceError error) noexcept {
    switch (error) {
        case EvidenceError::kSameVote:
            return "evidence holds the same vote twice";
        case EvidenceError::kSameBlock:
            return "evidence votes are for the same block";
        case EvidenceError::kNotConflicting:
            return "evidence votes differ in validator, type, height or round";
        case EvidenceError::kNotCanonical:
            return "evidence votes are not in canonical order";
        case EvidenceError::kWrongHeight:
            return "evidence height is 0 or above the including block";
        case EvidenceError::kExpired:
            return "evidence is older than slashing.evidenceMaxAgeBlocks";
        case EvidenceError::kNoValidatorSet:
            return "the validator set of the evidence's height is not available";
        case EvidenceError::kUnknownValidator:
            return "evidence names a validator outside the set of its height";
        case EvidenceError::kBadSignature:
            return "evidence signature does not verify for this validator on this chain";
        case EvidenceError::kAlreadyApplied:
            return "this offence (validator, height) was already applied";
        case EvidenceError::kTombstoned:
            return "the validator is already tombstoned";
    }
    return "invalid evidence";
}

namespace {

U256 offence_slot(const Address& operator_address, std::uint64_t height) {
    return slot::mapping(U256{height},
                         slot::mapping(U256::from_be_bytes(operator_address), U256{kOffencesSlot}));
}

}  // namespace

bool offence_applied(Meter& meter, const Address& operator_address, std::uint64_t height) {
    return meter.load(offence_slot(operator_address, height)) != U256{};
}

void record_offence(Meter& meter, const Address& operator_address, std::uint64_t height) {
    meter.store(offence_slot(operator_address, height), U256{1});
}

Result<Offence, EvidenceError> check_evidence(const DuplicateVoteEvidence& evidence,
                                              const EvidenceContext& context, Meter& meter) {
    const Vote& a = evidence.vote_a;
    const Vote& b = evidence.vote_b;
    if (a == b) return unexpected(EvidenceError::kSameVote);
    if (a.block_hash == b.block_hash) return unexpected(EvidenceError::kSameBlock);
    if (!make_evidence(a, b)) return unexpected(EvidenceError::kNotConflicting);
    if (!(a.block_hash < b.block_hash)) return unexpected(EvidenceError::kNotCanonical);
    if (a.height == 0 || a.height > context.block_number) {
        return unexpected(EvidenceError::kWrongHeight);
    }
    if (context.block_number - a.height > context.spec.slashing.evidence_max_age_blocks) {
        return unexpected(EvidenceError::kExpired);
    }
    auto set = context.sets.at(a.height);
    if (!set) return unexpected(EvidenceError::kNoValidatorSet);
    if (auto verified = verify_evidence(evidence, *set, context.domain, context.verifier);
        !verified) {
        switch (verified.error()) {
            case ConsensusCheckError::kUnknownValidator:
                return unexpected(EvidenceError::kUnknownValidator);
            case ConsensusCheckError::kNotConflicting:
                return unexpected(EvidenceError::kNotConflicting);
            case ConsensusCheckError::kNotCanonical:
                return unexpected(EvidenceError::kNotCanonical);
            case ConsensusCheckError::kBadSignature:
            case ConsensusCheckError::kBadBitmap:
            case ConsensusCheckError::kSignatureCount:
            case ConsensusCheckError::kNoQuorum:
            case ConsensusCheckError::kWrongHeight:
                return unexpected(EvidenceError::kBadSignature);
        }
    }
    Store store{meter};
    const Address consensus_address = set->at(a.validator_index).address;
    const auto operator_address = store.operator_of(consensus_address);
    if (!operator_address) return unexpected(EvidenceError::kUnknownValidator);
    const auto record = store.validator_summary(*operator_address);
    if (!record) return unexpected(EvidenceError::kUnknownValidator);
    if (offence_applied(meter, *operator_address, a.height)) {
        return unexpected(EvidenceError::kAlreadyApplied);
    }
    if (record->tombstoned) return unexpected(EvidenceError::kTombstoned);
    return Offence{*operator_address, consensus_address, a.height};
}

}  // namespace qtm::chain::staking
