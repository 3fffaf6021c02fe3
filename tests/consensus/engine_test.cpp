// One test per rule of the Tendermint pseudocode (arXiv 1807.04938, Algorithm 1; line
// numbers in the names), plus the engine's own additions: timestamps, evidence, buffering
// of the next height, followers.
#include "consensus/engine.hpp"

#include <gtest/gtest.h>

#include "consensus/wal.hpp"
#include "consensus_support.hpp"

namespace qtm::consensus {
namespace {

using chain::VoteType;
using testing::actions_of;
using testing::block_named;
using testing::Committee;
using testing::make_committee;
using testing::signed_vote;

constexpr std::uint64_t kNow = 1'000'000;
constexpr std::uint64_t kHeight = 1;

class EngineTest : public ::testing::Test {
protected:
    // Starts with `me` as the proposer of round `proposes` (if given) and a non-proposer
    // of every round in `does_not_propose`.
    void start_as(std::optional<std::uint32_t> proposes,
                  std::vector<std::uint32_t> does_not_propose = {},
                  std::vector<std::uint64_t> powers = {1, 1, 1, 1}) {
        committee_ = make_committee(powers);
        for (std::uint32_t candidate = 0; candidate < committee_.set.size(); ++candidate) {
            bool fits = !proposes || proposer(*proposes) == candidate;
            for (std::uint32_t round : does_not_propose)
                fits = fits && proposer(round) != candidate;
            if (fits) {
                start(candidate, powers);
                return;
            }
        }
        FAIL() << "no validator fits the test's layout";
    }
    void start(std::uint32_t me, std::vector<std::uint64_t> powers = {1, 1, 1, 1}) {
        committee_ = make_committee(powers);
        me_ = me;
        EngineConfig config;
        config.domain = testing::test_domain();
        engine_ = std::make_unique<Engine>(config, committee_.signers[me].get(), &wal_);
        last_ = engine_->start_height(kHeight, committee_.set, kNow);
    }
    // Restarts the engine from the same WAL, as after a crash.
    Output restart() {
        EngineConfig config;
        config.domain = testing::test_domain();
        engine_ = std::make_unique<Engine>(config, committee_.signers[me_].get(), &wal_);
        return engine_->start_height(kHeight, committee_.set, kNow);
    }

    [[nodiscard]] std::uint32_t proposer(std::uint32_t round) const {
        return static_cast<std::uint32_t>(committee_.set.proposer_for_round(round));
    }
    // A validator that is neither `me` nor the round's proposer.
    [[nodiscard]] std::uint32_t non_proposer_other(std::uint32_t round) const {
        for (std::uint32_t i = 0;; ++i) {
            if (i != proposer(round) && i != me_) return i;
        }
    }
    [[nodiscard]] chain::Proposal proposal(std::uint32_t round, const Hash32& block,
                                           std::optional<std::uint32_t> pol = std::nullopt,
                                           std::uint64_t timestamp = kNow) const {
        chain::Proposal p{kHeight, round, pol, block, timestamp, proposer(round), {}};
        p.signature = committee_.signers[proposer(round)]->sign(
            chain::proposal_sign_bytes(testing::test_domain(), p), chain::kProposalContext);
        return p;
    }
    Output vote(std::uint32_t validator, VoteType type, std::uint32_t round,
                const std::optional<Hash32>& block) {
        last_ =
            engine_->on_vote(signed_vote(committee_, validator, type, kHeight, round, block), kNow);
        return last_;
    }
    // Votes of every validator but `me` and `except`.
    void votes_from_others(VoteType type, std::uint32_t round, const std::optional<Hash32>& block,
                           std::size_t count) {
        for (std::uint32_t i = 0; i < committee_.set.size() && count > 0; ++i) {
            if (i == me_) continue;
            vote(i, type, round, block);
            --count;
        }
    }
    Output deliver_valid_proposal(std::uint32_t round, const Hash32& block,
                                  std::optional<std::uint32_t> pol = std::nullopt) {
        const Output received = engine_->on_proposal(proposal(round, block, pol), kNow);
        const Output validated = engine_->on_block_validated(kHeight, block, true, kNow);
        Output both = received;
        both.actions.insert(both.actions.end(), validated.actions.begin(), validated.actions.end());
        return both;
    }
    // Locks `me` on `block` in `round` (proposal + three prevotes).
    void lock_on(std::uint32_t round, const Hash32& block) {
        deliver_valid_proposal(round, block);
        votes_from_others(VoteType::kPrevote, round, block, 2);
        ASSERT_EQ(engine_->state().locked_value, block);
    }
    // Moves to `round` + 1 through precommit quorum for nil and its timeout.
    void next_round_from(std::uint32_t round) {
        (void)engine_->on_timeout({kHeight, round, TimeoutKind::kPropose}, kNow);
        (void)engine_->on_timeout({kHeight, round, TimeoutKind::kPrevote}, kNow);
        (void)engine_->on_timeout({kHeight, round, TimeoutKind::kPrecommit}, kNow);
        ASSERT_EQ(engine_->state().round, round + 1);
    }
    [[nodiscard]] static std::vector<chain::Vote> votes_cast(const Output& output, VoteType type) {
        std::vector<chain::Vote> found;
        for (const auto& broadcast : actions_of<BroadcastVote>(output)) {
            if (broadcast.vote.type == type) found.push_back(broadcast.vote);
        }
        return found;
    }

    Committee committee_;
    std::uint32_t me_{0};
    MemoryWal wal_;
    std::unique_ptr<Engine> engine_;
    Output last_;
};

TEST_F(EngineTest, Line11ProposerAsksTheApplicationForABlockAndProposesIt) {
    start_as(/*proposes=*/0);
    const auto requests = actions_of<RequestProposal>(last_);
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].height, kHeight);
    EXPECT_EQ(requests[0].round, 0u);
    const Output built = engine_->on_block_built(kHeight, 0, block_named(1), kNow, kNow);
    const auto proposals = actions_of<BroadcastProposal>(built);
    ASSERT_EQ(proposals.size(), 1u);
    EXPECT_EQ(proposals[0].proposal.block_hash, block_named(1));
    EXPECT_FALSE(proposals[0].proposal.pol_round);
    EXPECT_FALSE(proposals[0].proposal.signature.empty());
    // Its own proposal is valid to it: line 22 prevotes for it at once.
    const auto prevotes = votes_cast(built, VoteType::kPrevote);
    ASSERT_EQ(prevotes.size(), 1u);
    EXPECT_EQ(prevotes[0].block_hash, block_named(1));
}

TEST_F(EngineTest, Line11ANonProposerDoesNotAskForABlock) {
    start_as(std::nullopt, {0});
    EXPECT_TRUE(actions_of<RequestProposal>(last_).empty());
    EXPECT_TRUE(actions_of<BroadcastProposal>(last_).empty());
}

TEST_F(EngineTest, Line15ProposerReproposesItsValidValueWithItsRound) {
    start_as(/*proposes=*/1, {0});
    deliver_valid_proposal(0, block_named(7));
    votes_from_others(VoteType::kPrevote, 0, block_named(7), 3);
    ASSERT_EQ(engine_->state().valid_value, block_named(7));
    ASSERT_EQ(engine_->state().valid_round, 0u);
    votes_from_others(VoteType::kPrecommit, 0, std::nullopt, 3);
    const Output next = engine_->on_timeout({kHeight, 0, TimeoutKind::kPrecommit}, kNow);
    EXPECT_TRUE(actions_of<RequestProposal>(next).empty());
    const auto proposals = actions_of<BroadcastProposal>(next);
    ASSERT_EQ(proposals.size(), 1u);
    EXPECT_EQ(proposals[0].proposal.round, 1u);
    EXPECT_EQ(proposals[0].proposal.block_hash, block_named(7));
    EXPECT_EQ(proposals[0].proposal.pol_round, 0u);
}

TEST_F(EngineTest, Line21NonProposerSchedulesTheProposeTimeoutGrowingPerRound) {
    start_as(std::nullopt, {0, 1});
    bool round0 = false;
    for (const auto& t : actions_of<ScheduleTimeout>(last_)) {
        if (t.timeout.kind == TimeoutKind::kPropose && t.timeout.round == 0) {
            round0 = true;
            EXPECT_EQ(t.delay_ms, EngineConfig{}.timeouts.propose_ms);
        }
    }
    EXPECT_TRUE(round0);
    (void)engine_->on_timeout({kHeight, 0, TimeoutKind::kPropose}, kNow);
    (void)engine_->on_timeout({kHeight, 0, TimeoutKind::kPrevote}, kNow);
    const Output next = engine_->on_timeout({kHeight, 0, TimeoutKind::kPrecommit}, kNow);
    bool round1 = false;
    const TimeoutConfig defaults;
    for (const auto& t : actions_of<ScheduleTimeout>(next)) {
        if (t.timeout.kind == TimeoutKind::kPropose && t.timeout.round == 1) {
            round1 = true;
            EXPECT_EQ(t.delay_ms, defaults.propose_ms + defaults.propose_delta_ms);
        }
    }
    EXPECT_TRUE(round1);
}

TEST_F(EngineTest, Line22PrevotesAValidProposalOnlyOnceTheApplicationSaysValid) {
    start_as(std::nullopt, {0});
    const Output received = engine_->on_proposal(proposal(0, block_named(1)), kNow);
    EXPECT_TRUE(received.accepted);
    ASSERT_EQ(actions_of<ValidateBlock>(received).size(), 1u);
    EXPECT_TRUE(votes_cast(received, VoteType::kPrevote).empty());
    const Output validated = engine_->on_block_validated(kHeight, block_named(1), true, kNow);
    const auto prevotes = votes_cast(validated, VoteType::kPrevote);
    ASSERT_EQ(prevotes.size(), 1u);
    EXPECT_EQ(prevotes[0].block_hash, block_named(1));
    EXPECT_EQ(engine_->state().step, Step::kPrevote);
}

TEST_F(EngineTest, Line22PrevotesNilForAnInvalidBlock) {
    start_as(std::nullopt, {0});
    (void)engine_->on_proposal(proposal(0, block_named(1)), kNow);
    const Output validated = engine_->on_block_validated(kHeight, block_named(1), false, kNow);
    const auto prevotes = votes_cast(validated, VoteType::kPrevote);
    ASSERT_EQ(prevotes.size(), 1u);
    EXPECT_FALSE(prevotes[0].block_hash);
}

TEST_F(EngineTest, Line22PrevotesNilForABlockFromTheFuture) {
    start_as(std::nullopt, {0});
    const std::uint64_t far = kNow + EngineConfig{}.max_clock_drift_ms + 1;
    (void)engine_->on_proposal(proposal(0, block_named(1), std::nullopt, far), kNow);
    const Output validated = engine_->on_block_validated(kHeight, block_named(1), true, kNow);
    const auto prevotes = votes_cast(validated, VoteType::kPrevote);
    ASSERT_EQ(prevotes.size(), 1u);
    EXPECT_FALSE(prevotes[0].block_hash);
}

TEST_F(EngineTest, Line22PrevotesNilWhenLockedOnAnotherBlock) {
    start_as(std::nullopt, {0, 1});
    lock_on(0, block_named(1));
    next_round_from(0);
    const Output out = deliver_valid_proposal(1, block_named(2));
    const auto prevotes = votes_cast(out, VoteType::kPrevote);
    ASSERT_EQ(prevotes.size(), 1u);
    EXPECT_FALSE(prevotes[0].block_hash);
}

TEST_F(EngineTest, Line22PrevotesTheBlockItIsLockedOn) {
    start_as(std::nullopt, {0, 1});
    lock_on(0, block_named(1));
    next_round_from(0);
    const Output out = deliver_valid_proposal(1, block_named(1));
    const auto prevotes = votes_cast(out, VoteType::kPrevote);
    ASSERT_EQ(prevotes.size(), 1u);
    EXPECT_EQ(prevotes[0].block_hash, block_named(1));
}

TEST_F(EngineTest, Line28PrevotesForAProofOfLockNewerThanItsLock) {
    start_as(std::nullopt, {0, 1, 2});
    lock_on(0, block_named(1));
    next_round_from(0);
    next_round_from(1);
    // A quorum prevoted block 2 in round 1 (this node missed it); round 2 re-proposes it.
    votes_from_others(VoteType::kPrevote, 1, block_named(2), 3);
    const Output out = deliver_valid_proposal(2, block_named(2), /*pol=*/1);
    const auto prevotes = votes_cast(out, VoteType::kPrevote);
    ASSERT_EQ(prevotes.size(), 1u);
    EXPECT_EQ(prevotes[0].block_hash, block_named(2));
}

TEST_F(EngineTest, Line28WaitsForTheProofOfLockPrevotes) {
    start_as(std::nullopt, {0, 1, 2});
    next_round_from(0);
    next_round_from(1);
    const Output out = deliver_valid_proposal(2, block_named(2), /*pol=*/1);
    EXPECT_TRUE(votes_cast(out, VoteType::kPrevote).empty());
    EXPECT_EQ(engine_->state().step, Step::kPropose);
}

TEST_F(EngineTest, Line28PrevotesNilForAProofOfLockOlderThanItsLock) {
    start_as(std::nullopt, {0, 1, 2});
    next_round_from(0);
    lock_on(1, block_named(1));
    next_round_from(1);
    votes_from_others(VoteType::kPrevote, 0, block_named(2), 3);
    const Output out = deliver_valid_proposal(2, block_named(2), /*pol=*/0);
    const auto prevotes = votes_cast(out, VoteType::kPrevote);
    ASSERT_EQ(prevotes.size(), 1u);
    EXPECT_FALSE(prevotes[0].block_hash);
}

TEST_F(EngineTest, Line34SchedulesThePrevoteTimeoutOnAQuorumOfMixedPrevotes) {
    start_as(std::nullopt, {0});
    deliver_valid_proposal(0, block_named(1));  // own prevote for block 1
    vote(non_proposer_other(0), VoteType::kPrevote, 0, std::nullopt);
    bool scheduled = false;
    for (const auto& t :
         actions_of<ScheduleTimeout>(vote(proposer(0), VoteType::kPrevote, 0, block_named(3)))) {
        scheduled = scheduled || t.timeout.kind == TimeoutKind::kPrevote;
    }
    EXPECT_TRUE(scheduled);
    EXPECT_EQ(engine_->state().step, Step::kPrevote);  // no value has a quorum
}

TEST_F(EngineTest, Line36LocksAndPrecommitsOnAQuorumOfPrevotesForTheProposal) {
    start_as(std::nullopt, {0});
    deliver_valid_proposal(0, block_named(1));
    votes_from_others(VoteType::kPrevote, 0, block_named(1), 1);
    EXPECT_EQ(engine_->state().step, Step::kPrevote);
    votes_from_others(VoteType::kPrevote, 0, block_named(1), 2);  // one repeats: ignored
    const auto precommits = votes_cast(last_, VoteType::kPrecommit);
    ASSERT_EQ(precommits.size(), 1u);
    EXPECT_EQ(precommits[0].block_hash, block_named(1));
    EXPECT_EQ(engine_->state().locked_value, block_named(1));
    EXPECT_EQ(engine_->state().locked_round, 0u);
    EXPECT_EQ(engine_->state().valid_value, block_named(1));
    EXPECT_EQ(engine_->state().step, Step::kPrecommit);
}

TEST_F(EngineTest, Line36AfterPrecommittingNilUpdatesOnlyTheValidValue) {
    start_as(std::nullopt, {0});
    (void)engine_->on_timeout({kHeight, 0, TimeoutKind::kPropose}, kNow);
    (void)engine_->on_timeout({kHeight, 0, TimeoutKind::kPrevote}, kNow);
    ASSERT_EQ(engine_->state().step, Step::kPrecommit);
    deliver_valid_proposal(0, block_named(1));
    votes_from_others(VoteType::kPrevote, 0, block_named(1), 3);
    EXPECT_TRUE(votes_cast(last_, VoteType::kPrecommit).empty());
    EXPECT_FALSE(engine_->state().locked_value);
    EXPECT_EQ(engine_->state().valid_value, block_named(1));
    EXPECT_EQ(engine_->state().valid_round, 0u);
}

TEST_F(EngineTest, Line44PrecommitsNilOnAQuorumOfNilPrevotes) {
    start_as(std::nullopt, {0});
    (void)engine_->on_timeout({kHeight, 0, TimeoutKind::kPropose}, kNow);
    votes_from_others(VoteType::kPrevote, 0, std::nullopt, 2);
    const auto precommits = votes_cast(last_, VoteType::kPrecommit);
    ASSERT_EQ(precommits.size(), 1u);
    EXPECT_FALSE(precommits[0].block_hash);
    EXPECT_EQ(engine_->state().step, Step::kPrecommit);
}

TEST_F(EngineTest, Line47SchedulesThePrecommitTimeoutOnAQuorumOfMixedPrecommits) {
    start_as(std::nullopt, {0});
    vote(proposer(0), VoteType::kPrecommit, 0, block_named(1));
    vote(non_proposer_other(0), VoteType::kPrecommit, 0, std::nullopt);
    EXPECT_TRUE(actions_of<ScheduleTimeout>(last_).empty());
    (void)engine_->on_timeout({kHeight, 0, TimeoutKind::kPropose}, kNow);
    const Output out = engine_->on_timeout({kHeight, 0, TimeoutKind::kPrevote}, kNow);
    bool scheduled = false;
    for (const auto& t : actions_of<ScheduleTimeout>(out)) {
        scheduled = scheduled || t.timeout.kind == TimeoutKind::kPrecommit;
    }
    EXPECT_TRUE(scheduled);
    EXPECT_FALSE(engine_->state().decision);
}

TEST_F(EngineTest, Line49CommitsOnAQuorumOfPrecommitsWithACertificate) {
    start_as(std::nullopt, {0});
    deliver_valid_proposal(0, block_named(1));
    votes_from_others(VoteType::kPrevote, 0, block_named(1), 2);
    votes_from_others(VoteType::kPrecommit, 0, block_named(1), 1);
    EXPECT_TRUE(actions_of<CommitBlock>(last_).empty());
    votes_from_others(VoteType::kPrecommit, 0, block_named(1), 2);
    const auto commits = actions_of<CommitBlock>(last_);
    ASSERT_EQ(commits.size(), 1u);
    EXPECT_EQ(commits[0].height, kHeight);
    EXPECT_EQ(commits[0].block_hash, block_named(1));
    const auto& certificate = commits[0].certificate;
    EXPECT_EQ(certificate.block_hash, block_named(1));
    EXPECT_EQ(certificate.round, 0u);
    EXPECT_EQ(certificate.signatures.size(), 3u);
    std::size_t bits = 0;
    for (std::size_t i = 0; i < committee_.set.size(); ++i) {
        bits += chain::bitmap_test(certificate.signer_bitmap, i) ? 1 : 0;
    }
    EXPECT_EQ(bits, 3u);
    EXPECT_EQ(engine_->state().step, Step::kCommitted);
    EXPECT_EQ(engine_->state().decision, block_named(1));
}

TEST_F(EngineTest, Line49CommitsAQuorumOfAnEarlierRoundWithoutItsProposal) {
    start_as(std::nullopt, {0, 1});
    next_round_from(0);
    votes_from_others(VoteType::kPrecommit, 0, block_named(4), 3);
    const auto commits = actions_of<CommitBlock>(last_);
    ASSERT_EQ(commits.size(), 1u);
    EXPECT_EQ(commits[0].certificate.round, 0u);
}

TEST_F(EngineTest, Line55SkipsToALaterRoundWithMoreThanAThirdOfTheStake) {
    start_as(std::nullopt, {0});
    vote(proposer(0), VoteType::kPrevote, 5, std::nullopt);
    EXPECT_EQ(engine_->state().round, 0u);
    vote(non_proposer_other(0), VoteType::kPrecommit, 5, std::nullopt);
    EXPECT_EQ(engine_->state().round, 5u);
    EXPECT_EQ(engine_->state().step, Step::kPropose);
}

TEST_F(EngineTest, Line57ProposeTimeoutPrevotesNil) {
    start_as(std::nullopt, {0});
    const Output out = engine_->on_timeout({kHeight, 0, TimeoutKind::kPropose}, kNow);
    const auto prevotes = votes_cast(out, VoteType::kPrevote);
    ASSERT_EQ(prevotes.size(), 1u);
    EXPECT_FALSE(prevotes[0].block_hash);
}

TEST_F(EngineTest, Line61PrevoteTimeoutPrecommitsNil) {
    start_as(std::nullopt, {0});
    (void)engine_->on_timeout({kHeight, 0, TimeoutKind::kPropose}, kNow);
    const Output out = engine_->on_timeout({kHeight, 0, TimeoutKind::kPrevote}, kNow);
    const auto precommits = votes_cast(out, VoteType::kPrecommit);
    ASSERT_EQ(precommits.size(), 1u);
    EXPECT_FALSE(precommits[0].block_hash);
}

TEST_F(EngineTest, Line65PrecommitTimeoutStartsTheNextRound) {
    start_as(std::nullopt, {0});
    const Output out = engine_->on_timeout({kHeight, 0, TimeoutKind::kPrecommit}, kNow);
    EXPECT_EQ(engine_->state().round, 1u);
    EXPECT_EQ(engine_->state().step, Step::kPropose);
    EXPECT_FALSE(actions_of<ScheduleTimeout>(out).empty());
}

TEST_F(EngineTest, StaleTimeoutsChangeNothing) {
    start_as(std::nullopt, {0, 1});
    next_round_from(0);
    const Output out = engine_->on_timeout({kHeight, 0, TimeoutKind::kPropose}, kNow);
    EXPECT_TRUE(votes_cast(out, VoteType::kPrevote).empty());
    EXPECT_TRUE(engine_->on_timeout({kHeight + 1, 1, TimeoutKind::kPropose}, kNow).actions.empty());
    EXPECT_EQ(engine_->state().step, Step::kPropose);
}

TEST_F(EngineTest, ConflictingVotesAreEvidenceAndCountOncePerBlock) {
    start_as(std::nullopt, {0});
    const std::uint32_t twin = proposer(0);
    EXPECT_TRUE(vote(twin, VoteType::kPrevote, 0, block_named(1)).accepted);
    const Output second = vote(twin, VoteType::kPrevote, 0, block_named(2));
    EXPECT_TRUE(second.accepted);  // relayed: others must see the evidence and the vote
    const auto evidence = actions_of<EvidenceFound>(second);
    ASSERT_EQ(evidence.size(), 1u);
    EXPECT_EQ(evidence[0].evidence.vote_a.validator_index, twin);
    EXPECT_NE(evidence[0].evidence.vote_a.block_hash, evidence[0].evidence.vote_b.block_hash);
    EXPECT_FALSE(vote(twin, VoteType::kPrevote, 0, block_named(2)).accepted);
    // A third vote is not reported again.
    EXPECT_TRUE(actions_of<EvidenceFound>(vote(twin, VoteType::kPrevote, 0, std::nullopt)).empty());
    // Block 2 has the twin's vote: with this node's and one more it is a polka, which the
    // node must see (an honest node that saw the twin's block-2 vote first may lock on it).
    const Output prevoted = deliver_valid_proposal(0, block_named(2));
    EXPECT_EQ(votes_cast(prevoted, VoteType::kPrevote).size(), 1u);
    EXPECT_TRUE(votes_cast(prevoted, VoteType::kPrecommit).empty());
    vote(non_proposer_other(0), VoteType::kPrevote, 0, block_named(2));
    const auto precommits = votes_cast(last_, VoteType::kPrecommit);
    ASSERT_EQ(precommits.size(), 1u);
    EXPECT_EQ(precommits[0].block_hash, block_named(2));
}

TEST_F(EngineTest, ProposalsFromTheWrongProposerOrWithABadProofOfLockAreIgnored) {
    start_as(std::nullopt, {0});
    chain::Proposal wrong = proposal(0, block_named(1));
    wrong.proposer_index = non_proposer_other(0);
    EXPECT_FALSE(engine_->on_proposal(wrong, kNow).accepted);
    chain::Proposal bad_pol = proposal(0, block_named(1), /*pol=*/0);
    EXPECT_FALSE(engine_->on_proposal(bad_pol, kNow).accepted);
    EXPECT_TRUE(engine_->on_proposal(proposal(0, block_named(1)), kNow).accepted);
    EXPECT_FALSE(engine_->on_proposal(proposal(0, block_named(2)), kNow).accepted);
}

TEST_F(EngineTest, MessagesForTheNextHeightAreReplayedWhenItStarts) {
    start_as(std::nullopt, {0});
    // Height 2 votes arrive before this node commits height 1.
    for (std::uint32_t i = 0; i < committee_.set.size(); ++i) {
        if (i == me_) continue;
        EXPECT_FALSE(engine_
                         ->on_vote(signed_vote(committee_, i, VoteType::kPrecommit, kHeight + 1, 0,
                                               block_named(9)),
                                   kNow)
                         .accepted);
    }
    deliver_valid_proposal(0, block_named(1));
    votes_from_others(VoteType::kPrevote, 0, block_named(1), 3);
    votes_from_others(VoteType::kPrecommit, 0, block_named(1), 3);
    ASSERT_EQ(engine_->state().decision, block_named(1));
    const Output next = engine_->start_height(kHeight + 1, committee_.set, kNow);
    const auto commits = actions_of<CommitBlock>(next);
    ASSERT_EQ(commits.size(), 1u);
    EXPECT_EQ(commits[0].height, kHeight + 1);
    EXPECT_EQ(commits[0].block_hash, block_named(9));
}

TEST_F(EngineTest, QuorumIsStrictlyMoreThanTwoThirdsOfUnevenStake) {
    // Powers 3, 1, 1, 1 (total 6): 3 + 1 = 4 is exactly 2/3 (no quorum), 3 + 1 + 1 = 5 is.
    const std::uint32_t heavy = 0;
    start(1, {3, 1, 1, 1});
    ASSERT_EQ(committee_.set.at(heavy).voting_power, 3u);
    vote(heavy, VoteType::kPrecommit, 0, block_named(1));
    vote(2, VoteType::kPrecommit, 0, block_named(1));
    EXPECT_FALSE(engine_->state().decision);
    vote(3, VoteType::kPrecommit, 0, block_named(1));
    EXPECT_EQ(engine_->state().decision, block_named(1));
}

TEST_F(EngineTest, AFollowerCommitsButNeverVotes) {
    committee_ = make_committee({1, 1, 1, 1});
    EngineConfig config;
    config.domain = testing::test_domain();
    Engine follower{config, nullptr, nullptr};
    (void)follower.start_height(kHeight, committee_.set, kNow);
    EXPECT_FALSE(follower.is_validator());
    Output out = follower.on_proposal(proposal(0, block_named(1)), kNow);
    out = follower.on_block_validated(kHeight, block_named(1), true, kNow);
    EXPECT_TRUE(actions_of<BroadcastVote>(out).empty());
    for (std::uint32_t i = 0; i < 3; ++i) {
        out = follower.on_vote(
            signed_vote(committee_, i, VoteType::kPrecommit, kHeight, 0, block_named(1)), kNow);
    }
    EXPECT_EQ(actions_of<CommitBlock>(out).size(), 1u);
    EXPECT_TRUE(actions_of<BroadcastVote>(out).empty());
}

}  // namespace
}  // namespace qtm::consensus
