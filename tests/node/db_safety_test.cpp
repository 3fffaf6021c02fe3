// A node's start-up with databases of other schema versions and damaged databases: an
// unstamped (version 0) database is migrated, a newer one refused naming both versions,
// damage that a replay can repair is repaired before the node serves, and damage that it
// cannot is refused with both the damage and the reason.
#include <gtest/gtest.h>

#include "base/endian.hpp"
#include "chain/db_check.hpp"
#include "chain/keys.hpp"
#include "node/node.hpp"
#include "node_support.hpp"
#include "storage/chain_store.hpp"
#include "storage/schema.hpp"

namespace qtm::node {
namespace {

constexpr std::string_view kSchemaKey = "schema_version";

class DbSafetyTest : public ::testing::Test {
protected:
    test::TestDir dir_{"qtm-db-safety"};

    NodeOptions options() const {
        NodeOptions out;
        out.datadir = (dir_.path() / "data").string();
        out.spec = *chain::builtin_chain_spec("dev");
        out.block_time = std::chrono::milliseconds{1000};
        out.node_cache_bytes = 8u << 20;
        return out;
    }

    // A node that made `blocks` blocks, one with a transfer; returns the head hash.
    Hash32 make_chain(int blocks) {
        auto node = Node::open(options());
        EXPECT_TRUE(node.has_value()) << (node ? "" : node.error().message);
        const chain::AccountKey key{crypto::SignatureScheme::kMlDsa44, chain::dev_account_seed(0)};
        chain::Transaction tx;
        tx.chain_id = (*node)->spec().chain_id;
        tx.max_priority_fee_per_gas = U256{2'000'000'000};
        tx.max_fee_per_gas = U256{50'000'000'000};
        tx.gas_limit = 100'000;
        tx.to = Address{};
        tx.value = U256{5};
        chain::sign_transaction(tx, key, /*include_key=*/true);
        EXPECT_TRUE((*node)->submit_transaction(tx).has_value());
        for (int i = 0; i < blocks; ++i) {
            EXPECT_TRUE((*node)->produce_block().has_value());
        }
        return (*node)->head_hash();
    }

    template <typename Edit>
    void edit_database(const Edit& edit) {
        auto db = storage::open_rocksdb(options().datadir, {.create_if_missing = false});
        ASSERT_TRUE(db.has_value()) << db.error().message;
        storage::WriteBatch batch;
        edit(**db, batch);
        ASSERT_TRUE((*db)->write(batch, true).has_value());
    }

    chain::CheckReport check() const {
        auto db = storage::open_rocksdb(options().datadir, {.create_if_missing = false});
        EXPECT_TRUE(db.has_value());
        return chain::check_database(**db);
    }
};

TEST_F(DbSafetyTest, ANewDatabaseIsStampedAndChecksClean) {
    make_chain(2);
    const auto report = check();
    EXPECT_TRUE(report.ok());
    EXPECT_EQ(report.schema_version, storage::kSchemaVersion);
    EXPECT_EQ(report.head_number, 2U);
    EXPECT_EQ(report.transactions, 1U);
}

// Version 0 is the layout every node wrote before versioning: the same records without the
// stamp (version 1 changed nothing else), so erasing the stamp makes one.
TEST_F(DbSafetyTest, AnUnstampedDatabaseIsMigratedOnOpen) {
    const Hash32 head = make_chain(2);
    edit_database([](storage::Database&, storage::WriteBatch& batch) {
        batch.erase(storage::Column::kMetadata, as_bytes(kSchemaKey));
    });
    EXPECT_EQ(check().schema_version, std::nullopt);
    {
        auto node = Node::open(options());
        ASSERT_TRUE(node.has_value()) << node.error().message;
        EXPECT_EQ((*node)->head_hash(), head);
        EXPECT_TRUE((*node)->produce_block().has_value());
    }
    const auto report = check();
    EXPECT_TRUE(report.ok());
    EXPECT_EQ(report.schema_version, storage::kSchemaVersion);
    EXPECT_EQ(report.head_number, 3U);
}

TEST_F(DbSafetyTest, ANewerSchemaIsRefusedNamingBothVersions) {
    make_chain(1);
    edit_database([](storage::Database&, storage::WriteBatch& batch) {
        std::uint8_t value[4];
        store_be32(value, 7);
        batch.put(storage::Column::kMetadata, as_bytes(kSchemaKey), ByteView{value, 4});
    });
    auto node = Node::open(options());
    ASSERT_FALSE(node.has_value());
    EXPECT_EQ(node.error().message, "database at " + options().datadir +
                                        " has schema version 7, newer than version 1 that this "
                                        "program reads; use the release that wrote it (or a "
                                        "newer one)");
}

TEST_F(DbSafetyTest, LostHeadReceiptsAreRepairedOnStart) {
    const Hash32 head = make_chain(3);
    Bytes receipts;
    edit_database([&](storage::Database& db, storage::WriteBatch& batch) {
        receipts = **db.get(storage::Column::kReceipts, head);
        batch.erase(storage::Column::kReceipts, head);
    });
    {
        auto node = Node::open(options());
        ASSERT_TRUE(node.has_value()) << node.error().message;
        EXPECT_EQ((*node)->head_hash(), head);
    }
    auto db = *storage::open_rocksdb(options().datadir, {.create_if_missing = false});
    EXPECT_EQ(**db->get(storage::Column::kReceipts, head), receipts);
    EXPECT_TRUE(chain::check_database(*db).ok());
}

TEST_F(DbSafetyTest, DamageThatCannotBeReplayedIsRefused) {
    make_chain(2);
    edit_database([](storage::Database& db, storage::WriteBatch& batch) {
        ASSERT_TRUE(
            db.for_each(storage::Column::kTrieNodes, {}, {}, [&batch](ByteView key, ByteView) {
                  batch.erase(storage::Column::kTrieNodes, key);
                  return true;
              }).has_value());
    });
    auto node = Node::open(options());
    ASSERT_FALSE(node.has_value());
    const std::string expected = "the database in " + options().datadir +
                                 " is damaged (the state root node of head block 2 is missing) "
                                 "and cannot be repaired: no block has a complete, known state";
    EXPECT_EQ(node.error().message.rfind(expected, 0), 0U) << node.error().message;
}

}  // namespace
}  // namespace qtm::node
