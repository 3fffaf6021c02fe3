// The votes of one (height, round, type): at most one vote counted per validator, stake
// tallies per block (or nil), and conflicting votes turned into evidence. The first vote
// of a validator is the one counted; a second, different vote is evidence, never a
// second voter.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "chain/consensus/types.hpp"
#include "chain/consensus/validator_set.hpp"

namespace qtm::consensus {

enum class AddVoteResult {
    kAdded,      // a new vote, counted
    kDuplicate,  // the same vote again: ignored
    kConflict,   // a different vote of a validator that voted already: evidence
    kInvalid,    // validator index outside the set, or another height/round/type
};

class VoteSet {
public:
    VoteSet(std::uint64_t height, std::uint32_t round, chain::VoteType type,
            const chain::ValidatorSet& validators);

    // On kConflict, `evidence` (when given) receives the two votes in canonical order.
    AddVoteResult add(const chain::Vote& vote, chain::DuplicateVoteEvidence* evidence = nullptr);

    [[nodiscard]] std::uint64_t height() const noexcept { return height_; }
    [[nodiscard]] std::uint32_t round() const noexcept { return round_; }
    [[nodiscard]] chain::VoteType type() const noexcept { return type_; }

    // Stake of all counted votes, and of the votes for one block (nullopt: nil).
    [[nodiscard]] std::uint64_t total_power() const noexcept { return total_power_; }
    [[nodiscard]] std::uint64_t power_for(const std::optional<Hash32>& block) const;
    // More than 2/3 of the stake voted, for anything ("+2/3 for any").
    [[nodiscard]] bool has_quorum_any() const noexcept;
    // The value (a block or nil) that more than 2/3 of the stake voted for, if any.
    [[nodiscard]] std::optional<std::optional<Hash32>> quorum_value() const;
    [[nodiscard]] bool has_quorum_for(const std::optional<Hash32>& block) const;

    [[nodiscard]] const chain::Vote* vote_of(std::uint32_t validator_index) const;
    // The votes in validator order (for certificates and re-gossip).
    [[nodiscard]] std::vector<const chain::Vote*> votes() const;

    // A commit certificate from the precommits for `block`; nullopt when they are not a
    // quorum or this is not a precommit set.
    [[nodiscard]] std::optional<chain::CommitCertificate> certificate_for(
        const Hash32& block) const;

private:
    std::uint64_t height_;
    std::uint32_t round_;
    chain::VoteType type_;
    const chain::ValidatorSet* validators_;
    std::vector<std::optional<chain::Vote>> by_validator_;
    std::map<std::optional<Hash32>, std::uint64_t> power_by_block_;
    std::uint64_t total_power_{0};
};

}  // namespace qtm::consensus
