// Incremental backups (RocksDB's BackupEngine): a backup directory holds any number of
// backups of one database; a table file that an earlier backup already holds is not copied
// again, so each backup after the first costs about what was written since. Each backup
// carries a description the caller gives (the node writes its head block), and any of them
// can be restored into a new directory. `qtm db backup --incremental`, `qtm db backups`,
// `qtm db restore` (docs/data-safety.md).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace qtm::storage {

struct StorageError;
class ReadView;

struct BackupRecord {
    std::uint32_t id{0};
    std::int64_t timestamp{0};    // Unix seconds
    std::uint64_t size_bytes{0};  // of all its files, shared ones included
    std::uint32_t files{0};
    std::string description;
};

struct IncrementalBackup {
    BackupRecord record;
    std::uint64_t bytes_added{0};  // what this backup copied (files no earlier one had)
    std::size_t backups{0};        // in the directory, this one included
};

// Reads the consistent copy about to be backed up and says what it is (or why it is unusable,
// which stops the backup).
using BackupDescriber = std::function<Result<std::string, std::string>(const ReadView& copy)>;

// The backups in `backup_dir`, oldest first; an error if it is not a backup directory.
[[nodiscard]] Result<std::vector<BackupRecord>, StorageError> list_backups(
    const std::string& backup_dir);

// Restores backup `id` (nullopt: the latest) of `backup_dir` into `destination`, which must not
// hold a database.
[[nodiscard]] Result<BackupRecord, StorageError> restore_backup(const std::string& backup_dir,
                                                                std::optional<std::uint32_t> id,
                                                                const std::string& destination);

// Deletes all but the newest `keep` backups of `backup_dir` (and the files only they held);
// returns how many were deleted. `keep` must be at least 1.
[[nodiscard]] Result<std::size_t, StorageError> purge_backups(const std::string& backup_dir,
                                                              std::size_t keep);

// Whether `path` looks like a backup directory (BackupEngine's meta/ subdirectory).
[[nodiscard]] bool is_backup_directory(const std::string& path);

}  // namespace qtm::storage
