// Duplicate-vote evidence in blocks: every rule of check_evidence with real ML-DSA-65 votes
// against the validator set stored in the chain, and the executor applying valid evidence
// once (slash + tombstone) and refusing or leaving out invalid evidence.
#include <gtest/gtest.h>

#include <limits>

#include "chain/staking/block_penalties.hpp"
#include "chain/staking/evidence.hpp"
#include "chain/staking/store.hpp"
#include "slashing_support.hpp"

namespace qtm::chain::staking {
namespace {

using testing::SlashingChain;
using testing::small_testnet;

class SlashingEvidence : public ::testing::Test {
protected:
    // Epochs of 4 blocks; evidence older than 3 blocks expires. Heads at block 3.
    SlashingEvidence() : chain_{small_testnet(4, 100, 3)} {
        for (int i = 0; i < 3; ++i)
            EXPECT_TRUE(chain_.extend({}).has_value());
    }

    Result<Offence, EvidenceError> check(const DuplicateVoteEvidence& evidence,
                                         std::uint64_t block_number) {
        StoredValidatorSets sets{chain_.spec(), chain_.db()};
        auto world = chain_.head_state();
        Meter meter{*world, staking_address(), Meter::kUnlimited};
        const EvidenceContext context{chain_.spec(), chain_.domain(), sets, mldsa_verifier(),
                                      block_number};
        return check_evidence(evidence, context, meter);
    }

    ValidatorRecord record_of(const Address& consensus_address) {
        auto world = chain_.head_state();
        Meter meter{*world, staking_address(), Meter::kUnlimited};
        Store store{meter};
        const auto op = store.operator_of(consensus_address);
        EXPECT_TRUE(op.has_value());
        return *store.validator_summary(*op);
    }

    SlashingChain chain_;
};

TEST_F(SlashingEvidence, ValidEvidenceNamesTheOffence) {
    const auto evidence = chain_.double_sign(1, 2);
    const auto offence = check(evidence, 4);
    ASSERT_TRUE(offence.has_value()) << to_string(offence.error());
    EXPECT_EQ(offence->height, 2u);
    EXPECT_EQ(offence->consensus_address, chain_.validators_at(2).set.at(1).address);
    // Evidence of the including block's own height is allowed; the set of height 4 is known.
    EXPECT_TRUE(check(chain_.double_sign(1, 4), 4).has_value());
}

TEST_F(SlashingEvidence, EachRuleIsRefusedByName) {
    const auto good = chain_.double_sign(2, 2);
    // Same vote twice.
    EXPECT_EQ(check({good.vote_a, good.vote_a}, 4).error(), EvidenceError::kSameVote);
    // Two votes for the same block (different rounds, both signed).
    const auto validators = chain_.validators_at(2);
    const Vote r0 = testing::signed_vote(validators, 2, VoteType::kPrecommit, 2, 0, Hash32{0x0a},
                                         chain_.domain());
    const Vote r1 = testing::signed_vote(validators, 2, VoteType::kPrecommit, 2, 1, Hash32{0x0a},
                                         chain_.domain());
    EXPECT_EQ(check({r0, r1}, 4).error(), EvidenceError::kSameBlock);
    // Other round: not conflicting.
    const Vote other_round = testing::signed_vote(validators, 2, VoteType::kPrecommit, 2, 1,
                                                  Hash32{0x0b}, chain_.domain());
    EXPECT_EQ(check({r0, other_round}, 4).error(), EvidenceError::kNotConflicting);
    // Out of canonical order.
    EXPECT_EQ(check({good.vote_b, good.vote_a}, 4).error(), EvidenceError::kNotCanonical);
    // Wrong height: above the including block, and height 0.
    EXPECT_EQ(check(chain_.double_sign(2, 4), 3).error(), EvidenceError::kWrongHeight);
    auto zero = good;
    zero.vote_a.height = zero.vote_b.height = 0;
    EXPECT_EQ(check(zero, 4).error(), EvidenceError::kWrongHeight);
    // Expired: height 2 in block 6 is 4 > 3 blocks old; in block 5 it is 3 (still valid).
    EXPECT_EQ(check(good, 6).error(), EvidenceError::kExpired);
    EXPECT_TRUE(check(good, 5).has_value());
    // Wrong chain: signed on another chain id, or another genesis.
    const auto other_chain =
        chain_.double_sign(2, 2, {chain_.spec().chain_id + 1, chain_.domain().genesis_hash});
    EXPECT_EQ(check(other_chain, 4).error(), EvidenceError::kBadSignature);
    const auto other_genesis = chain_.double_sign(2, 2, {chain_.spec().chain_id, Hash32{0x99}});
    EXPECT_EQ(check(other_genesis, 4).error(), EvidenceError::kBadSignature);
    // Unknown validator: an index outside the four (signed by validator 2's key).
    auto unknown = good;
    unknown.vote_a.validator_index = unknown.vote_b.validator_index = 4;
    EXPECT_EQ(check(unknown, 4).error(), EvidenceError::kUnknownValidator);
    // Another validator's index on validator 2's signatures.
    auto misnamed = good;
    misnamed.vote_a.validator_index = misnamed.vote_b.validator_index = 3;
    EXPECT_EQ(check(misnamed, 4).error(), EvidenceError::kBadSignature);
    // Bad signature: one byte flipped in the second vote.
    auto tampered = good;
    tampered.vote_b.signature[10] ^= 0x01;
    EXPECT_EQ(check(tampered, 4).error(), EvidenceError::kBadSignature);
    // A height whose epoch's state (block 4) is not stored yet.
    auto unreadable = good;
    unreadable.vote_a.height = unreadable.vote_b.height = 5;
    EXPECT_EQ(check(unreadable, 5).error(), EvidenceError::kNoValidatorSet);
}

TEST_F(SlashingEvidence, TheExecutorAppliesAnOffenceOnceAndSlashes) {
    const auto evidence = chain_.double_sign(1, 2);
    const Address culprit = chain_.validators_at(2).set.at(1).address;
    const U256 bonded_before = record_of(culprit).bonded;

    // Offered twice in one block: the builder keeps the first and leaves out the second.
    std::vector<Rejection> rejected;
    auto block = chain_.extend({.evidence = {evidence, evidence}}, &rejected);
    ASSERT_TRUE(block.has_value()) << block.error().message;
    ASSERT_EQ(block->block.evidence.size(), 1u);
    ASSERT_EQ(rejected.size(), 1u);
    EXPECT_EQ(rejected[0].reason, "evidence: this offence (validator, height) was already applied");
    EXPECT_EQ(block->block.header.evidence_root, evidence_root({evidence}));

    const ValidatorRecord after = record_of(culprit);
    EXPECT_TRUE(after.tombstoned);
    EXPECT_TRUE(after.jailed);
    const U256 expected_burn =
        bonded_before * U256{chain_.spec().slashing.double_sign_slash_percent} / U256{100};
    EXPECT_EQ(after.bonded, bonded_before - expected_burn);
    {
        auto world = chain_.head_state();
        Meter meter{*world, staking_address(), Meter::kUnlimited};
        Store store{meter};
        EXPECT_TRUE(offence_applied(meter, *store.operator_of(culprit), 2));
        EXPECT_EQ(store.jailed_until(*store.operator_of(culprit)),
                  std::numeric_limits<std::uint64_t>::max());
        EXPECT_EQ(store.validator_slashed(*store.operator_of(culprit)), expected_burn);
        EXPECT_FALSE(offence_applied(meter, *store.operator_of(culprit), 3));
    }

    // The same offence in a later block: refused by validation, left out by the builder.
    const Header parent = chain_.head();
    auto again = chain_.executor().build(parent, parent.timestamp + 2, parent.proposer, {}, nullptr,
                                         {.evidence = {evidence}});
    ASSERT_TRUE(again.has_value());
    EXPECT_TRUE(again->block.evidence.empty());
    Block forged = again->block;
    forged.evidence = {evidence};
    forged.header.evidence_root = evidence_root(forged.evidence);
    auto refused = chain_.executor().validate(parent, forged, false);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().message,
              "invalid block: evidence 0: this offence (validator, height) was already applied");
    // Another height of the tombstoned validator: refused too.
    forged.evidence = {chain_.double_sign(1, 3)};
    forged.header.evidence_root = evidence_root(forged.evidence);
    refused = chain_.executor().validate(parent, forged, false);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().message,
              "invalid block: evidence 0: the validator is already tombstoned");
}

TEST_F(SlashingEvidence, ValidationRefusesInvalidEvidenceAndAWrongRoot) {
    const Header parent = chain_.head();
    auto built =
        chain_.executor().build(parent, parent.timestamp + 2, parent.proposer, {}, nullptr, {});
    ASSERT_TRUE(built.has_value());
    Block forged = built->block;
    auto tampered = chain_.double_sign(0, 2);
    tampered.vote_a.signature[0] ^= 0x80;
    forged.evidence = {tampered};
    forged.header.evidence_root = evidence_root(forged.evidence);
    auto refused = chain_.executor().validate(parent, forged, false);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().message,
              "invalid block: evidence 0: evidence signature does not verify for this validator "
              "on this chain");
    // No evidence under another root.
    forged.evidence.clear();
    forged.header.evidence_root = evidence_root({chain_.double_sign(0, 2)});
    refused = chain_.executor().validate(parent, forged, false);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().message, "invalid block: evidence root mismatch");
    // Valid evidence under the root of an empty list: a root mismatch.
    forged.evidence = {chain_.double_sign(0, 2)};
    forged.header.evidence_root = built->block.header.evidence_root;
    refused = chain_.executor().validate(parent, forged, false);
    ASSERT_FALSE(refused.has_value());
    // The slash changes the state first, so the state root is what differs first.
    EXPECT_NE(refused.error().message.find("mismatch"), std::string::npos)
        << refused.error().message;
}

}  // namespace
}  // namespace qtm::chain::staking
