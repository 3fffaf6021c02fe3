// The schema version stamp: a new database is stamped, an unstamped one written by a node
// (version 0) is migrated in one step, a newer one is refused naming both versions, and a
// damaged stamp is reported as damage. On both implementations, and across a RocksDB reopen.
#include "storage/schema.hpp"

#include <gtest/gtest.h>

#include "base/endian.hpp"
#include "storage/chain_store.hpp"
#include "storage_support.hpp"

namespace qtm::storage {
namespace {

void stamp(Database& db, ByteView value) {
    WriteBatch batch;
    batch.put(Column::kMetadata, as_bytes(std::string_view{"schema_version"}), value);
    ASSERT_TRUE(db.write(batch, false).has_value());
}

// What a node wrote before versioning: a block and the head pointer, no stamp.
void write_unversioned_chain(Database& db) {
    StoredBlock block;
    block.hash.fill(0x11);
    block.header = {0xc0};
    ASSERT_TRUE(ChainStore{db}.save_block(block).has_value());
}

TEST(Schema, ANewDatabaseIsStampedWithTheCurrentVersion) {
    auto db = make_memory_database();
    auto opened = open_schema(*db, "mem");
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    EXPECT_TRUE(opened->created);
    EXPECT_FALSE(opened->migrated);
    EXPECT_EQ(*load_schema_version(*db), kSchemaVersion);
    // Opening again changes nothing.
    auto again = open_schema(*db, "mem");
    ASSERT_TRUE(again.has_value());
    EXPECT_FALSE(again->created);
    EXPECT_FALSE(again->migrated);
    EXPECT_EQ(again->found, kSchemaVersion);
}

TEST(Schema, AnUnstampedDatabaseIsMigratedKeepingItsData) {
    auto db = make_memory_database();
    write_unversioned_chain(*db);
    EXPECT_EQ(*load_schema_version(*db), std::nullopt);
    auto opened = open_schema(*db, "mem");
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    EXPECT_TRUE(opened->migrated);
    EXPECT_FALSE(opened->created);
    EXPECT_EQ(opened->found, 0U);
    EXPECT_EQ(*load_schema_version(*db), kSchemaVersion);
    Hash32 hash;
    hash.fill(0x11);
    EXPECT_EQ(**ChainStore{*db}.head(), hash);
}

TEST(Schema, ANewerVersionIsRefusedNamingBothVersions) {
    auto db = make_memory_database();
    write_unversioned_chain(*db);
    std::uint8_t value[4];
    store_be32(value, kSchemaVersion + 1);
    stamp(*db, ByteView{value, 4});
    auto opened = open_schema(*db, "/data/qtm");
    ASSERT_FALSE(opened.has_value());
    EXPECT_EQ(opened.error().kind, StorageErrorKind::kSchema);
    EXPECT_EQ(opened.error().message,
              "database at /data/qtm has schema version " + std::to_string(kSchemaVersion + 1) +
                  ", newer than version " + std::to_string(kSchemaVersion) +
                  " that this program reads; use the release that wrote it (or a newer one)");
    // Refusing wrote nothing.
    EXPECT_EQ(*load_schema_version(*db), kSchemaVersion + 1);
}

TEST(Schema, ADamagedStampIsCorruption) {
    auto db = make_memory_database();
    const std::uint8_t value[3] = {0, 0, 1};
    stamp(*db, ByteView{value, 3});
    auto opened = open_schema(*db, "mem");
    ASSERT_FALSE(opened.has_value());
    EXPECT_EQ(opened.error().kind, StorageErrorKind::kCorrupt);
    EXPECT_EQ(opened.error().message,
              "the schema version record is 3 bytes, not 4; the database is damaged");
}

TEST(Schema, TheStampSurvivesAReopenAndReadOnlyOpensRead) {
    TemporaryDirectory directory;
    {
        auto db = *open_rocksdb(directory.db());
        write_unversioned_chain(*db);
        ASSERT_TRUE(open_schema(*db, directory.db()).has_value());
    }
    OpenOptions options;
    options.create_if_missing = false;
    options.read_only = true;
    auto db = open_rocksdb(directory.db(), options);
    ASSERT_TRUE(db.has_value()) << db.error().message;
    EXPECT_EQ(*load_schema_version(**db), kSchemaVersion);
    // A read-only open refuses writes with an error, not a crash.
    WriteBatch batch;
    batch.put(Column::kCode, as_bytes(std::string_view{"k"}), as_bytes(std::string_view{"v"}));
    EXPECT_FALSE((*db)->write(batch, false).has_value());
}

}  // namespace
}  // namespace qtm::storage
