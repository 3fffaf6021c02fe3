// The RocksDB Database: one column family per Column, batches as rocksdb::WriteBatch,
// snapshots as rocksdb::Snapshot. RocksDB's Status is turned into a StorageError at this
// boundary, with a message that tells the operator what to do.
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/backup_engine.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <filesystem>

#include "storage/database.hpp"

namespace qtm::storage {
namespace {

rocksdb::Slice slice(ByteView bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}
ByteView view(const rocksdb::Slice& slice) {
    return {reinterpret_cast<const std::uint8_t*>(slice.data()), slice.size()};
}

StorageError to_error(const rocksdb::Status& status, const std::string& path) {
    const std::string detail = status.ToString();
    if (status.IsIOError() && detail.find("lock") != std::string::npos) {
        return {StorageErrorKind::kLocked, "database at " + path +
                                               " is locked by another process (is another "
                                               "qtmd running with this --datadir?): " +
                                               detail};
    }
    if (status.IsInvalidArgument() && detail.find("does not exist") != std::string::npos) {
        return {StorageErrorKind::kMissing,
                "database at " + path +
                    " does not exist (point --datadir at an existing node, or let it create "
                    "one)"};
    }
    if (status.IsCorruption()) {
        return {StorageErrorKind::kCorrupt, "database at " + path + " is corrupt: " + detail +
                                                "; restore it from a backup or resync"};
    }
    if (status.IsIOError()) {
        return {StorageErrorKind::kIo,
                "database at " + path + ": I/O error (disk full? permissions?): " + detail};
    }
    return {StorageErrorKind::kInternal, "database at " + path + ": " + detail};
}

Result<void, StorageError> scan(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* handle,
                                const rocksdb::Snapshot* snapshot, ByteView from, ByteView until,
                                const Visitor& visitor, const std::string& path) {
    rocksdb::ReadOptions options;
    options.snapshot = snapshot;
    const rocksdb::Slice upper = slice(until);
    if (!until.empty()) options.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it{db->NewIterator(options, handle)};
    for (it->Seek(slice(from)); it->Valid(); it->Next()) {
        if (!visitor(view(it->key()), view(it->value()))) break;
    }
    if (!it->status().ok()) return unexpected(to_error(it->status(), path));
    return {};
}

Result<std::optional<Bytes>, StorageError> read(rocksdb::DB* db,
                                                rocksdb::ColumnFamilyHandle* handle,
                                                const rocksdb::Snapshot* snapshot, ByteView key,
                                                const std::string& path) {
    rocksdb::ReadOptions options;
    options.snapshot = snapshot;
    rocksdb::PinnableSlice value;
    const rocksdb::Status status = db->Get(options, handle, slice(key), &value);
    if (status.IsNotFound()) return std::optional<Bytes>{};
    if (!status.ok()) return unexpected(to_error(status, path));
    const ByteView bytes = view(value);
    return std::optional<Bytes>{Bytes(bytes.begin(), bytes.end())};
}

class RocksSnapshot : public ReadView {
public:
    RocksSnapshot(std::shared_ptr<rocksdb::DB> db,
                  std::vector<rocksdb::ColumnFamilyHandle*> handles, std::string path)
        : db_{std::move(db)},
          handles_{std::move(handles)},
          path_{std::move(path)},
          snapshot_{db_->GetSnapshot()} {}
    ~RocksSnapshot() override { db_->ReleaseSnapshot(snapshot_); }
    RocksSnapshot(const RocksSnapshot&) = delete;
    RocksSnapshot& operator=(const RocksSnapshot&) = delete;

    Result<std::optional<Bytes>, StorageError> get(Column column, ByteView key) const override {
        return read(db_.get(), handles_[static_cast<std::size_t>(column)], snapshot_, key, path_);
    }
    Result<void, StorageError> for_each(Column column, ByteView from, ByteView until,
                                        const Visitor& visitor) const override {
        return scan(db_.get(), handles_[static_cast<std::size_t>(column)], snapshot_, from, until,
                    visitor, path_);
    }

private:
    std::shared_ptr<rocksdb::DB> db_;  // keeps the database open while the snapshot lives
    std::vector<rocksdb::ColumnFamilyHandle*> handles_;
    std::string path_;
    const rocksdb::Snapshot* snapshot_;
};

class RocksDatabase : public Database {
public:
    RocksDatabase(std::shared_ptr<rocksdb::DB> db,
                  std::vector<rocksdb::ColumnFamilyHandle*> handles, std::string path)
        : db_{std::move(db)}, handles_{std::move(handles)}, path_{std::move(path)} {}

    Result<std::optional<Bytes>, StorageError> get(Column column, ByteView key) const override {
        return read(db_.get(), handle(column), nullptr, key, path_);
    }
    Result<void, StorageError> for_each(Column column, ByteView from, ByteView until,
                                        const Visitor& visitor) const override {
        return scan(db_.get(), handle(column), nullptr, from, until, visitor, path_);
    }
    Result<void, StorageError> write(const WriteBatch& batch, bool sync) override {
        rocksdb::WriteBatch rocks_batch;
        for (const auto& entry : batch.entries()) {
            const rocksdb::Status status =
                entry.value
                    ? rocks_batch.Put(handle(entry.column), slice(entry.key), slice(*entry.value))
                    : rocks_batch.Delete(handle(entry.column), slice(entry.key));
            if (!status.ok()) return unexpected(to_error(status, path_));
        }
        rocksdb::WriteOptions options;
        options.sync = sync;
        const rocksdb::Status status = db_->Write(options, &rocks_batch);
        if (!status.ok()) return unexpected(to_error(status, path_));
        return {};
    }
    std::unique_ptr<ReadView> snapshot() const override {
        return std::make_unique<RocksSnapshot>(db_, handles_, path_);
    }
    DatabaseStats stats() const override {
        DatabaseStats stats;
        const auto add = [this](rocksdb::ColumnFamilyHandle* column, const std::string& name,
                                std::uint64_t& total) {
            std::uint64_t value = 0;
            if (db_->GetIntProperty(column, name, &value)) total += value;
        };
        for (auto* column : handles_) {
            add(column, rocksdb::DB::Properties::kTotalSstFilesSize, stats.sst_bytes);
            add(column, rocksdb::DB::Properties::kSizeAllMemTables, stats.memtable_bytes);
            add(column, rocksdb::DB::Properties::kEstimatePendingCompactionBytes,
                stats.pending_compaction_bytes);
        }
        return stats;
    }

    Result<void, StorageError> checkpoint(const std::string& destination) const override {
        rocksdb::Checkpoint* raw = nullptr;
        rocksdb::Status status = rocksdb::Checkpoint::Create(db_.get(), &raw);
        if (!status.ok()) return unexpected(to_error(status, path_));
        const std::unique_ptr<rocksdb::Checkpoint> checkpoint{raw};
        // Memtables are flushed first (log_size_for_flush 0), so the copy holds every
        // committed batch in table files; batches are atomic, so it holds whole blocks.
        status = checkpoint->CreateCheckpoint(destination, /*log_size_for_flush=*/0);
        if (!status.ok()) {
            StorageError error = to_error(status, path_);
            error.message = "checkpoint of " + path_ + " into " + destination + ": " +
                            status.ToString() +
                            " (the destination must not exist yet, and its parent must be "
                            "writable)";
            return unexpected(error);
        }
        return {};
    }

    Result<IncrementalBackup, StorageError> backup_incremental(
        const std::string& backup_dir, const BackupDescriber& describe) const override;

    [[nodiscard]] rocksdb::DB* raw() const noexcept { return db_.get(); }

    Result<void, StorageError> compact(Column column) override {
        rocksdb::CompactRangeOptions options;
        options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
        const rocksdb::Status status = db_->CompactRange(options, handle(column), nullptr, nullptr);
        if (!status.ok()) return unexpected(to_error(status, path_));
        return {};
    }

private:
    rocksdb::ColumnFamilyHandle* handle(Column column) const {
        return handles_[static_cast<std::size_t>(column)];
    }

    std::shared_ptr<rocksdb::DB> db_;
    std::vector<rocksdb::ColumnFamilyHandle*> handles_;
    std::string path_;
};

std::uint64_t backup_files_bytes(const std::filesystem::path& backup_dir) {
    std::uint64_t total = 0;
    std::error_code error;
    for (const char* part : {"shared", "shared_checksum", "private"}) {
        const auto dir = backup_dir / part;
        if (!std::filesystem::exists(dir, error)) continue;
        for (const auto& entry : std::filesystem::recursive_directory_iterator{dir, error}) {
            if (entry.is_regular_file(error)) total += entry.file_size(error);
        }
    }
    return total;
}

Result<IncrementalBackup, StorageError> RocksDatabase::backup_incremental(
    const std::string& backup_dir, const BackupDescriber& describe) const {
    namespace fs = std::filesystem;
    const auto failed = [&backup_dir](const std::string& what) {
        return unexpected(
            StorageError{StorageErrorKind::kIo, "backup into " + backup_dir + ": " + what});
    };
    std::error_code error;
    fs::create_directories(backup_dir, error);
    if (error) return failed(error.message());
    const fs::path staging = fs::path{backup_dir} / "staging.tmp";
    fs::remove_all(staging, error);
    if (auto made = checkpoint(staging.string()); !made) return unexpected(made.error());
    const auto cleanup = [&staging] {
        std::error_code ignored;
        fs::remove_all(staging, ignored);
    };
    IncrementalBackup result;
    {
        OpenOptions options;
        options.create_if_missing = false;
        options.block_cache_bytes = 8U << 20;
        auto copy = open_rocksdb(staging.string(), options);
        if (!copy) {
            cleanup();
            return unexpected(copy.error());
        }
        auto description = describe(**copy);
        if (!description) {
            copy->reset();
            cleanup();
            return failed(description.error());
        }
        rocksdb::BackupEngine* raw_engine = nullptr;
        rocksdb::BackupEngineOptions engine_options{backup_dir};
        engine_options.sync = true;
        rocksdb::IOStatus status =
            rocksdb::BackupEngine::Open(engine_options, rocksdb::Env::Default(), &raw_engine);
        if (!status.ok()) {
            copy->reset();
            cleanup();
            return failed(status.ToString());
        }
        const std::unique_ptr<rocksdb::BackupEngine> engine{raw_engine};
        const std::uint64_t before = backup_files_bytes(backup_dir);
        rocksdb::CreateBackupOptions create;
        create.flush_before_backup = false;  // the checkpoint has flushed everything
        rocksdb::BackupID id = 0;
        status = engine->CreateNewBackupWithMetadata(
            create, static_cast<const RocksDatabase&>(**copy).raw(), *description, &id);
        copy->reset();
        cleanup();
        if (!status.ok()) return failed(status.ToString());
        rocksdb::BackupInfo info;
        if (const auto found = engine->GetBackupInfo(id, &info); !found.ok()) {
            return failed(found.ToString());
        }
        std::vector<rocksdb::BackupInfo> all;
        engine->GetBackupInfo(&all);
        result.record = BackupRecord{info.backup_id, info.timestamp, info.size, info.number_files,
                                     info.app_metadata};
        const std::uint64_t after = backup_files_bytes(backup_dir);
        result.bytes_added = after > before ? after - before : 0;
        result.backups = all.size();
    }
    return result;
}

}  // namespace

Result<std::unique_ptr<Database>, StorageError> open_rocksdb(const std::string& path,
                                                             OpenOptions open_options) {
    // A read-only open of a missing directory fails with a bare I/O error; say what it is.
    if (!open_options.create_if_missing && !std::filesystem::exists(path + "/CURRENT")) {
        return unexpected(StorageError{StorageErrorKind::kMissing,
                                       "database at " + path +
                                           " does not exist (point --datadir at an existing "
                                           "node, or let it create one)"});
    }
    rocksdb::DBOptions options;
    options.create_if_missing = open_options.create_if_missing;
    // A column family missing from an existing database is simply empty: a process killed
    // while creating the database (or an older schema) must still open.
    options.create_missing_column_families = true;
    options.paranoid_checks = true;

    // Trie nodes and flat state are read at random: one shared block cache (RocksDB's
    // default is 8 MiB) and bloom filters keep a block's reads off the disk.
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = rocksdb::NewLRUCache(open_options.block_cache_bytes);
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    table.cache_index_and_filter_blocks = true;
    rocksdb::ColumnFamilyOptions column_options;
    column_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));

    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, column_options);
    for (std::size_t i = 0; i < kColumnCount; ++i) {
        descriptors.emplace_back(std::string{column_name(static_cast<Column>(i))}, column_options);
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    const rocksdb::Status status =
        open_options.read_only
            ? rocksdb::DB::OpenForReadOnly(options, path, descriptors, &handles, &raw)
            : rocksdb::DB::Open(options, path, descriptors, &handles, &raw);
    if (!status.ok()) return unexpected(to_error(status, path));

    // The handles are destroyed before the database itself, when the last user lets go.
    auto all_handles = std::make_shared<std::vector<rocksdb::ColumnFamilyHandle*>>(handles);
    std::shared_ptr<rocksdb::DB> db{raw, [all_handles](rocksdb::DB* database) {
                                        for (auto* handle : *all_handles) {
                                            (void)database->DestroyColumnFamilyHandle(handle);
                                        }
                                        (void)database->Close();
                                        delete database;
                                    }};
    std::vector<rocksdb::ColumnFamilyHandle*> columns(handles.begin() + 1, handles.end());
    return std::unique_ptr<Database>{
        std::make_unique<RocksDatabase>(std::move(db), std::move(columns), path)};
}

}  // namespace qtm::storage
