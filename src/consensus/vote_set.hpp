// The votes of one (height, round, type): stake tallies per block (or nil) and conflicting
// votes turned into evidence.
//
// A validator counts once in the "any" tally (its first vote) and at most once in each
// block's tally. A Byzantine validator that votes for two blocks counts toward both: the
// paper's "2f+1 PREVOTE(h, r, id(v))" are messages for v from distinct validators, whatever
// else they sent. Counting it only for the block seen first would let one equivocation
// split honest nodes' views of a polka forever (one locked on v, the others unable to see
// the polka that justifies re-proposing v). It is safe: two quorums for different blocks
// in one round need more than 1/3 of the stake to equivocate. A validator's distinct votes
// are kept up to kMaxVotesPerValidator (memory bound against a spamming validator).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "chain/consensus/types.hpp"
#include "chain/consensus/validator_set.hpp"

namespace qtm::consensus {

enum class AddVoteResult {
    kAdded,      // a validator's first vote, counted
    kDuplicate,  // a vote already held: ignored
    kConflict,   // another block from a validator that voted already: evidence; counted
                 // for its block (within the bound)
    kInvalid,    // validator index outside the set, or another height/round/type
};

class VoteSet {
public:
    static constexpr std::size_t kMaxVotesPerValidator = 8;

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

    // The validator's first vote.
    [[nodiscard]] const chain::Vote* vote_of(std::uint32_t validator_index) const;
    // Every held vote for `block` in validator order (a polka's proof of lock).
    [[nodiscard]] std::vector<chain::Vote> votes_for(const std::optional<Hash32>& block) const;
    // The first votes in validator order (for re-gossip).
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
    std::vector<std::vector<chain::Vote>> by_validator_;  // first vote first
    std::map<std::optional<Hash32>, std::uint64_t> power_by_block_;
    std::uint64_t total_power_{0};
};

}  // namespace qtm::consensus
