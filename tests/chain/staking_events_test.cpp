// Block-level staking events (docs/protocol.md, "Block-level logs"): double-sign evidence
// emits Slashed then Tombstoned, downtime emits Jailed, a block without penalties emits
// nothing; the logs are in the header's bloom but not in the receipts, they are stored
// beside the block's receipts and read back after the database is closed and reopened.
#include <gtest/gtest.h>

#include <filesystem>
#include <limits>

#include "base/hex.hpp"
#include "chain/staking/abi.hpp"
#include "chain/staking/contract.hpp"
#include "chain/staking/penalties.hpp"
#include "chain/staking/store.hpp"
#include "crypto/random.hpp"
#include "slashing_support.hpp"
#include "storage/chain_store.hpp"

namespace qtm::chain::staking {
namespace {

using testing::SlashingChain;
using testing::small_testnet;

Hash32 address_topic(const Address& address) {
    return abi::word_topic(abi::address_word(address));
}

Address operator_of(SlashingChain& chain, const Address& consensus_address) {
    auto world = chain.head_state();
    Meter meter{*world, staking_address(), Meter::kUnlimited};
    Store store{meter};
    return *store.operator_of(consensus_address);
}

U256 bonded_of(SlashingChain& chain, const Address& operator_address) {
    auto world = chain.head_state();
    Meter meter{*world, staking_address(), Meter::kUnlimited};
    Store store{meter};
    return store.validator_summary(operator_address)->bonded;
}

std::optional<BlockLogs> stored_block_logs(storage::Database& db, const ExecutedBlock& block) {
    const storage::ChainStore store{db};
    auto bytes = store.load_block_logs(block_logs_hash(block.block.header.number, block.hash));
    EXPECT_TRUE(bytes.has_value());
    if (!bytes || !*bytes) return std::nullopt;
    auto decoded = decode_block_logs(**bytes);
    EXPECT_TRUE(decoded.has_value());
    if (!decoded) return std::nullopt;
    return *decoded;
}

void expect_in_bloom(const Header& header, const state::Log& log) {
    EXPECT_TRUE(bloom_may_contain(header.logs_bloom, log.address));
    for (const auto& topic : log.topics)
        EXPECT_TRUE(bloom_may_contain(header.logs_bloom, topic));
}

// Expects `block` to carry evidence of `culprit`'s double sign at `height`: Slashed of the
// burned amount, then Tombstoned, both from the staking address.
void expect_double_sign_events(const ExecutedBlock& block, const Address& culprit,
                               std::uint64_t height, const U256& burned) {
    ASSERT_EQ(block.block_logs.size(), 2u);
    const state::Log& slashed = block.block_logs[0];
    EXPECT_EQ(slashed.address, staking_address());
    EXPECT_EQ(slashed.topics,
              (std::vector<Hash32>{abi::event_topic(signature::kSlashed), address_topic(culprit)}));
    EXPECT_EQ(slashed.data,
              abi::Writer{}.uint(height).word(burned).uint(kReasonDoubleSign).finish());
    const state::Log& tombstoned = block.block_logs[1];
    EXPECT_EQ(tombstoned.address, staking_address());
    EXPECT_EQ(tombstoned.topics, (std::vector<Hash32>{abi::event_topic(signature::kTombstoned),
                                                      address_topic(culprit)}));
    EXPECT_TRUE(tombstoned.data.empty());
}

TEST(StakingEvents, EvidenceEmitsSlashedThenTombstoned) {
    SlashingChain chain{small_testnet(4, 100, 3)};
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(chain.extend({}).has_value());
    const Address culprit = operator_of(chain, chain.validators_at(2).set.at(1).address);
    const U256 bonded = bonded_of(chain, culprit);
    const U256 burned = bonded * U256{chain.spec().slashing.double_sign_slash_percent} / U256{100};
    ASSERT_NE(burned, U256{});

    auto block = chain.extend({.evidence = {chain.double_sign(1, 2)}});
    ASSERT_TRUE(block.has_value()) << block.error().message;
    expect_double_sign_events(*block, culprit, 2, burned);
    EXPECT_EQ(bonded_of(chain, culprit), bonded - burned);
    // In the bloom (bloom-filtered queries find them), not in the receipts or their root.
    for (const auto& log : block->block_logs)
        expect_in_bloom(block->block.header, log);
    EXPECT_TRUE(block->receipts.empty());
    EXPECT_EQ(block->block.header.receipts_root, receipts_root({}));
    // Stored beside the receipts, under the derived hash.
    const auto stored = stored_block_logs(chain.db(), *block);
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(*stored, (BlockLogs{4, block->block_logs}));
}

TEST(StakingEvents, ABloomWithoutTheBlockLogsIsInvalid) {
    SlashingChain chain{small_testnet(4, 100, 3)};
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(chain.extend({}).has_value());
    const Header parent = chain.head();
    auto built = chain.executor().build(parent, parent.timestamp + 2, parent.proposer, {}, nullptr,
                                        {.evidence = {chain.double_sign(1, 2)}});
    ASSERT_TRUE(built.has_value()) << built.error().message;
    ASSERT_EQ(built->block_logs.size(), 2u);
    Block forged = built->block;
    forged.header.logs_bloom = Bloom{};  // what the bloom was before block-level logs
    auto refused = chain.executor().validate(parent, forged, false);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().message, "invalid block: logs bloom mismatch");
}

TEST(StakingEvents, DowntimeEmitsJailed) {
    // Window 4, at least 50% signed: the fourth miss in a full window jails (as
    // slashing_downtime_test's CertificatesFeedTheWindowAndJailAtTheThreshold).
    SlashingChain chain{small_testnet(6, 4, 100)};
    ASSERT_TRUE(chain.extend({}).has_value());
    ASSERT_TRUE(chain.extend({}).has_value());
    const Address absent = operator_of(chain, chain.validators_at(1).set.at(3).address);
    for (int i = 0; i < 3; ++i) {
        auto block = chain.extend({.parent_commit = chain.head_commit({0, 1, 2})});
        ASSERT_TRUE(block.has_value()) << block.error().message;
        EXPECT_TRUE(block->block_logs.empty()) << "block " << block->block.header.number;
    }
    auto jailing = chain.extend({.parent_commit = chain.head_commit({0, 1, 2})});
    ASSERT_TRUE(jailing.has_value()) << jailing.error().message;
    const std::uint64_t until =
        jailing->block.header.timestamp + chain.spec().slashing.jail_seconds;
    ASSERT_EQ(jailing->block_logs.size(), 1u);
    const state::Log& jailed = jailing->block_logs[0];
    EXPECT_EQ(jailed.address, staking_address());
    EXPECT_EQ(jailed.topics,
              (std::vector<Hash32>{abi::event_topic(signature::kJailed), address_topic(absent)}));
    EXPECT_EQ(jailed.data, abi::Writer{}.uint(until).uint(kReasonDowntime).finish());
    expect_in_bloom(jailing->block.header, jailed);
    const auto stored = stored_block_logs(chain.db(), *jailing);
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(stored->logs, jailing->block_logs);
}

TEST(StakingEvents, ABlockWithoutPenaltiesEmitsNothing) {
    SlashingChain chain{small_testnet(4, 100, 3)};
    ASSERT_TRUE(chain.extend({}).has_value());
    // A commit every validator signed: windows are fed, nobody is jailed.
    auto block = chain.extend({.parent_commit = chain.head_commit({0, 1, 2, 3})});
    ASSERT_TRUE(block.has_value()) << block.error().message;
    EXPECT_TRUE(block->block_logs.empty());
    EXPECT_EQ(block->block.header.logs_bloom, Bloom{});
    EXPECT_FALSE(stored_block_logs(chain.db(), *block).has_value());
}

TEST(StakingEvents, TheLogsSurviveReopeningTheDatabase) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("qtm-staking-events-" + to_hex(crypto::random_array<8>(), false));
    const std::string path = (dir / "db").string();
    std::filesystem::create_directories(dir);
    ExecutedBlock evidence_block;
    Address culprit{};
    U256 burned{};
    {
        auto db = storage::open_rocksdb(path);
        ASSERT_TRUE(db.has_value()) << db.error().message;
        SlashingChain chain{small_testnet(4, 100, 3), std::move(*db)};
        for (int i = 0; i < 3; ++i)
            ASSERT_TRUE(chain.extend({}).has_value());
        culprit = operator_of(chain, chain.validators_at(2).set.at(1).address);
        burned = bonded_of(chain, culprit) * U256{chain.spec().slashing.double_sign_slash_percent} /
                 U256{100};
        auto block = chain.extend({.evidence = {chain.double_sign(1, 2)}});
        ASSERT_TRUE(block.has_value()) << block.error().message;
        evidence_block.block = block->block;
        evidence_block.hash = block->hash;
        evidence_block.block_logs = block->block_logs;
    }  // the database is closed here
    {
        auto db = storage::open_rocksdb(path);
        ASSERT_TRUE(db.has_value()) << db.error().message;
        const auto stored = stored_block_logs(**db, evidence_block);
        ASSERT_TRUE(stored.has_value());
        ExecutedBlock reread = evidence_block;
        reread.block_logs = stored->logs;
        expect_double_sign_events(reread, culprit, 2, burned);
        // The header that was stored commits to them in its bloom.
        const storage::ChainStore store{**db};
        auto header_bytes = store.load_header(evidence_block.hash);
        ASSERT_TRUE(header_bytes && *header_bytes);
        auto header = decode_header(**header_bytes);
        ASSERT_TRUE(header.has_value());
        for (const auto& log : stored->logs)
            expect_in_bloom(*header, log);
    }
    std::filesystem::remove_all(dir);
}

TEST(StakingEvents, BlockLogsRecordRoundTripsAndRefusesGarbage) {
    state::Log log{staking_address(), {abi::event_topic(signature::kTombstoned), Hash32{0x01}}, {}};
    const BlockLogs record{42, {log, log}};
    const Bytes encoded = encode_block_logs(record);
    const auto decoded = decode_block_logs(encoded);
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, record);
    Bytes truncated = encoded;
    truncated.pop_back();
    EXPECT_FALSE(decode_block_logs(truncated).has_value());
    EXPECT_FALSE(decode_block_logs(Bytes{0xc0}).has_value());
    // The derived hash depends on the number and on the block hash.
    EXPECT_NE(block_logs_hash(1, Hash32{0x01}), block_logs_hash(2, Hash32{0x01}));
    EXPECT_NE(block_logs_hash(1, Hash32{0x01}), block_logs_hash(1, Hash32{0x02}));
}

}  // namespace
}  // namespace qtm::chain::staking
