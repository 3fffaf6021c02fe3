#include "consensus/mutation.hpp"

namespace qtm::consensus {

std::string_view to_string(Mutant mutant) noexcept {
    switch (mutant) {
        case Mutant::kNone:
            return "none";
        case Mutant::kQuorumAtTwoThirds:
            return "quorum-at-two-thirds";
        case Mutant::kIgnoreLock:
            return "ignore-lock";
        case Mutant::kSendBeforePersist:
            return "send-before-persist";
        case Mutant::kCountDuplicateVoters:
            return "count-duplicate-voters";
        case Mutant::kNoLockOnPrecommit:
            return "no-lock-on-precommit";
        case Mutant::kCommitOnPrevotes:
            return "commit-on-prevotes";
    }
    return "unknown";
}

#ifdef QTM_CONSENSUS_MUTANTS
namespace {
thread_local Mutant active = Mutant::kNone;
}
Mutant active_mutant() noexcept {
    return active;
}
void set_active_mutant(Mutant mutant) noexcept {
    active = mutant;
}
#endif

}  // namespace qtm::consensus
