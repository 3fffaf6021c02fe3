// The downtime window: missed precommits read from real commit certificates in
// parent_commit, the ring in the staking storage, jailing past the allowed misses (and the
// window reset), the jailed validator leaving the set at the next epoch, and the
// validators hash of the headers following it.
#include <gtest/gtest.h>

#include "chain/staking/active_set.hpp"
#include "chain/staking/downtime.hpp"
#include "chain/staking/store.hpp"
#include "chain/validator_set_source.hpp"
#include "slashing_support.hpp"
#include "storage/chain_store.hpp"

namespace qtm::chain::staking {
namespace {

using testing::SlashingChain;
using testing::small_testnet;

DowntimeWindow window_of(SlashingChain& chain, const Address& consensus_address) {
    auto world = chain.head_state();
    Meter meter{*world, staking_address(), Meter::kUnlimited};
    Store store{meter};
    return downtime_window(meter, *store.operator_of(consensus_address));
}

ValidatorRecord record_of(SlashingChain& chain, const Address& consensus_address) {
    auto world = chain.head_state();
    Meter meter{*world, staking_address(), Meter::kUnlimited};
    Store store{meter};
    return *store.validator_summary(*store.operator_of(consensus_address));
}

TEST(SlashingDowntime, RingCountsMissesAndOverwritesTheOldest) {
    auto db = storage::make_memory_database();
    state::WorldState world{*db, trie::kEmptyRoot, nullptr};
    Meter meter{world, staking_address(), Meter::kUnlimited};
    Address op{};
    op.fill(0x42);
    SlashingParams params;
    params.downtime_window = 300;             // two ring words
    params.downtime_min_signed_percent = 90;  // at most 30 misses
    // 31 misses, then signed: the window is not full yet, so no verdict.
    DowntimeWindow window;
    for (int i = 0; i < 31; ++i)
        window = record_signing(meter, op, false, 300);
    for (int i = 31; i < 299; ++i)
        window = record_signing(meter, op, true, 300);
    EXPECT_EQ(window, (DowntimeWindow{299, 299, 31}));
    EXPECT_FALSE(exceeds_downtime(window, params));
    window = record_signing(meter, op, true, 300);  // full: 31 > 30
    EXPECT_EQ(window, (DowntimeWindow{0, 300, 31}));
    EXPECT_TRUE(exceeds_downtime(window, params));
    // Signing over the oldest misses takes them out of the count.
    window = record_signing(meter, op, true, 300);
    EXPECT_EQ(window.missed, 30u);
    EXPECT_FALSE(exceeds_downtime(window, params));
    EXPECT_FALSE(downtime_missed_at(meter, op, 0));
    EXPECT_TRUE(downtime_missed_at(meter, op, 1));
    EXPECT_FALSE(downtime_missed_at(meter, op, 31));
    // A miss at position 1 again changes nothing (it was already a miss).
    window = record_signing(meter, op, false, 300);
    EXPECT_EQ(window, (DowntimeWindow{2, 300, 30}));
    // A position past the first word (256+).
    for (int i = 2; i < 260; ++i)
        window = record_signing(meter, op, false, 300);
    EXPECT_TRUE(downtime_missed_at(meter, op, 259));
    EXPECT_FALSE(downtime_missed_at(meter, op, 260));
    reset_downtime(meter, op, 300);
    EXPECT_EQ(downtime_window(meter, op), DowntimeWindow{});
    for (std::uint64_t p = 0; p < 300; ++p)
        ASSERT_FALSE(downtime_missed_at(meter, op, p)) << p;
}

TEST(SlashingDowntime, CertificatesFeedTheWindowAndJailAtTheThreshold) {
    // Window 4, at least 50% signed: a third miss in a full window jails. Epochs of 6.
    SlashingChain chain{small_testnet(6, 4, 100)};
    ASSERT_TRUE(chain.extend({}).has_value());  // block 1: the genesis has no commit
    const auto set = chain.validators_at(1).set;
    const std::size_t absent = 3;
    const Address absent_address = set.at(absent).address;
    const Address present_address = set.at(0).address;
    // An empty parent_commit records nothing (the dev chain's case).
    ASSERT_TRUE(chain.extend({}).has_value());  // block 2
    EXPECT_EQ(window_of(chain, absent_address), DowntimeWindow{});

    // Blocks 3..5 carry the commits of 2..4; validator 3 misses each (3 of 4 is a quorum).
    for (int i = 0; i < 3; ++i) {
        auto block = chain.extend({.parent_commit = chain.head_commit({0, 1, 2})});
        ASSERT_TRUE(block.has_value()) << block.error().message;
    }
    EXPECT_EQ(window_of(chain, absent_address), (DowntimeWindow{3, 3, 3}));
    EXPECT_EQ(window_of(chain, present_address), (DowntimeWindow{3, 3, 0}));
    EXPECT_FALSE(record_of(chain, absent_address).jailed);  // the window is not full

    // Block 6 fills the window with a fourth miss: 4 > 2 allowed: jailed, window reset.
    auto block6 = chain.extend({.parent_commit = chain.head_commit({0, 1, 2})});
    ASSERT_TRUE(block6.has_value()) << block6.error().message;
    const ValidatorRecord jailed = record_of(chain, absent_address);
    EXPECT_TRUE(jailed.jailed);
    EXPECT_FALSE(jailed.tombstoned);
    {
        auto world = chain.head_state();
        Meter meter{*world, staking_address(), Meter::kUnlimited};
        Store store{meter};
        EXPECT_EQ(store.jailed_until(*store.operator_of(absent_address)),
                  chain.head().timestamp + chain.spec().slashing.jail_seconds);
    }
    EXPECT_EQ(window_of(chain, absent_address), DowntimeWindow{});
    EXPECT_EQ(window_of(chain, present_address), (DowntimeWindow{0, 4, 0}));

    // It stays in the set until the epoch ends (heights 1..6), and leaves at height 7, whose
    // set is read from block 6's state; block 7's header commits to the new set.
    EXPECT_TRUE(chain.validators_at(6).set.index_of(absent_address).has_value());
    const auto next = chain.validators_at(7).set;
    EXPECT_EQ(next.size(), 3u);
    EXPECT_FALSE(next.index_of(absent_address).has_value());
    auto block7 = chain.extend({.parent_commit = chain.head_commit({0, 1, 2})});
    ASSERT_TRUE(block7.has_value()) << block7.error().message;
    EXPECT_EQ(block7->block.header.validators_hash, next.hash());
    EXPECT_EQ(block6->block.header.validators_hash, set.hash());
    EXPECT_EQ(chain.headers()[0].validators_hash, set.hash());
    // Block 8 carries block 7's commit, signed by the new set of three: all of them sign.
    auto block8 = chain.extend({.parent_commit = chain.head_commit({0, 1, 2})});
    ASSERT_TRUE(block8.has_value()) << block8.error().message;
    EXPECT_EQ(block8->block.header.validators_hash, next.hash());
    EXPECT_EQ(window_of(chain, present_address), (DowntimeWindow{2, 4, 0}));
}

TEST(SlashingDowntime, ABadParentCommitMakesTheBlockInvalid) {
    SlashingChain chain{small_testnet(100, 4, 100)};
    ASSERT_TRUE(chain.extend({}).has_value());
    ASSERT_TRUE(chain.extend({}).has_value());
    const auto refused = [&](const Bytes& commit) {
        auto block = chain.extend({.parent_commit = commit});
        EXPECT_FALSE(block.has_value());
        return block ? std::string{} : block.error().message;
    };
    // Two of four signers: no quorum.
    EXPECT_EQ(refused(chain.head_commit({0, 1})),
              "invalid block: parent commit: signers hold two thirds of the voting power or less");
    // Not a certificate at all.
    EXPECT_NE(refused(Bytes{0x01, 0x02}).find("invalid block: parent commit: "), std::string::npos);
    // A certificate of another block at the parent's height.
    const auto validators = chain.validators_at(chain.head().number);
    const Bytes other = encode_certificate(testing::signed_certificate(
        validators, {0, 1, 2}, chain.head().number, 0, Hash32{0x01}, chain.domain()));
    EXPECT_EQ(refused(other), "invalid block: parent commit: not for the parent block");
    // Of another height.
    const Bytes older = encode_certificate(
        testing::signed_certificate(validators, {0, 1, 2}, chain.head().number - 1, 0,
                                    block_hash(chain.head()), chain.domain()));
    EXPECT_EQ(refused(older), "invalid block: parent commit: not for the parent's height");
    // Signed on another chain.
    const Bytes foreign = encode_certificate(
        testing::signed_certificate(validators, {0, 1, 2}, chain.head().number, 0,
                                    block_hash(chain.head()), {chain.spec().chain_id + 1, {}}));
    EXPECT_EQ(refused(foreign),
              "invalid block: parent commit: signature does not verify for this validator, "
              "chain and message");
    // And the good one is accepted.
    EXPECT_TRUE(chain.extend({.parent_commit = chain.head_commit({0, 1, 2, 3})}).has_value());
}

TEST(SlashingDowntime, StoredValidatorSetsMatchTheStakingState) {
    SlashingChain chain{small_testnet(3, 4, 100)};
    for (int i = 0; i < 4; ++i)
        ASSERT_TRUE(chain.extend({}).has_value());
    StoredValidatorSets sets{chain.spec(), chain.db()};
    ValidatorSetSource& source = sets;
    for (std::uint64_t height = 0; height <= 5; ++height) {
        auto from_source = source.at(height);
        auto direct = validator_set_for_height(chain.spec(), chain.db(), height);
        ASSERT_TRUE(from_source.has_value()) << from_source.error().message;
        ASSERT_TRUE(direct.has_value());
        EXPECT_EQ(*from_source, *direct) << height;  // priorities included
        if (height > 0 && height < chain.headers().size()) {
            EXPECT_EQ(from_source->hash(), chain.headers()[height].validators_hash) << height;
        }
    }
    // Height 7 needs block 6, which is not stored.
    auto missing = source.at(7);
    ASSERT_FALSE(missing.has_value());
    EXPECT_NE(missing.error().message.find("no canonical block 6"), std::string::npos);
}

}  // namespace
}  // namespace qtm::chain::staking
