// Slashing protection: what the guard signs, refuses and remembers across restarts.
#include "consensus/signing_guard.hpp"

#include <gtest/gtest.h>

#include "codec/rlp.hpp"
#include "consensus_support.hpp"

namespace qtm::consensus {
namespace {

using chain::VoteType;
using testing::block_named;

// A WAL whose appends start failing after `budget` successful ones (a full disk, a crash).
class FailingWal : public Wal {
public:
    explicit FailingWal(std::size_t budget) : budget_{budget} {}
    Result<void, WalError> append(ByteView record) override {
        if (budget_ == 0) return unexpected(WalError{"disk full"});
        --budget_;
        return inner_.append(record);
    }
    Result<std::vector<Bytes>, WalError> read_all() override { return inner_.read_all(); }

private:
    std::size_t budget_;
    MemoryWal inner_;
};

chain::Vote vote(VoteType type, std::uint64_t height, std::uint32_t round,
                 std::optional<Hash32> block) {
    return chain::Vote{type, height, round, block, 0, {}};
}

class SigningGuardTest : public ::testing::Test {
protected:
    testing::KeyedHashSigner signer_{0};
    MemoryWal wal_;
    SigningGuard guard_{testing::test_domain(), signer_, wal_};
};

TEST_F(SigningGuardTest, RecordsBeforeSigning) {
    auto signed_vote = guard_.sign_vote(vote(VoteType::kPrevote, 5, 0, block_named(1)));
    ASSERT_TRUE(signed_vote);
    EXPECT_FALSE(signed_vote->signature.empty());
    ASSERT_EQ(wal_.records().size(), 1u);
    const auto recorded = decode_wal_record(wal_.records()[0]);
    ASSERT_TRUE(recorded);
    const auto& content = std::get<chain::Vote>(*recorded);
    EXPECT_EQ(content.block_hash, block_named(1));
    EXPECT_TRUE(content.signature.empty());  // the record holds no signature
}

TEST_F(SigningGuardTest, TheSameStepWithTheSameContentIsSignedAgainIdentically) {
    auto first = guard_.sign_vote(vote(VoteType::kPrevote, 5, 0, block_named(1)));
    auto again = guard_.sign_vote(vote(VoteType::kPrevote, 5, 0, block_named(1)));
    ASSERT_TRUE(first && again);
    EXPECT_EQ(first->signature, again->signature);
    EXPECT_EQ(wal_.records().size(), 1u);
}

TEST_F(SigningGuardTest, ConflictingContentAtASignedStepIsRefused) {
    ASSERT_TRUE(guard_.sign_vote(vote(VoteType::kPrevote, 5, 0, block_named(1))));
    auto other = guard_.sign_vote(vote(VoteType::kPrevote, 5, 0, block_named(2)));
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error(), SignRefusal::kConflicting);
    auto nil = guard_.sign_vote(vote(VoteType::kPrevote, 5, 0, std::nullopt));
    ASSERT_FALSE(nil);
    EXPECT_EQ(nil.error(), SignRefusal::kConflicting);
}

TEST_F(SigningGuardTest, StepsBelowTheLastSignedOneAreRefused) {
    ASSERT_TRUE(guard_.sign_vote(vote(VoteType::kPrecommit, 5, 2, std::nullopt)));
    auto earlier_round = guard_.sign_vote(vote(VoteType::kPrevote, 5, 1, block_named(1)));
    ASSERT_FALSE(earlier_round);
    EXPECT_EQ(earlier_round.error(), SignRefusal::kBelowLastSigned);
    auto same_round_prevote = guard_.sign_vote(vote(VoteType::kPrevote, 5, 2, block_named(1)));
    ASSERT_FALSE(same_round_prevote);
    EXPECT_EQ(same_round_prevote.error(), SignRefusal::kBelowLastSigned);
    chain::Proposal proposal{5, 2, std::nullopt, block_named(1), 1, 0, {}};
    EXPECT_FALSE(guard_.sign_proposal(proposal));
    EXPECT_TRUE(guard_.sign_vote(vote(VoteType::kPrevote, 5, 3, block_named(1))));
    EXPECT_TRUE(guard_.sign_vote(vote(VoteType::kPrevote, 6, 0, block_named(1))));
    EXPECT_FALSE(guard_.sign_vote(vote(VoteType::kPrecommit, 5, 9, std::nullopt)));
}

TEST_F(SigningGuardTest, AGuardRebuiltFromTheWalRefusesWhatTheOldOneWould) {
    ASSERT_TRUE(guard_.sign_vote(vote(VoteType::kPrevote, 5, 1, block_named(1))));
    chain::Proposal proposal{5, 2, std::nullopt, block_named(3), 1, 0, {}};
    ASSERT_TRUE(guard_.sign_proposal(proposal));
    SigningGuard restarted{testing::test_domain(), signer_, wal_};
    auto records = restarted.load(5);
    ASSERT_TRUE(records);
    EXPECT_EQ(records->size(), 2u);
    ASSERT_TRUE(restarted.last_signed());
    EXPECT_EQ(restarted.last_signed()->round, 2u);
    EXPECT_FALSE(restarted.sign_vote(vote(VoteType::kPrevote, 5, 1, block_named(2))));
    EXPECT_TRUE(restarted.sign_vote(vote(VoteType::kPrevote, 5, 1, block_named(1))));
    proposal.block_hash = block_named(4);
    EXPECT_FALSE(restarted.sign_proposal(proposal));
    EXPECT_TRUE(restarted.sign_vote(vote(VoteType::kPrevote, 5, 2, block_named(3))));
}

TEST_F(SigningGuardTest, LoadReturnsOnlyTheRecordsOfTheHeightAndAbove) {
    ASSERT_TRUE(guard_.sign_vote(vote(VoteType::kPrevote, 4, 0, block_named(1))));
    ASSERT_TRUE(guard_.sign_vote(vote(VoteType::kPrevote, 5, 0, block_named(2))));
    SigningGuard restarted{testing::test_domain(), signer_, wal_};
    auto records = restarted.load(5);
    ASSERT_TRUE(records);
    ASSERT_EQ(records->size(), 1u);
    EXPECT_EQ(std::get<chain::Vote>((*records)[0]).height, 5u);
    // Height 4 is below the last signed step: refused even with the recorded content.
    EXPECT_FALSE(restarted.sign_vote(vote(VoteType::kPrevote, 4, 0, block_named(1))));
}

TEST(SigningGuardWalTest, NothingIsSignedWhenTheWalFails) {
    testing::KeyedHashSigner signer{0};
    FailingWal wal{1};
    SigningGuard guard{testing::test_domain(), signer, wal};
    ASSERT_TRUE(guard.sign_vote(vote(VoteType::kPrevote, 1, 0, block_named(1))));
    auto refused = guard.sign_vote(vote(VoteType::kPrecommit, 1, 0, block_named(1)));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error(), SignRefusal::kWalFailed);
    EXPECT_EQ(guard.last_wal_error().message, "disk full");
    EXPECT_EQ(guard.last_signed()->step, SignStep::kPrevote);
}

TEST(SigningGuardWalTest, AnUndecodableRecordStopsTheLoad) {
    testing::KeyedHashSigner signer{0};
    MemoryWal wal;
    wal.mutable_records().push_back(Bytes{0xc0});
    SigningGuard guard{testing::test_domain(), signer, wal};
    EXPECT_FALSE(guard.load(1));
}

TEST(WalRecordTest, RoundTripsVotesAndProposalsWithoutSignatures) {
    chain::Vote v{VoteType::kPrecommit, 9, 3, block_named(5), 7, Bytes{1, 2, 3}};
    const auto decoded = decode_wal_record(encode_wal_record(v));
    ASSERT_TRUE(decoded);
    v.signature.clear();
    EXPECT_EQ(std::get<chain::Vote>(*decoded), v);
    chain::Proposal p{9, 3, 1, block_named(6), 1234, 2, Bytes{9}};
    const auto decoded_proposal = decode_wal_record(encode_wal_record(p));
    ASSERT_TRUE(decoded_proposal);
    p.signature.clear();
    EXPECT_EQ(std::get<chain::Proposal>(*decoded_proposal), p);
    EXPECT_FALSE(decode_wal_record(Bytes{0x01}));
    LockRecord lock{p, {v, v}};
    lock.proposal.signature = Bytes{4, 4};
    lock.prevotes[1].signature = Bytes{5};
    const auto decoded_lock = decode_wal_record(encode_wal_record(lock));
    ASSERT_TRUE(decoded_lock);
    EXPECT_EQ(std::get<LockRecord>(*decoded_lock), lock);  // signatures kept
    // A record that carries a signature is not one the guard writes.
    Bytes body;
    rlp::append_uint(body, 2);
    rlp::append_string(body, chain::encode_vote(chain::Vote{VoteType::kPrevote, 1, 0, {}, 0, {7}}));
    EXPECT_FALSE(decode_wal_record(rlp::encode_list(body)));
}

}  // namespace
}  // namespace qtm::consensus
