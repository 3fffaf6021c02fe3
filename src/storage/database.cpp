#include "storage/database.hpp"

namespace qtm::storage {

std::string_view column_name(Column column) noexcept {
    switch (column) {
        case Column::kHeaders:
            return "headers";
        case Column::kBodies:
            return "bodies";
        case Column::kReceipts:
            return "receipts";
        case Column::kCanonical:
            return "canonical";
        case Column::kTxnLookup:
            return "txn_lookup";
        case Column::kFlatAccounts:
            return "flat_accounts";
        case Column::kFlatStorage:
            return "flat_storage";
        case Column::kTrieNodes:
            return "trie_nodes";
        case Column::kCode:
            return "code";
        case Column::kConsensusWal:
            return "consensus_wal";
        case Column::kMetadata:
            return "metadata";
    }
    return "unknown";
}

void WriteBatch::put(Column column, ByteView key, ByteView value) {
    entries_.push_back({column, to_bytes(key), to_bytes(value)});
}

void WriteBatch::erase(Column column, ByteView key) {
    entries_.push_back({column, to_bytes(key), std::nullopt});
}

Bytes prefix_end(ByteView prefix) {
    Bytes end = to_bytes(prefix);
    while (!end.empty()) {
        if (end.back() != 0xff) {
            ++end.back();
            return end;
        }
        end.pop_back();
    }
    return end;
}

Result<IncrementalBackup, StorageError> Database::backup_incremental(
    const std::string& backup_dir, const BackupDescriber& /*describe*/) const {
    return unexpected(StorageError{StorageErrorKind::kInternal,
                                   "an in-memory database cannot be backed up into " + backup_dir});
}

}  // namespace qtm::storage
