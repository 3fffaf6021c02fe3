// Incremental backups (storage/backup.hpp) of a real RocksDB database: the second backup
// copies only what was written since the first, each is described by what its copy held,
// any of them restores to exactly its moment, and bad requests are typed errors.
#include "storage/backup.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "storage/database.hpp"
#include "storage_support.hpp"

namespace qtm::storage {
namespace {

Bytes b(const std::string& text) {
    return Bytes(text.begin(), text.end());
}

void put_range(Database& db, int from, int to) {
    WriteBatch batch;
    for (int i = from; i < to; ++i) {
        batch.put(Column::kCode, b("key-" + std::to_string(i)),
                  Bytes(512, static_cast<std::uint8_t>(i)));
    }
    ASSERT_TRUE(db.write(batch, true).has_value());
}

std::size_t count(const ReadView& view) {
    std::size_t n = 0;
    EXPECT_TRUE(view.for_each(Column::kCode, {}, {},
                              [&n](ByteView, ByteView) {
                                  ++n;
                                  return true;
                              })
                    .has_value());
    return n;
}

TEST(IncrementalBackup, CopiesOnlyWhatIsNewAndRestoresEachMoment) {
    TemporaryDirectory directory;
    auto db = *open_rocksdb(directory.db());
    const std::string backups =
        (std::filesystem::path{directory.db()}.parent_path() / "backups").string();
    const auto describe = [](const ReadView& copy) -> Result<std::string, std::string> {
        return std::to_string(count(copy)) + " keys";
    };
    put_range(*db, 0, 2000);
    auto first = db->backup_incremental(backups, describe);
    ASSERT_TRUE(first.has_value()) << first.error().message;
    EXPECT_EQ(first->record.description, "2000 keys");
    EXPECT_EQ(first->backups, 1U);
    EXPECT_GT(first->bytes_added, 0U);
    EXPECT_GE(first->bytes_added, first->record.size_bytes);  // the first copies everything
    EXPECT_TRUE(is_backup_directory(backups));
    EXPECT_FALSE(std::filesystem::exists(std::filesystem::path{backups} / "staging.tmp"));

    put_range(*db, 2000, 2100);
    auto second = db->backup_incremental(backups, describe);
    ASSERT_TRUE(second.has_value()) << second.error().message;
    EXPECT_EQ(second->record.description, "2100 keys");
    EXPECT_EQ(second->backups, 2U);
    EXPECT_GT(second->record.id, first->record.id);
    // The first backup's table file is shared, not copied again.
    EXPECT_LT(second->bytes_added, first->bytes_added / 2);
    EXPECT_GT(second->record.size_bytes, first->record.size_bytes);

    auto listed = list_backups(backups);
    ASSERT_TRUE(listed.has_value()) << listed.error().message;
    ASSERT_EQ(listed->size(), 2U);
    EXPECT_EQ((*listed)[0].description, "2000 keys");
    EXPECT_EQ((*listed)[1].description, "2100 keys");

    put_range(*db, 2100, 2200);  // after both backups: in neither
    const auto root = std::filesystem::path{backups}.parent_path();
    auto old = restore_backup(backups, first->record.id, (root / "old").string());
    ASSERT_TRUE(old.has_value()) << old.error().message;
    EXPECT_EQ(old->id, first->record.id);
    auto latest = restore_backup(backups, std::nullopt, (root / "latest").string());
    ASSERT_TRUE(latest.has_value()) << latest.error().message;
    EXPECT_EQ(latest->id, second->record.id);
    EXPECT_EQ(count(**open_rocksdb((root / "old").string(), {.create_if_missing = false})), 2000U);
    EXPECT_EQ(count(**open_rocksdb((root / "latest").string(), {.create_if_missing = false})),
              2100U);

    auto missing = restore_backup(backups, 99, (root / "none").string());
    ASSERT_FALSE(missing.has_value());
    EXPECT_NE(missing.error().message.find("has no backup 99 (it has 1, 2)"), std::string::npos)
        << missing.error().message;

    // Keeping the newest: the first goes, the second still restores whole.
    EXPECT_FALSE(purge_backups(backups, 0).has_value());
    auto purged = purge_backups(backups, 1);
    ASSERT_TRUE(purged.has_value()) << purged.error().message;
    EXPECT_EQ(*purged, 1U);
    auto left = list_backups(backups);
    ASSERT_TRUE(left.has_value());
    ASSERT_EQ(left->size(), 1U);
    EXPECT_EQ((*left)[0].id, second->record.id);
    auto again = restore_backup(backups, std::nullopt, (root / "again").string());
    ASSERT_TRUE(again.has_value()) << again.error().message;
    EXPECT_EQ(count(**open_rocksdb((root / "again").string(), {.create_if_missing = false})),
              2100U);
    EXPECT_EQ(*purge_backups(backups, 5), 0U);
}

TEST(IncrementalBackup, AnUnusableCopyOrANonBackupDirectoryIsRefused) {
    TemporaryDirectory directory;
    auto db = *open_rocksdb(directory.db());
    put_range(*db, 0, 10);
    const auto root = std::filesystem::path{directory.db()}.parent_path();
    const std::string backups = (root / "backups").string();
    auto refused =
        db->backup_incremental(backups, [](const ReadView&) -> Result<std::string, std::string> {
            return unexpected(std::string{"no head"});
        });
    ASSERT_FALSE(refused.has_value());
    EXPECT_NE(refused.error().message.find("no head"), std::string::npos);
    auto none = list_backups(backups);
    EXPECT_TRUE(!none.has_value() || none->empty());

    EXPECT_FALSE(is_backup_directory(directory.db()));
    auto not_backups = list_backups(directory.db());
    ASSERT_FALSE(not_backups.has_value());
    EXPECT_NE(not_backups.error().message.find("is not a backup directory"), std::string::npos);

    auto memory = make_memory_database()->backup_incremental(
        backups, [](const ReadView&) -> Result<std::string, std::string> { return std::string{}; });
    EXPECT_FALSE(memory.has_value());
}

}  // namespace
}  // namespace qtm::storage
