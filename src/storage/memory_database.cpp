// The in-memory Database: one ordered map per column, copied for snapshots. For tests and
// tools; the semantics (atomic batches, frozen snapshots, ordered iteration) match RocksDB.
#include <array>
#include <map>
#include <mutex>

#include "storage/database.hpp"

namespace qtm::storage {
namespace {

struct BytesLess {
    using is_transparent = void;
    bool operator()(ByteView a, ByteView b) const noexcept {
        return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
    }
};
using Table = std::map<Bytes, Bytes, BytesLess>;
using Tables = std::array<Table, kColumnCount>;

Result<void, StorageError> scan(const Table& table, ByteView from, ByteView until,
                                const Visitor& visitor) {
    for (auto it = table.lower_bound(from); it != table.end(); ++it) {
        if (!until.empty() && !BytesLess{}(it->first, until)) break;
        if (!visitor(it->first, it->second)) break;
    }
    return {};
}

class MemorySnapshot : public ReadView {
public:
    explicit MemorySnapshot(Tables tables) : tables_{std::move(tables)} {}
    Result<std::optional<Bytes>, StorageError> get(Column column, ByteView key) const override {
        const Table& table = tables_[static_cast<std::size_t>(column)];
        const auto it = table.find(key);
        if (it == table.end()) return std::optional<Bytes>{};
        return std::optional<Bytes>{it->second};
    }
    Result<void, StorageError> for_each(Column column, ByteView from, ByteView until,
                                        const Visitor& visitor) const override {
        return scan(tables_[static_cast<std::size_t>(column)], from, until, visitor);
    }

private:
    Tables tables_;
};

class MemoryDatabase : public Database {
public:
    Result<std::optional<Bytes>, StorageError> get(Column column, ByteView key) const override {
        const std::lock_guard lock{mutex_};
        const Table& table = tables_[static_cast<std::size_t>(column)];
        const auto it = table.find(key);
        if (it == table.end()) return std::optional<Bytes>{};
        return std::optional<Bytes>{it->second};
    }
    Result<void, StorageError> for_each(Column column, ByteView from, ByteView until,
                                        const Visitor& visitor) const override {
        // Iterate a copy so that the visitor may write to the database.
        MemorySnapshot view{copy()};
        return view.for_each(column, from, until, visitor);
    }
    Result<void, StorageError> write(const WriteBatch& batch, bool /*sync*/) override {
        const std::lock_guard lock{mutex_};
        for (const auto& entry : batch.entries()) {
            Table& table = tables_[static_cast<std::size_t>(entry.column)];
            if (entry.value) {
                table.insert_or_assign(entry.key, *entry.value);
            } else {
                table.erase(entry.key);
            }
        }
        return {};
    }
    std::unique_ptr<ReadView> snapshot() const override {
        return std::make_unique<MemorySnapshot>(copy());
    }
    Result<void, StorageError> checkpoint(const std::string& destination) const override {
        return unexpected(
            StorageError{StorageErrorKind::kInternal,
                         "an in-memory database cannot be checkpointed to " + destination});
    }

private:
    Tables copy() const {
        const std::lock_guard lock{mutex_};
        return tables_;
    }

    mutable std::mutex mutex_;
    Tables tables_;
};

}  // namespace

std::unique_ptr<Database> make_memory_database() {
    return std::make_unique<MemoryDatabase>();
}

}  // namespace qtm::storage
