// Deliberately wrong variants of the engine, compiled only into a test build
// (QTM_CONSENSUS_MUTANTS, tests/consensus), so that the simulator's checks can be shown to
// catch real consensus bugs. In every other build QTM_MUTANT(x) is the constant false and
// the compiler removes the wrong branches.
#pragma once

#include <string_view>

namespace qtm::consensus {

enum class Mutant {
    kNone,
    kQuorumAtTwoThirds,     // quorum at >= 2/3 of the stake instead of > 2/3
    kIgnoreLock,            // prevote for any valid proposal, whatever the lock
    kSendBeforePersist,     // sign without the WAL record (lost on a crash)
    kCountDuplicateVoters,  // a repeated vote of a validator counted as another voter's
    kNoLockOnPrecommit,     // precommit a block without locking on it
    kCommitOnPrevotes,      // commit on +2/3 prevotes instead of precommits
};
[[nodiscard]] std::string_view to_string(Mutant mutant) noexcept;

#ifdef QTM_CONSENSUS_MUTANTS
// Per thread, so that parallel simulations can run different mutants.
[[nodiscard]] Mutant active_mutant() noexcept;
void set_active_mutant(Mutant mutant) noexcept;
#define QTM_MUTANT(name) (::qtm::consensus::active_mutant() == ::qtm::consensus::Mutant::name)
#else
#define QTM_MUTANT(name) false
#endif

}  // namespace qtm::consensus
