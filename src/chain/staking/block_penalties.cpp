#include "chain/staking/block_penalties.hpp"

#include "chain/consensus/verify.hpp"
#include "chain/staking/downtime.hpp"
#include "chain/staking/penalties.hpp"

namespace qtm::chain::staking {

Result<void, std::string> apply_evidence(state::WorldState& world,
                                         const BlockPenaltyContext& context,
                                         std::vector<DuplicateVoteEvidence>& evidence,
                                         std::vector<DroppedEvidence>* dropped) {
    Meter meter{world, staking_address(), Meter::kUnlimited};
    Store store{meter};
    const EvidenceContext rules{context.spec, context.domain, context.sets, context.verifier,
                                context.parent.number + 1};
    std::vector<DuplicateVoteEvidence> kept;
    for (std::size_t i = 0; i < evidence.size(); ++i) {
        auto offence = check_evidence(evidence[i], rules, meter);
        if (!offence) {
            if (dropped == nullptr) {
                return unexpected("evidence " + std::to_string(i) + ": " +
                                  std::string{to_string(offence.error())});
            }
            dropped->push_back(DroppedEvidence{i, offence.error()});
            continue;
        }
        record_offence(meter, offence->operator_address, offence->height);
        (void)context.penalties.slash(store, offence->operator_address,
                                      context.spec.slashing.double_sign_slash_percent,
                                      offence->height, kReasonDoubleSign);
        context.penalties.tombstone(store, offence->operator_address);
        kept.push_back(std::move(evidence[i]));
    }
    evidence = std::move(kept);
    return {};
}

Result<void, std::string> apply_parent_commit(state::WorldState& world,
                                              const BlockPenaltyContext& context,
                                              ByteView parent_commit) {
    if (parent_commit.empty()) return {};
    const auto invalid = [](const std::string& what) {
        return unexpected("parent commit: " + what);
    };
    if (context.parent.number == 0) return invalid("the genesis block has no commit");
    auto certificate = decode_certificate(parent_commit);
    if (!certificate) return invalid(std::string{to_string(certificate.error())});
    if (certificate->height != context.parent.number) return invalid("not for the parent's height");
    if (certificate->block_hash != block_hash(context.parent)) {
        return invalid("not for the parent block");
    }
    auto set = context.sets.at(context.parent.number);
    if (!set) return invalid("the parent's validator set: " + set.error().message);
    if (set->hash() != context.parent.validators_hash) {
        return invalid("the parent's validators hash differs from its stored set");
    }
    if (auto verified =
            verify_certificate(*certificate, *set, context.domain, context.verifier, context.pool);
        !verified) {
        return invalid(std::string{to_string(verified.error())});
    }

    Meter meter{world, staking_address(), Meter::kUnlimited};
    Store store{meter};
    const SlashingParams& params = context.spec.slashing;
    for (std::size_t i = 0; i < set->size(); ++i) {
        const auto operator_address = store.operator_of(set->at(i).address);
        if (!operator_address) continue;  // the set comes from the state: always registered
        const auto record = store.validator_summary(*operator_address);
        // A jailed validator stays in the set until the epoch ends; its window waits.
        if (!record || record->jailed || record->tombstoned) continue;
        const bool signed_it = bitmap_test(certificate->signer_bitmap, i);
        const DowntimeWindow window =
            record_signing(meter, *operator_address, signed_it, params.downtime_window);
        if (exceeds_downtime(window, params)) {
            context.penalties.jail(store, *operator_address,
                                   context.timestamp + params.jail_seconds, kReasonDowntime);
            reset_downtime(meter, *operator_address, params.downtime_window);
        }
    }
    return {};
}

}  // namespace qtm::chain::staking
