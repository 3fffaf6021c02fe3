// `qtm db check`'s logic on a real chain, then on databases damaged on purpose: each kind of
// damage must be found and named precisely (where and what).
#include "chain/db_check.hpp"

#include <gtest/gtest.h>

#include "base/endian.hpp"
#include "base/hex.hpp"
#include "chain/stored_block.hpp"
#include "chain_db_support.hpp"
#include "crypto/keccak.hpp"
#include "state/account.hpp"
#include "storage/chain_store.hpp"
#include "storage/schema.hpp"
#include "storage/state_store.hpp"

namespace qtm::chain {
namespace {

// The storage slots `qtm db check` counts in a database holding only `spec`'s genesis.
std::uint64_t genesis_storage_slots(const ChainSpec& spec) {
    auto db = storage::make_memory_database();
    storage::WriteBatch batch;
    auto genesis = build_genesis(spec, *db, batch);
    EXPECT_TRUE(genesis.has_value());
    if (!genesis) return 0;
    storage::ChainStore::add_block(batch, stored_empty_block(genesis->block.header));
    EXPECT_TRUE(db->write(batch, false).has_value());
    const CheckReport report = check_database(*db);
    EXPECT_TRUE(report.ok());
    EXPECT_GT(report.storage_slots, 0U);  // the dev validator's registration
    return report.storage_slots;
}

class DbCheckTest : public ::testing::Test {
protected:
    test::ChainDb chain_ = test::make_chain_db();

    void put(storage::Column column, ByteView key, ByteView value) {
        storage::WriteBatch batch;
        batch.put(column, key, value);
        ASSERT_TRUE(chain_.db->write(batch, false).has_value());
    }
    void erase(storage::Column column, ByteView key) {
        storage::WriteBatch batch;
        batch.erase(column, key);
        ASSERT_TRUE(chain_.db->write(batch, false).has_value());
    }
    std::string block(std::size_t number) const {
        return "block " + std::to_string(number) + " (" + to_hex(chain_.hashes.at(number)) + ")";
    }
    state::Account flat_account(const Address& address) const {
        auto stored = chain_.db->get(storage::Column::kFlatAccounts, address);
        EXPECT_TRUE(stored && *stored);
        return *state::decode_account(**stored);
    }

    // The report must list exactly one issue with this place and text, among any others.
    static void expect_issue(const CheckReport& report, const std::string& where,
                             const std::string& what) {
        for (const auto& issue : report.issues) {
            if (issue.where == where && issue.what == what) return;
        }
        std::string listed;
        for (const auto& issue : report.issues)
            listed += "\n  " + issue.where + ": " + issue.what;
        ADD_FAILURE() << "missing issue " << where << ": " << what << "\nreported:" << listed;
    }
};

TEST_F(DbCheckTest, AnIntactChainPassesWithExactCounts) {
    std::vector<std::string> stages;
    CheckOptions options;
    options.progress_every = 1;
    options.progress = [&stages](const CheckProgress& progress) {
        if (stages.empty() || stages.back() != progress.stage) {
            stages.emplace_back(progress.stage);
        }
    };
    const CheckReport report = check_database(*chain_.db, options);
    for (const auto& issue : report.issues)
        ADD_FAILURE() << issue.where << ": " << issue.what;
    EXPECT_TRUE(report.ok());
    EXPECT_EQ(report.schema_version, storage::kSchemaVersion);
    EXPECT_EQ(report.head_number, 3U);
    EXPECT_EQ(report.head_hash, chain_.hashes.back());
    EXPECT_EQ(report.head_state_root, chain_.headers.back().state_root);
    EXPECT_EQ(report.blocks, 4U);
    EXPECT_EQ(report.transactions, 3U);
    // The contract's slot 0 on top of what genesis writes (the staking contract's
    // registration of the dev validator), counted on a database holding genesis alone.
    EXPECT_EQ(report.storage_slots, genesis_storage_slots(chain_.spec) + 1U);
    EXPECT_GT(report.accounts, 10U);  // dev accounts, staking, recipient, contract
    EXPECT_GT(report.trie_nodes, 0U);
    // The contract's code and the two senders' registered keys at least.
    EXPECT_GE(report.code_entries, 3U);
    ASSERT_FALSE(stages.empty());
    EXPECT_EQ(stages.front(), "blocks");
}

TEST_F(DbCheckTest, AMissingReceiptIsNamedWithItsBlock) {
    erase(storage::Column::kReceipts, chain_.hashes[2]);
    const CheckReport report = check_database(*chain_.db);
    EXPECT_FALSE(report.ok());
    ASSERT_EQ(report.issue_count(), 1U);
    expect_issue(report, block(2), "receipts missing from the receipts column");
}

TEST_F(DbCheckTest, AMissingBodyAndHeaderAreNamed) {
    erase(storage::Column::kBodies, chain_.hashes[1]);
    erase(storage::Column::kHeaders, chain_.hashes[2]);
    const CheckReport report = check_database(*chain_.db);
    expect_issue(report, block(1), "body missing from the bodies column");
    expect_issue(report, block(2), "header missing from the headers column");
}

TEST_F(DbCheckTest, AHeadPointingPastTheBlocksIsFound) {
    // The head names a block whose records were never written.
    Hash32 ghost{};
    ghost.fill(0x4d);
    storage::WriteBatch batch;
    storage::ChainStore::add_head(batch, ghost);
    ASSERT_TRUE(chain_.db->write(batch, false).has_value());
    const CheckReport report = check_database(*chain_.db);
    EXPECT_FALSE(report.head_number.has_value());
    expect_issue(report, "head " + to_hex(ghost), "header missing from the headers column");
}

TEST_F(DbCheckTest, ACanonicalIndexEndingBelowTheHeadIsFound) {
    erase(storage::Column::kCanonical, storage::number_key(3));
    const CheckReport report = check_database(*chain_.db);
    ASSERT_EQ(report.issue_count(), 1U);
    expect_issue(report, "canonical index", "ends at block 2, but the head is at block 3");
}

TEST_F(DbCheckTest, AGapInTheCanonicalIndexIsFound) {
    erase(storage::Column::kCanonical, storage::number_key(1));
    const CheckReport report = check_database(*chain_.db);
    expect_issue(report, "canonical index", "no entries for blocks 1 to 1");
    // Block 1's transactions are no longer canonical, so their lookups are stale.
    expect_issue(report, "transaction lookup " + to_hex(chain_.txn_hashes[1][0]),
                 "points at block 1 index 0, but no canonical block holds that transaction");
}

TEST_F(DbCheckTest, AnEntryAboveTheHeadIsFound) {
    put(storage::Column::kCanonical, storage::number_key(9), chain_.hashes[1]);
    const CheckReport report = check_database(*chain_.db);
    ASSERT_EQ(report.issue_count(), 1U);
    expect_issue(report, "block 9 (" + to_hex(chain_.hashes[1]) + ")",
                 "canonical entry above the head (block 3)");
}

TEST_F(DbCheckTest, ADamagedHeaderDoesNotHashToItsBlock) {
    Bytes header = encode_header(chain_.headers[2]);
    header.back() ^= 0x01;
    put(storage::Column::kHeaders, chain_.hashes[2], header);
    const CheckReport report = check_database(*chain_.db);
    expect_issue(report, block(2), "the stored header does not hash to the block hash");
}

TEST_F(DbCheckTest, MissingAndWrongTransactionLookupsAreFound) {
    const Hash32& first = chain_.txn_hashes[1][0];
    const Hash32& second = chain_.txn_hashes[1][1];
    erase(storage::Column::kTxnLookup, first);
    std::uint8_t wrong[12];
    store_be64(wrong, 2);
    store_be32(wrong + 8, 0);
    put(storage::Column::kTxnLookup, second, ByteView{wrong, sizeof wrong});
    const CheckReport report = check_database(*chain_.db);
    expect_issue(report, block(1),
                 "transaction 0 (" + to_hex(first) + ") has no transaction lookup entry");
    expect_issue(report, block(1),
                 "transaction 1 (" + to_hex(second) + "): the lookup entry says block 2 index 0");
}

TEST_F(DbCheckTest, ReceiptsThatDisagreeWithTheHeaderAreFound) {
    // Block 2's receipts stored under block 1: one receipt for two transactions.
    put(storage::Column::kReceipts, chain_.hashes[1],
        **chain_.db->get(storage::Column::kReceipts, chain_.hashes[2]));
    const CheckReport report = check_database(*chain_.db);
    expect_issue(report, block(1), "1 receipts for 2 transactions");
}

TEST_F(DbCheckTest, AMismatchedFlatBalanceIsFoundAndTheFlatRootPrinted) {
    state::Account account = flat_account(chain_.recipient);
    account.balance = account.balance + U256{1};
    put(storage::Column::kFlatAccounts, chain_.recipient, state::encode_account(account));
    const CheckReport report = check_database(*chain_.db);
    ASSERT_EQ(report.issue_count(), 2U);
    expect_issue(report, "account " + to_hex(chain_.recipient),
                 "the flat value differs from the trie's");
    EXPECT_EQ(report.issues[1].where, "head state");
    EXPECT_NE(
        report.issues[1].what.find(", the head's is " + to_hex(chain_.headers.back().state_root)),
        std::string::npos)
        << report.issues[1].what;
}

TEST_F(DbCheckTest, AFlatAccountMissingOrExtraIsFound) {
    erase(storage::Column::kFlatAccounts, chain_.recipient);
    Address stray{};
    stray.fill(0x5a);
    state::Account account;
    account.balance = U256{5};
    put(storage::Column::kFlatAccounts, stray, state::encode_account(account));
    const CheckReport report = check_database(*chain_.db);
    expect_issue(report, "account trie",
                 "holds an entry under key hash " + to_hex(crypto::keccak256(chain_.recipient)) +
                     " that the flat table lacks");
    expect_issue(report, "account " + to_hex(stray), "in the flat table but not in the trie");
}

TEST_F(DbCheckTest, AMissingTrieNodeIsFoundWithItsPath) {
    const Hash32& root = chain_.headers.back().state_root;
    erase(storage::Column::kTrieNodes, root);
    const CheckReport report = check_database(*chain_.db);
    expect_issue(report, block(3),
                 "the root node of its state (" + to_hex(root) + ") is missing from trie_nodes");
    expect_issue(report, "account trie",
                 "incomplete under root " + to_hex(root) + ": node " + to_hex(root) +
                     " at path the root is missing (the comparison with the flat table stopped "
                     "there)");
}

TEST_F(DbCheckTest, AMismatchedStorageSlotIsFound) {
    Hash32 slot{};  // slot 0
    const auto key = storage::StateStore::storage_key(chain_.contract, slot);
    ASSERT_TRUE(*chain_.db->get(storage::Column::kFlatStorage, key));
    const Bytes changed = {0x2b};
    put(storage::Column::kFlatStorage, key, changed);
    const CheckReport report = check_database(*chain_.db);
    ASSERT_EQ(report.issue_count(), 1U);
    expect_issue(report, "account " + to_hex(chain_.contract) + " slot " + to_hex(slot),
                 "the flat value differs from the trie's");
}

TEST_F(DbCheckTest, SlotsOfAnAccountWithoutARecordAreFound) {
    Address orphan{};
    orphan.fill(0x0c);
    Hash32 slot{};
    slot[31] = 7;
    const Bytes value = {0x01};
    put(storage::Column::kFlatStorage, storage::StateStore::storage_key(orphan, slot), value);
    const CheckReport report = check_database(*chain_.db);
    ASSERT_EQ(report.issue_count(), 1U);
    expect_issue(report, "account " + to_hex(orphan),
                 "1 slots in flat_storage, but no flat account record");
}

TEST_F(DbCheckTest, MissingCodeAndKeysAreFound) {
    const state::Account contract = flat_account(chain_.contract);
    const state::Account sender = flat_account(chain_.sender);
    ASSERT_TRUE(sender.key_hash.has_value());
    erase(storage::Column::kCode, contract.code_hash);
    erase(storage::Column::kCode, *sender.key_hash);
    const CheckReport report = check_database(*chain_.db);
    ASSERT_EQ(report.issue_count(), 2U);
    expect_issue(report, "account " + to_hex(chain_.contract),
                 "code " + to_hex(contract.code_hash) + " is missing from the code column");
    expect_issue(report, "account " + to_hex(chain_.sender),
                 "registered key " + to_hex(*sender.key_hash) + " is missing from the code column");
}

TEST_F(DbCheckTest, DamagedCodeIsFound) {
    const state::Account contract = flat_account(chain_.contract);
    const Bytes other = {0x00};
    put(storage::Column::kCode, contract.code_hash, other);
    const CheckReport report = check_database(*chain_.db);
    expect_issue(
        report, "account " + to_hex(chain_.contract),
        "code stored under " + to_hex(contract.code_hash) + " does not hash to it (damaged value)");
}

TEST_F(DbCheckTest, ANewerSchemaStopsTheCheck) {
    std::uint8_t version[4];
    store_be32(version, 99);
    put(storage::Column::kMetadata, as_bytes(std::string_view{"schema_version"}),
        ByteView{version, 4});
    const CheckReport report = check_database(*chain_.db);
    ASSERT_EQ(report.issue_count(), 1U);
    expect_issue(report, "metadata",
                 "schema version 99 is newer than version 1 that this program reads; nothing "
                 "else was checked");
    EXPECT_EQ(report.blocks, 0U);
}

TEST_F(DbCheckTest, ListingIsCappedAndTheRestCounted) {
    for (std::size_t n = 0; n < chain_.hashes.size(); ++n)
        erase(storage::Column::kReceipts, chain_.hashes[n]);
    CheckOptions options;
    options.max_issues = 2;
    const CheckReport report = check_database(*chain_.db, options);
    EXPECT_EQ(report.issues.size(), 2U);
    EXPECT_EQ(report.issues_not_listed, 2U);
    EXPECT_EQ(report.issue_count(), 4U);
}

}  // namespace
}  // namespace qtm::chain
