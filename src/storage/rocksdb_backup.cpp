// Listing and restoring the backups of a BackupEngine directory (backup.hpp); making them is
// RocksDatabase::backup_incremental.
#include <rocksdb/env.h>
#include <rocksdb/utilities/backup_engine.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>

#include "storage/backup.hpp"
#include "storage/database.hpp"

namespace qtm::storage {

namespace {

Result<std::unique_ptr<rocksdb::BackupEngineReadOnly>, StorageError> open_read_only(
    const std::string& backup_dir) {
    if (!is_backup_directory(backup_dir)) {
        return unexpected(StorageError{StorageErrorKind::kMissing,
                                       backup_dir + " is not a backup directory (made by qtm db "
                                                    "backup --incremental)"});
    }
    rocksdb::BackupEngineReadOnly* raw = nullptr;
    const rocksdb::IOStatus status = rocksdb::BackupEngineReadOnly::Open(
        rocksdb::BackupEngineOptions{backup_dir}, rocksdb::Env::Default(), &raw);
    if (!status.ok()) {
        return unexpected(
            StorageError{StorageErrorKind::kCorrupt,
                         "the backups in " + backup_dir + " do not open: " + status.ToString()});
    }
    return std::unique_ptr<rocksdb::BackupEngineReadOnly>{raw};
}

BackupRecord record_of(const rocksdb::BackupInfo& info) {
    return {info.backup_id, info.timestamp, info.size, info.number_files, info.app_metadata};
}

}  // namespace

bool is_backup_directory(const std::string& path) {
    std::error_code error;
    return std::filesystem::is_directory(std::filesystem::path{path} / "meta", error);
}

Result<std::vector<BackupRecord>, StorageError> list_backups(const std::string& backup_dir) {
    auto engine = open_read_only(backup_dir);
    if (!engine) return unexpected(engine.error());
    std::vector<rocksdb::BackupInfo> infos;
    (*engine)->GetBackupInfo(&infos);
    std::vector<BackupRecord> records;
    for (const auto& info : infos)
        records.push_back(record_of(info));
    return records;
}

Result<std::size_t, StorageError> purge_backups(const std::string& backup_dir, std::size_t keep) {
    if (keep == 0) {
        return unexpected(StorageError{StorageErrorKind::kInternal,
                                       "keeping 0 backups would delete them all; keep at least 1"});
    }
    if (!is_backup_directory(backup_dir)) {
        return unexpected(StorageError{StorageErrorKind::kMissing,
                                       backup_dir + " is not a backup directory (made by qtm db "
                                                    "backup --incremental)"});
    }
    rocksdb::BackupEngine* raw = nullptr;
    rocksdb::IOStatus status = rocksdb::BackupEngine::Open(rocksdb::BackupEngineOptions{backup_dir},
                                                           rocksdb::Env::Default(), &raw);
    if (!status.ok()) {
        return unexpected(
            StorageError{StorageErrorKind::kCorrupt,
                         "the backups in " + backup_dir + " do not open: " + status.ToString()});
    }
    const std::unique_ptr<rocksdb::BackupEngine> engine{raw};
    std::vector<rocksdb::BackupInfo> before;
    engine->GetBackupInfo(&before);
    status = engine->PurgeOldBackups(
        static_cast<std::uint32_t>(std::min<std::size_t>(keep, UINT32_MAX)));
    if (!status.ok()) {
        return unexpected(
            StorageError{StorageErrorKind::kIo,
                         "deleting old backups in " + backup_dir + ": " + status.ToString()});
    }
    std::vector<rocksdb::BackupInfo> after;
    engine->GetBackupInfo(&after);
    return before.size() - after.size();
}

Result<BackupRecord, StorageError> restore_backup(const std::string& backup_dir,
                                                  std::optional<std::uint32_t> id,
                                                  const std::string& destination) {
    auto engine = open_read_only(backup_dir);
    if (!engine) return unexpected(engine.error());
    std::vector<rocksdb::BackupInfo> infos;
    (*engine)->GetBackupInfo(&infos);
    if (infos.empty()) {
        return unexpected(
            StorageError{StorageErrorKind::kMissing, backup_dir + " holds no backup"});
    }
    const rocksdb::BackupInfo* chosen = &infos.back();
    if (id) {
        chosen = nullptr;
        for (const auto& info : infos) {
            if (info.backup_id == *id) chosen = &info;
        }
        if (chosen == nullptr) {
            std::string ids;
            for (const auto& info : infos)
                ids += (ids.empty() ? "" : ", ") + std::to_string(info.backup_id);
            return unexpected(StorageError{
                StorageErrorKind::kMissing,
                backup_dir + " has no backup " + std::to_string(*id) + " (it has " + ids + ")"});
        }
    }
    if (const auto verified = (*engine)->VerifyBackup(chosen->backup_id, true); !verified.ok()) {
        return unexpected(StorageError{StorageErrorKind::kCorrupt,
                                       "backup " + std::to_string(chosen->backup_id) + " in " +
                                           backup_dir + " is damaged: " + verified.ToString()});
    }
    const rocksdb::IOStatus status =
        (*engine)->RestoreDBFromBackup(chosen->backup_id, destination, destination);
    if (!status.ok()) {
        return unexpected(StorageError{StorageErrorKind::kIo,
                                       "restoring backup " + std::to_string(chosen->backup_id) +
                                           " into " + destination + ": " + status.ToString()});
    }
    return record_of(*chosen);
}

}  // namespace qtm::storage
