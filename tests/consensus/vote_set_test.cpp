// Vote sets: one vote per validator, tallies with uneven stakes, evidence, certificates.
#include "consensus/vote_set.hpp"

#include <gtest/gtest.h>

#include "consensus_support.hpp"

namespace qtm::consensus {
namespace {

using chain::VoteType;
using testing::block_named;
using testing::make_committee;
using testing::signed_vote;

TEST(VoteSetTest, CountsEachValidatorOnceAndTalliesByBlock) {
    const auto committee = make_committee({5, 3, 2, 1});  // total 11, quorum > 22/3: 8
    VoteSet set{1, 0, VoteType::kPrevote, committee.set};
    EXPECT_EQ(set.add(signed_vote(committee, 0, VoteType::kPrevote, 1, 0, block_named(1))),
              AddVoteResult::kAdded);
    EXPECT_EQ(set.add(signed_vote(committee, 0, VoteType::kPrevote, 1, 0, block_named(1))),
              AddVoteResult::kDuplicate);
    EXPECT_EQ(set.add(signed_vote(committee, 2, VoteType::kPrevote, 1, 0, std::nullopt)),
              AddVoteResult::kAdded);
    EXPECT_EQ(set.power_for(block_named(1)), 5u);
    EXPECT_EQ(set.power_for(std::nullopt), 2u);
    EXPECT_EQ(set.total_power(), 7u);
    EXPECT_FALSE(set.has_quorum_any());
    EXPECT_EQ(set.add(signed_vote(committee, 3, VoteType::kPrevote, 1, 0, block_named(2))),
              AddVoteResult::kAdded);
    EXPECT_TRUE(set.has_quorum_any());  // 8 of 11
    EXPECT_FALSE(set.quorum_value());
    EXPECT_EQ(set.add(signed_vote(committee, 1, VoteType::kPrevote, 1, 0, block_named(1))),
              AddVoteResult::kAdded);
    ASSERT_TRUE(set.quorum_value());
    EXPECT_EQ(*set.quorum_value(), block_named(1));  // 5 + 3 = 8 of 11
    EXPECT_TRUE(set.has_quorum_for(block_named(1)));
    EXPECT_FALSE(set.has_quorum_for(std::nullopt));
}

TEST(VoteSetTest, ExactlyTwoThirdsIsNotAQuorum) {
    const auto committee = make_committee({2, 2, 1, 1});  // total 6
    VoteSet set{1, 0, VoteType::kPrecommit, committee.set};
    (void)set.add(signed_vote(committee, 0, VoteType::kPrecommit, 1, 0, block_named(1)));
    (void)set.add(signed_vote(committee, 1, VoteType::kPrecommit, 1, 0, block_named(1)));
    EXPECT_FALSE(set.has_quorum_for(block_named(1)));  // 4 of 6
    EXPECT_FALSE(set.certificate_for(block_named(1)));
    (void)set.add(signed_vote(committee, 3, VoteType::kPrecommit, 1, 0, block_named(1)));
    EXPECT_TRUE(set.has_quorum_for(block_named(1)));  // 5 of 6
}

TEST(VoteSetTest, AnEquivocatorCountsForEachOfItsBlocksButOnceInTheTotal) {
    const auto committee = make_committee({1, 1, 1, 1});
    VoteSet set{4, 2, VoteType::kPrecommit, committee.set};
    const auto first = signed_vote(committee, 1, VoteType::kPrecommit, 4, 2, block_named(1));
    const auto second = signed_vote(committee, 1, VoteType::kPrecommit, 4, 2, std::nullopt);
    ASSERT_EQ(set.add(first), AddVoteResult::kAdded);
    chain::DuplicateVoteEvidence evidence;
    EXPECT_EQ(set.add(second, &evidence), AddVoteResult::kConflict);
    // Canonical order: nil (the empty string) first.
    EXPECT_EQ(evidence.vote_a, second);
    EXPECT_EQ(evidence.vote_b, first);
    EXPECT_EQ(set.total_power(), 1u);
    EXPECT_EQ(set.power_for(block_named(1)), 1u);
    EXPECT_EQ(set.power_for(std::nullopt), 1u);
    EXPECT_EQ(*set.vote_of(1), first);
    EXPECT_EQ(set.add(second), AddVoteResult::kDuplicate);
    EXPECT_EQ(set.power_for(std::nullopt), 1u);
    // Its second block's precommit is in that block's certificate.
    for (std::uint32_t i : {0u, 2u}) {
        (void)set.add(signed_vote(committee, i, VoteType::kPrecommit, 4, 2, std::nullopt));
    }
    EXPECT_TRUE(set.has_quorum_for(std::nullopt));
    EXPECT_EQ(set.total_power(), 3u);  // the equivocator once
}

TEST(VoteSetTest, AnEquivocatorsVotesAreBounded) {
    const auto committee = make_committee({1, 1, 1, 1});
    VoteSet set{1, 0, VoteType::kPrevote, committee.set};
    for (std::uint8_t b = 0; b < 20; ++b) {
        (void)set.add(signed_vote(committee, 0, VoteType::kPrevote, 1, 0, block_named(b)));
    }
    std::size_t counted = 0;
    for (std::uint8_t b = 0; b < 20; ++b)
        counted += set.power_for(block_named(b));
    EXPECT_EQ(counted, VoteSet::kMaxVotesPerValidator);
    EXPECT_EQ(set.total_power(), 1u);
}

TEST(VoteSetTest, ACertificateCanHoldAnEquivocatorsSecondVote) {
    const auto committee = make_committee({1, 1, 1, 1});
    VoteSet set{1, 0, VoteType::kPrecommit, committee.set};
    (void)set.add(signed_vote(committee, 0, VoteType::kPrecommit, 1, 0, block_named(1)));
    const auto second = signed_vote(committee, 0, VoteType::kPrecommit, 1, 0, block_named(2));
    (void)set.add(second);
    (void)set.add(signed_vote(committee, 1, VoteType::kPrecommit, 1, 0, block_named(2)));
    (void)set.add(signed_vote(committee, 2, VoteType::kPrecommit, 1, 0, block_named(2)));
    const auto certificate = set.certificate_for(block_named(2));
    ASSERT_TRUE(certificate);
    EXPECT_EQ(certificate->signer_bitmap, Bytes{0b0000'0111});
    EXPECT_EQ(certificate->signatures[0], second.signature);
}

TEST(VoteSetTest, VotesOfAnotherHeightRoundTypeOrValidatorAreInvalid) {
    const auto committee = make_committee({1, 1, 1});
    VoteSet set{4, 2, VoteType::kPrevote, committee.set};
    EXPECT_EQ(set.add(signed_vote(committee, 0, VoteType::kPrevote, 5, 2, std::nullopt)),
              AddVoteResult::kInvalid);
    EXPECT_EQ(set.add(signed_vote(committee, 0, VoteType::kPrevote, 4, 3, std::nullopt)),
              AddVoteResult::kInvalid);
    EXPECT_EQ(set.add(signed_vote(committee, 0, VoteType::kPrecommit, 4, 2, std::nullopt)),
              AddVoteResult::kInvalid);
    chain::Vote outsider = signed_vote(committee, 0, VoteType::kPrevote, 4, 2, std::nullopt);
    outsider.validator_index = 3;
    EXPECT_EQ(set.add(outsider), AddVoteResult::kInvalid);
    EXPECT_EQ(set.total_power(), 0u);
}

TEST(VoteSetTest, ACertificateHoldsTheBlocksPrecommitsInValidatorOrder) {
    const auto committee = make_committee({1, 1, 1, 1, 1, 1, 1, 1, 1});
    VoteSet set{7, 1, VoteType::kPrecommit, committee.set};
    for (std::uint32_t i : {8u, 0u, 3u, 5u, 6u, 7u}) {
        (void)set.add(signed_vote(committee, i, VoteType::kPrecommit, 7, 1, block_named(1)));
    }
    (void)set.add(signed_vote(committee, 2, VoteType::kPrecommit, 7, 1, std::nullopt));
    EXPECT_FALSE(set.certificate_for(block_named(1)));  // 6 of 9 is exactly 2/3
    (void)set.add(signed_vote(committee, 1, VoteType::kPrecommit, 7, 1, block_named(1)));
    const auto certificate = set.certificate_for(block_named(1));
    ASSERT_TRUE(certificate);
    EXPECT_EQ(certificate->height, 7u);
    EXPECT_EQ(certificate->round, 1u);
    EXPECT_EQ(certificate->signer_bitmap, (Bytes{0b1110'1011, 0b0000'0001}));
    ASSERT_EQ(certificate->signatures.size(), 7u);
    EXPECT_EQ(certificate->signatures[0], set.vote_of(0)->signature);
    EXPECT_EQ(certificate->signatures[6], set.vote_of(8)->signature);
    VoteSet prevotes{7, 1, VoteType::kPrevote, committee.set};
    EXPECT_FALSE(prevotes.certificate_for(block_named(1)));
}

}  // namespace
}  // namespace qtm::consensus
