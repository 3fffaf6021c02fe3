// The node's key-value store: named column families, atomic write batches (optionally
// synced to disk), consistent snapshots and ordered iteration. The rest of the node sees
// only this interface; RocksDB (rocksdb_database.cpp) and an in-memory map (for tests,
// memory_database.cpp) implement it with the same semantics.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "storage/backup.hpp"

namespace qtm::storage {

// Column families (DESIGN.md §4). The order is part of the on-disk format: append only.
enum class Column : std::uint8_t {
    kHeaders,       // block hash -> encoded header
    kBodies,        // block hash -> encoded body
    kReceipts,      // block hash -> encoded receipts; block-logs hash -> block-level logs
    kCanonical,     // big-endian block number -> block hash
    kTxnLookup,     // txn hash -> big-endian block number || big-endian index
    kFlatAccounts,  // address -> encoded account
    kFlatStorage,   // address || slot -> value
    kTrieNodes,     // node hash -> RLP node
    kCode,          // code hash -> code
    kConsensusWal,  // consensus write-ahead log
    kMetadata,      // named pointers (head, finalized), schema version
};
inline constexpr std::size_t kColumnCount = 11;
std::string_view column_name(Column column) noexcept;

enum class StorageErrorKind {
    kMissing,   // no database at the path (and creating one was not asked for)
    kLocked,    // another process holds the database
    kCorrupt,   // files are damaged or inconsistent
    kIo,        // the disk refused (full, permissions, ...)
    kInternal,  // anything else the engine reports
    kSchema,    // written by a newer schema version than this program reads
};

struct StorageError {
    StorageErrorKind kind;
    std::string message;  // says what to do, names the path
};

// Writes applied together or not at all.
class WriteBatch {
public:
    struct Entry {
        Column column;
        Bytes key;
        std::optional<Bytes> value;  // nullopt erases
    };
    void put(Column column, ByteView key, ByteView value);
    void erase(Column column, ByteView key);
    [[nodiscard]] const std::vector<Entry>& entries() const noexcept { return entries_; }
    [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }

private:
    std::vector<Entry> entries_;
};

// Called for each key in order; return false to stop.
using Visitor = std::function<bool(ByteView key, ByteView value)>;

// Reads: the live database, or a snapshot frozen at one moment.
class ReadView {
public:
    virtual ~ReadView() = default;
    [[nodiscard]] virtual Result<std::optional<Bytes>, StorageError> get(Column column,
                                                                         ByteView key) const = 0;
    // Keys k with from <= k < until (an empty `until` means no upper bound), ascending.
    [[nodiscard]] virtual Result<void, StorageError> for_each(Column column, ByteView from,
                                                              ByteView until,
                                                              const Visitor& visitor) const = 0;
};

// What an operator watches (the node's qtm_db_* metrics); summed over the column families.
struct DatabaseStats {
    std::uint64_t sst_bytes{0};                 // table files on disk
    std::uint64_t memtable_bytes{0};            // written, not yet flushed
    std::uint64_t pending_compaction_bytes{0};  // the engine's estimate of compaction debt
};

class Database : public ReadView {
public:
    // Figures the engine keeps anyway (no scan); an engine without them reports zeros.
    [[nodiscard]] virtual DatabaseStats stats() const { return {}; }
    // sync = true returns only after the batch is on stable storage (fsync).
    [[nodiscard]] virtual Result<void, StorageError> write(const WriteBatch& batch, bool sync) = 0;
    [[nodiscard]] virtual std::unique_ptr<ReadView> snapshot() const = 0;
    // A consistent copy of the whole database at one moment, in `destination` (a directory
    // that must not exist yet, on the same filesystem for hard links to be used), while
    // writes go on: every batch is in it entirely or not at all. It opens as a database.
    [[nodiscard]] virtual Result<void, StorageError> checkpoint(
        const std::string& destination) const = 0;
    // Adds a backup to `backup_dir` (backup.hpp; created if absent) while writes go on: a
    // checkpoint is taken first (a staging directory inside `backup_dir`, so hard links when
    // both are on one filesystem), `describe` reads it, and the backup copies only the files
    // that earlier backups there do not hold. Consistent as checkpoint() is. An engine
    // without files refuses.
    [[nodiscard]] virtual Result<IncrementalBackup, StorageError> backup_incremental(
        const std::string& backup_dir, const BackupDescriber& describe) const;
    // Rewrites one column's files so that erased entries stop taking disk space (after a
    // prune); an engine without files does nothing.
    [[nodiscard]] virtual Result<void, StorageError> compact(Column /*column*/) { return {}; }
};

struct OpenOptions {
    bool create_if_missing{true};
    // Opens without the lock and refuses writes, so a running node's database can be read
    // (the view is as of the open, plus what RocksDB had already flushed).
    bool read_only{false};
    std::size_t block_cache_bytes{512U << 20};  // shared by all column families
};

[[nodiscard]] Result<std::unique_ptr<Database>, StorageError> open_rocksdb(
    const std::string& path, OpenOptions options = {});
[[nodiscard]] std::unique_ptr<Database> make_memory_database();

// The smallest key greater than every key starting with `prefix` (for prefix scans);
// empty when there is none (a prefix of all 0xff bytes).
[[nodiscard]] Bytes prefix_end(ByteView prefix);

}  // namespace qtm::storage
