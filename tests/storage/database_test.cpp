// The Database contract, run against both implementations (RocksDB and in-memory): atomic
// batches, snapshots, ordered bounded iteration, deletes, independent columns.
#include <gtest/gtest.h>

#include "storage/database.hpp"
#include "storage_support.hpp"

namespace qtm::storage {
namespace {

struct MemoryFactory {
    std::unique_ptr<Database> open() { return make_memory_database(); }
};
struct RocksFactory {
    TemporaryDirectory directory;
    std::unique_ptr<Database> open() {
        auto database = open_rocksdb(directory.db());
        EXPECT_TRUE(database.has_value()) << database.error().message;
        return std::move(*database);
    }
};

template <class Factory>
class DatabaseContract : public ::testing::Test {
protected:
    Factory factory_;
};
using Factories = ::testing::Types<MemoryFactory, RocksFactory>;
TYPED_TEST_SUITE(DatabaseContract, Factories);

Bytes b(std::string_view text) {
    return to_bytes(as_bytes(text));
}

TYPED_TEST(DatabaseContract, BatchIsAppliedWhole) {
    auto db = this->factory_.open();
    WriteBatch batch;
    batch.put(Column::kHeaders, b("h1"), b("header"));
    batch.put(Column::kBodies, b("h1"), b("body"));
    batch.put(Column::kMetadata, b("head"), b("h1"));
    EXPECT_FALSE(db->get(Column::kHeaders, b("h1"))->has_value());  // not before the write
    ASSERT_TRUE(db->write(batch, /*sync=*/true).has_value());
    EXPECT_EQ(**db->get(Column::kHeaders, b("h1")), b("header"));
    EXPECT_EQ(**db->get(Column::kBodies, b("h1")), b("body"));
    EXPECT_EQ(**db->get(Column::kMetadata, b("head")), b("h1"));
}

TYPED_TEST(DatabaseContract, ColumnsAreIndependentAndDeletesWork) {
    auto db = this->factory_.open();
    WriteBatch batch;
    batch.put(Column::kCode, b("k"), b("code"));
    ASSERT_TRUE(db->write(batch, false).has_value());
    EXPECT_FALSE(db->get(Column::kTrieNodes, b("k"))->has_value());
    WriteBatch erase;
    erase.erase(Column::kCode, b("k"));
    erase.erase(Column::kCode, b("never written"));
    ASSERT_TRUE(db->write(erase, false).has_value());
    EXPECT_FALSE(db->get(Column::kCode, b("k"))->has_value());
    // Later entries of one batch win.
    WriteBatch overwrite;
    overwrite.put(Column::kCode, b("k"), b("1"));
    overwrite.put(Column::kCode, b("k"), b("2"));
    ASSERT_TRUE(db->write(overwrite, false).has_value());
    EXPECT_EQ(**db->get(Column::kCode, b("k")), b("2"));
}

TYPED_TEST(DatabaseContract, SnapshotsDoNotSeeLaterWrites) {
    auto db = this->factory_.open();
    WriteBatch first;
    first.put(Column::kFlatAccounts, b("a"), b("1"));
    ASSERT_TRUE(db->write(first, false).has_value());
    const auto snapshot = db->snapshot();
    WriteBatch second;
    second.put(Column::kFlatAccounts, b("a"), b("2"));
    second.put(Column::kFlatAccounts, b("b"), b("3"));
    ASSERT_TRUE(db->write(second, false).has_value());
    EXPECT_EQ(**snapshot->get(Column::kFlatAccounts, b("a")), b("1"));
    EXPECT_FALSE(snapshot->get(Column::kFlatAccounts, b("b"))->has_value());
    int seen = 0;
    ASSERT_TRUE(snapshot->for_each(Column::kFlatAccounts, {}, {}, [&](ByteView, ByteView) {
        ++seen;
        return true;
    }));
    EXPECT_EQ(seen, 1);
    EXPECT_EQ(**db->get(Column::kFlatAccounts, b("a")), b("2"));
}

TYPED_TEST(DatabaseContract, IterationIsOrderedAndBounded) {
    auto db = this->factory_.open();
    WriteBatch batch;
    for (const char* key : {"b2", "a1", "b1", "c", "b\xff", "b"}) {
        batch.put(Column::kFlatStorage, b(key), b("v"));
    }
    ASSERT_TRUE(db->write(batch, false).has_value());
    std::vector<std::string> keys;
    const Bytes prefix = b("b");
    ASSERT_TRUE(
        db->for_each(Column::kFlatStorage, prefix, prefix_end(prefix), [&](ByteView key, ByteView) {
            keys.emplace_back(key.begin(), key.end());
            return true;
        }));
    EXPECT_EQ(keys, (std::vector<std::string>{"b", "b1", "b2", "b\xff"}));
    keys.clear();
    ASSERT_TRUE(db->for_each(Column::kFlatStorage, {}, {}, [&](ByteView key, ByteView) {
        keys.emplace_back(key.begin(), key.end());
        return keys.size() < 2;  // stop early
    }));
    EXPECT_EQ(keys, (std::vector<std::string>{"a1", "b"}));
    EXPECT_TRUE(prefix_end(Bytes{0xff, 0xff}).empty());
    EXPECT_EQ(prefix_end(Bytes{0x01, 0xff}), (Bytes{0x02}));
}

TYPED_TEST(DatabaseContract, LargeValuesRoundTrip) {
    auto db = this->factory_.open();
    Bytes large(4 << 20);
    for (std::size_t i = 0; i < large.size(); ++i)
        large[i] = static_cast<std::uint8_t>(i * 7);
    WriteBatch batch;
    batch.put(Column::kBodies, b("big"), large);
    ASSERT_TRUE(db->write(batch, true).has_value());
    EXPECT_EQ(**db->get(Column::kBodies, b("big")), large);
}

}  // namespace
}  // namespace qtm::storage
