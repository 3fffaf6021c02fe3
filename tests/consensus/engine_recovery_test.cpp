// Crash recovery: an engine restarted from its WAL resumes its round and step, keeps its
// lock, re-sends what it signed, and never signs a conflicting message; a WAL failure at
// any write point halts it before a signature leaves.
#include <gtest/gtest.h>

#include "consensus/engine.hpp"
#include "consensus/wal.hpp"
#include "consensus_support.hpp"

namespace qtm::consensus {
namespace {

using chain::VoteType;
using testing::actions_of;
using testing::block_named;
using testing::signed_vote;

constexpr std::uint64_t kNow = 5'000'000;
constexpr std::uint64_t kHeight = 3;

// A WAL that accepts `budget` appends and then fails, like a process dying at that write.
class CrashingWal : public Wal {
public:
    explicit CrashingWal(MemoryWal& inner, std::size_t budget) : inner_{inner}, budget_{budget} {}
    Result<void, WalError> append(ByteView record) override {
        if (budget_ == 0) return unexpected(WalError{"crashed"});
        --budget_;
        return inner_.append(record);
    }
    Result<std::vector<Bytes>, WalError> read_all() override { return inner_.read_all(); }

private:
    MemoryWal& inner_;
    std::size_t budget_;
};

class EngineRecoveryTest : public ::testing::Test {
protected:
    void SetUp() override {
        committee_ = testing::make_committee({1, 1, 1, 1});
        // me: not the proposer of rounds 0 and 1.
        for (me_ = 0; proposer(0) == me_ || proposer(1) == me_; ++me_) {
        }
        config_.domain = testing::test_domain();
    }
    [[nodiscard]] std::uint32_t proposer(std::uint32_t round) const {
        return static_cast<std::uint32_t>(committee_.set.proposer_for_round(round));
    }
    std::unique_ptr<Engine> boot(Wal& wal, Output* started = nullptr) {
        auto engine = std::make_unique<Engine>(config_, committee_.signers[me_].get(), &wal);
        Output out = engine->start_height(kHeight, committee_.set, kNow);
        if (started != nullptr) *started = out;
        return engine;
    }
    [[nodiscard]] chain::Proposal proposal(std::uint32_t round, const Hash32& block) const {
        chain::Proposal p{kHeight, round, std::nullopt, block, kNow, proposer(round), {}};
        p.signature = committee_.signers[proposer(round)]->sign(
            chain::proposal_sign_bytes(testing::test_domain(), p), chain::kProposalContext);
        return p;
    }
    Output others(Engine& engine, VoteType type, std::uint32_t round,
                  const std::optional<Hash32>& block, std::size_t count) {
        Output all;  // the actions of every vote's input
        for (std::uint32_t i = 0; i < committee_.set.size() && count > 0; ++i) {
            if (i == me_) continue;
            Output one =
                engine.on_vote(signed_vote(committee_, i, type, kHeight, round, block), kNow);
            all.actions.insert(all.actions.end(), one.actions.begin(), one.actions.end());
            --count;
        }
        return all;
    }
    [[nodiscard]] static std::vector<chain::Vote> sent(const Output& output) {
        std::vector<chain::Vote> votes;
        for (const auto& b : actions_of<BroadcastVote>(output))
            votes.push_back(b.vote);
        return votes;
    }

    testing::Committee committee_;
    std::uint32_t me_{0};
    EngineConfig config_;
    MemoryWal wal_;
};

TEST_F(EngineRecoveryTest, ARestartAfterAPrevoteResumesThereAndResendsIt) {
    auto engine = boot(wal_);
    (void)engine->on_proposal(proposal(0, block_named(1)), kNow);
    const auto prevoted = sent(engine->on_block_validated(kHeight, block_named(1), true, kNow));
    ASSERT_EQ(prevoted.size(), 1u);
    engine.reset();  // crash

    Output started;
    engine = boot(wal_, &started);
    EXPECT_EQ(engine->state().round, 0u);
    EXPECT_EQ(engine->state().step, Step::kPrevote);
    const auto resent = sent(started);
    ASSERT_EQ(resent.size(), 1u);
    EXPECT_EQ(resent[0], prevoted[0]);
    // The propose timeout of round 0 must not make it prevote nil now.
    EXPECT_TRUE(sent(engine->on_timeout({kHeight, 0, TimeoutKind::kPropose}, kNow)).empty());
}

TEST_F(EngineRecoveryTest, ARestartKeepsTheLock) {
    auto engine = boot(wal_);
    (void)engine->on_proposal(proposal(0, block_named(1)), kNow);
    (void)engine->on_block_validated(kHeight, block_named(1), true, kNow);
    (void)others(*engine, VoteType::kPrevote, 0, block_named(1), 2);
    ASSERT_EQ(engine->state().locked_value, block_named(1));
    engine.reset();

    engine = boot(wal_);
    EXPECT_EQ(engine->state().locked_value, block_named(1));
    EXPECT_EQ(engine->state().locked_round, 0u);
    EXPECT_EQ(engine->state().step, Step::kPrecommit);
    // Round 1 proposes another block without a proof of lock: the lock holds (nil).
    (void)others(*engine, VoteType::kPrecommit, 0, std::nullopt, 3);
    (void)engine->on_timeout({kHeight, 0, TimeoutKind::kPrecommit}, kNow);
    ASSERT_EQ(engine->state().round, 1u);
    (void)engine->on_proposal(proposal(1, block_named(2)), kNow);
    const auto prevotes = sent(engine->on_block_validated(kHeight, block_named(2), true, kNow));
    ASSERT_EQ(prevotes.size(), 1u);
    EXPECT_FALSE(prevotes[0].block_hash);
}

TEST_F(EngineRecoveryTest, ARestartedLockedProposerReproposesItsLockWithTheProofOfLock) {
    // Simulator seed 19452: a locked validator that crashed proposed fresh blocks and
    // prevoted nil on them forever; the unlocked ones never saw the polka again.
    std::uint32_t own_round = 1;
    while (proposer(own_round) != me_)
        ++own_round;
    auto engine = boot(wal_);
    (void)engine->on_proposal(proposal(0, block_named(1)), kNow);
    (void)engine->on_block_validated(kHeight, block_named(1), true, kNow);
    (void)others(*engine, VoteType::kPrevote, 0, block_named(1), 2);
    ASSERT_EQ(engine->state().locked_value, block_named(1));
    engine.reset();

    engine = boot(wal_);
    EXPECT_EQ(engine->state().valid_value, block_named(1));
    EXPECT_EQ(engine->state().valid_round, 0u);
    Output out;
    for (std::uint32_t round = 0; round < own_round; ++round) {
        (void)others(*engine, VoteType::kPrecommit, round, std::nullopt, 3);
        out = engine->on_timeout({kHeight, round, TimeoutKind::kPrecommit}, kNow);
    }
    ASSERT_EQ(engine->state().round, own_round);
    EXPECT_TRUE(actions_of<RequestProposal>(out).empty());
    const auto proposals = actions_of<BroadcastProposal>(out);
    ASSERT_EQ(proposals.size(), 1u);
    EXPECT_EQ(proposals[0].proposal.block_hash, block_named(1));
    EXPECT_EQ(proposals[0].proposal.pol_round, 0u);
    std::size_t pol_prevotes = 0;
    for (const auto& vote : sent(out)) {
        if (vote.type == VoteType::kPrevote && vote.round == 0 &&
            vote.block_hash == block_named(1)) {
            ++pol_prevotes;
        }
    }
    EXPECT_EQ(pol_prevotes, 3u);  // the polka, own prevote included
}

TEST_F(EngineRecoveryTest, ACrashAtEveryWritePointNeverLeadsToAConflictingSignature) {
    // The same scenario crashed after each of its WAL writes; after the restart the
    // scenario's remaining inputs arrive, but with a different proposal for round 0 (as
    // a Byzantine proposer could send): the restarted engine must not sign anything that
    // conflicts with what it signed before the crash.
    for (std::size_t budget = 0; budget <= 4; ++budget) {
        MemoryWal disk;
        std::vector<chain::Vote> signed_before;
        {
            CrashingWal crashing{disk, budget};
            auto engine = boot(crashing);
            std::vector<Output> outputs;
            outputs.push_back(engine->on_proposal(proposal(0, block_named(1)), kNow));
            outputs.push_back(engine->on_block_validated(kHeight, block_named(1), true, kNow));
            outputs.push_back(others(*engine, VoteType::kPrevote, 0, block_named(1), 3));
            for (const auto& out : outputs) {
                for (const auto& vote : sent(out))
                    signed_before.push_back(vote);
                if (!actions_of<Halt>(out).empty()) break;
            }
            // Writes: the prevote, the lock, the precommit.
            const std::size_t expected = budget == 0 ? 0 : budget <= 2 ? 1 : 2;
            EXPECT_EQ(signed_before.size(), expected) << budget;
        }
        auto engine = boot(disk);
        std::vector<chain::Vote> signed_after;
        auto collect = [&](const Output& out) {
            for (const auto& vote : sent(out))
                signed_after.push_back(vote);
        };
        collect(engine->on_proposal(proposal(0, block_named(2)), kNow));
        collect(engine->on_block_validated(kHeight, block_named(2), true, kNow));
        collect(engine->on_timeout({kHeight, 0, TimeoutKind::kPropose}, kNow));
        collect(engine->on_timeout({kHeight, 0, TimeoutKind::kPrevote}, kNow));
        for (const auto& after : signed_after) {
            for (const auto& before : signed_before) {
                if (after.type == before.type && after.round == before.round) {
                    EXPECT_EQ(after.block_hash, before.block_hash) << "budget " << budget;
                }
            }
        }
    }
}

TEST_F(EngineRecoveryTest, AWalFailureHaltsBeforeTheSignatureLeaves) {
    MemoryWal disk;
    CrashingWal crashing{disk, 0};
    auto engine = boot(crashing);
    (void)engine->on_proposal(proposal(0, block_named(1)), kNow);
    const Output out = engine->on_block_validated(kHeight, block_named(1), true, kNow);
    EXPECT_TRUE(sent(out).empty());
    const auto halts = actions_of<Halt>(out);
    ASSERT_EQ(halts.size(), 1u);
    EXPECT_NE(halts[0].reason.find("crashed"), std::string::npos);
    // A halted engine does nothing more.
    EXPECT_TRUE(engine->on_timeout({kHeight, 0, TimeoutKind::kPropose}, kNow).actions.empty());
}

TEST_F(EngineRecoveryTest, TheRebroadcastTimeoutResendsTheCurrentRoundsVotes) {
    auto engine = boot(wal_);
    (void)engine->on_timeout({kHeight, 0, TimeoutKind::kPropose}, kNow);
    const Output out = engine->on_timeout({kHeight, 0, TimeoutKind::kRebroadcast}, kNow);
    const auto votes = sent(out);
    ASSERT_EQ(votes.size(), 1u);
    EXPECT_EQ(votes[0].type, VoteType::kPrevote);
    bool rescheduled = false;
    for (const auto& t : actions_of<ScheduleTimeout>(out)) {
        rescheduled = rescheduled || t.timeout.kind == TimeoutKind::kRebroadcast;
    }
    EXPECT_TRUE(rescheduled);
}

}  // namespace
}  // namespace qtm::consensus
