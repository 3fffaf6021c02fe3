// `qtm db repair`'s logic: databases damaged on purpose are brought back to a state that
// the check passes, by rebuilding from verified tries and replaying blocks, and refused
// when no verifiable base exists (writing nothing).
#include "chain/db_repair.hpp"

#include <gtest/gtest.h>

#include "base/hex.hpp"
#include "chain_db_support.hpp"
#include "state/account.hpp"
#include "storage/chain_store.hpp"

namespace qtm::chain {
namespace {

class DbRepairTest : public ::testing::Test {
protected:
    test::ChainDb chain_ = test::make_chain_db();

    void erase(storage::Column column, ByteView key) {
        storage::WriteBatch batch;
        batch.erase(column, key);
        ASSERT_TRUE(chain_.db->write(batch, false).has_value());
    }
    RepairReport repair() {
        auto repaired = repair_database(*chain_.db, chain_.spec);
        EXPECT_TRUE(repaired.has_value()) << (repaired ? "" : repaired.error().message);
        return repaired ? *repaired : RepairReport{};
    }
    void expect_consistent_at(std::uint64_t head) {
        const CheckReport report = check_database(*chain_.db);
        for (const auto& issue : report.issues)
            ADD_FAILURE() << issue.where << ": " << issue.what;
        EXPECT_EQ(report.head_number, head);
        EXPECT_EQ(report.head_hash, chain_.hashes.at(head));
    }
    static bool has_action(const RepairReport& report, const std::string& prefix) {
        for (const auto& action : report.actions) {
            if (action.rfind(prefix, 0) == 0) return true;
        }
        return false;
    }
};

TEST_F(DbRepairTest, AnIntactDatabaseIsLeftAlone) {
    EXPECT_EQ(quick_check(*chain_.db), std::nullopt);
    const RepairReport report = repair();
    EXPECT_FALSE(report.changed);
    EXPECT_TRUE(report.actions.empty());
    EXPECT_EQ(report.head_after, 3U);
    expect_consistent_at(3);
}

TEST_F(DbRepairTest, AMismatchedFlatStateIsRebuiltFromTheHeadTrie) {
    auto stored = **chain_.db->get(storage::Column::kFlatAccounts, chain_.recipient);
    state::Account account = *state::decode_account(stored);
    account.balance = U256{1};
    Address stray{};
    stray.fill(0x5a);
    storage::WriteBatch batch;
    batch.put(storage::Column::kFlatAccounts, chain_.recipient, state::encode_account(account));
    batch.put(storage::Column::kFlatAccounts, stray, state::encode_account(account));
    batch.erase(storage::Column::kFlatAccounts, chain_.sender);
    ASSERT_TRUE(chain_.db->write(batch, false).has_value());
    ASSERT_FALSE(check_database(*chain_.db).ok());

    const RepairReport report = repair();
    EXPECT_TRUE(report.changed);
    EXPECT_EQ(report.base, 3U);
    EXPECT_EQ(report.replayed, 0U);
    EXPECT_TRUE(has_action(report,
                           "rebuilt the flat state of block 3 from its state trie (3 "
                           "entries changed)"));
    expect_consistent_at(3);
    EXPECT_EQ(**chain_.db->get(storage::Column::kFlatAccounts, chain_.recipient), stored);
}

TEST_F(DbRepairTest, AMissingReceiptIsRederivedByReplay) {
    const Bytes receipts = **chain_.db->get(storage::Column::kReceipts, chain_.hashes[2]);
    erase(storage::Column::kReceipts, chain_.hashes[2]);
    EXPECT_EQ(quick_check(*chain_.db), std::nullopt);  // not the head's: found by the check
    const RepairReport report = repair();
    EXPECT_EQ(report.base, 1U);
    EXPECT_EQ(report.replayed, 2U);
    EXPECT_TRUE(has_action(report, "replayed blocks 2 to 3"));
    expect_consistent_at(3);
    EXPECT_EQ(**chain_.db->get(storage::Column::kReceipts, chain_.hashes[2]), receipts);
}

TEST_F(DbRepairTest, AHeadPointingPastTheBlocksMovesBackToTheLastIntactBlock) {
    Hash32 ghost{};
    ghost.fill(0x4d);
    storage::WriteBatch batch;
    storage::ChainStore::add_head(batch, ghost);
    ASSERT_TRUE(chain_.db->write(batch, false).has_value());
    ASSERT_TRUE(quick_check(*chain_.db).has_value());
    const RepairReport report = repair();
    EXPECT_EQ(report.head_before, std::nullopt);
    EXPECT_TRUE(has_action(report,
                           "moved the head to block 3 (the head pointer named no intact "
                           "block)"));
    expect_consistent_at(3);
}

TEST_F(DbRepairTest, ALostHeadBlockRollsBackAndRebuildsTheStateBelowIt) {
    erase(storage::Column::kHeaders, chain_.hashes[3]);
    EXPECT_EQ(*quick_check(*chain_.db),
              "the head block " + to_hex(chain_.hashes[3]) + " is missing");
    const RepairReport report = repair();
    EXPECT_EQ(report.head_after, 2U);
    EXPECT_TRUE(has_action(report, "rebuilt the flat state of block 2"));
    EXPECT_TRUE(has_action(report, "erased 1 canonical entries"));
    expect_consistent_at(2);
}

TEST_F(DbRepairTest, AMissingStateNodeAtTheHeadIsRestoredByReplayingTheHead) {
    erase(storage::Column::kTrieNodes, chain_.headers[3].state_root);
    ASSERT_TRUE(quick_check(*chain_.db).has_value());
    const RepairReport report = repair();
    EXPECT_EQ(report.base, 2U);
    EXPECT_EQ(report.replayed, 1U);
    expect_consistent_at(3);
}

TEST_F(DbRepairTest, LostTransactionLookupsAreRewritten) {
    erase(storage::Column::kTxnLookup, chain_.txn_hashes[1][1]);
    const RepairReport report = repair();
    EXPECT_TRUE(has_action(report, "rewrote 1 transaction lookup entries"));
    expect_consistent_at(3);
}

TEST_F(DbRepairTest, LostGenesisReceiptsAreRewritten) {
    const Bytes receipts = **chain_.db->get(storage::Column::kReceipts, chain_.hashes[0]);
    erase(storage::Column::kReceipts, chain_.hashes[0]);
    const RepairReport report = repair();
    EXPECT_TRUE(has_action(report, "rewrote the genesis block's (empty) receipts"));
    EXPECT_EQ(report.replayed, 0U);
    expect_consistent_at(3);
    const auto rewritten = *chain_.db->get(storage::Column::kReceipts, chain_.hashes[0]);
    ASSERT_TRUE(rewritten.has_value());
    EXPECT_EQ(*rewritten, receipts);
}

TEST_F(DbRepairTest, WithoutAnyCompleteStateNothingIsWritten) {
    std::vector<Bytes> nodes;
    ASSERT_TRUE(chain_.db
                    ->for_each(storage::Column::kTrieNodes, {}, {},
                               [&nodes](ByteView key, ByteView) {
                                   nodes.push_back(to_bytes(key));
                                   return true;
                               })
                    .has_value());
    storage::WriteBatch batch;
    for (const auto& key : nodes)
        batch.erase(storage::Column::kTrieNodes, key);
    batch.erase(storage::Column::kReceipts, chain_.hashes[3]);
    ASSERT_TRUE(chain_.db->write(batch, false).has_value());
    auto repaired = repair_database(*chain_.db, chain_.spec);
    ASSERT_FALSE(repaired.has_value());
    EXPECT_EQ(repaired.error().message.rfind("no block has a complete, known state to replay "
                                             "from (last tried block 0: account trie: node ",
                                             0),
              0U)
        << repaired.error().message;
    EXPECT_EQ(**storage::ChainStore{*chain_.db}.head(), chain_.hashes[3]);
}

TEST_F(DbRepairTest, AnotherChainSpecIsRefused) {
    auto repaired = repair_database(*chain_.db, *builtin_chain_spec("testnet"));
    ASSERT_FALSE(repaired.has_value());
    EXPECT_NE(repaired.error().message.find("is not the chain spec's"), std::string::npos);
}

TEST_F(DbRepairTest, TheRepairedChainKeepsGrowing) {
    erase(storage::Column::kReceipts, chain_.hashes[3]);
    (void)repair();
    test::extend_chain(chain_, 2);
    expect_consistent_at(4);
}

}  // namespace
}  // namespace qtm::chain
