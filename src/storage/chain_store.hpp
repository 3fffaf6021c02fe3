// Blocks on disk: headers, bodies and receipts by hash, the canonical number -> hash index,
// transaction lookups, and the head and finalized pointers. Values are the encodings the
// chain layer produces; this layer does not interpret them.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "storage/database.hpp"

namespace qtm::storage {

struct StoredBlock {
    Hash32 hash{};
    std::uint64_t number{0};
    Bytes header;
    Bytes body;
    Bytes receipts;
    std::vector<Hash32> txn_hashes;  // in block order
    // The block-level logs record (chain::encode_block_logs) and its key
    // (chain::block_logs_hash), kept beside the receipts; not written when empty.
    Hash32 block_logs_key{};
    Bytes block_logs;
};

struct TxnLocation {
    std::uint64_t block_number{0};
    std::uint32_t index{0};
};

class ChainStore {
public:
    explicit ChainStore(Database& database) noexcept : view_{database}, database_{&database} {}
    // Reads only (a snapshot, a read-only open); the save_ functions must not be called.
    explicit ChainStore(const ReadView& view) noexcept : view_{view}, database_{nullptr} {}

    // Adds everything of one block, the canonical entry and the head pointer to `batch`.
    // The caller adds the block's state changes and commits the batch with sync=true, so
    // that a crash leaves all of the block or none of it.
    static void add_block(WriteBatch& batch, const StoredBlock& block);
    // add_block + commit in one synced batch.
    [[nodiscard]] Result<void, StorageError> save_block(const StoredBlock& block);
    [[nodiscard]] Result<void, StorageError> save_finalized(const Hash32& hash);
    // The head pointer alone (a repair that moves the head back), into `batch`.
    static void add_head(WriteBatch& batch, const Hash32& hash);
    // Erases one block's records, canonical entry and lookups (a repair that drops a block).
    static void add_erase_block(WriteBatch& batch, const Hash32& hash, std::uint64_t number,
                                const std::vector<Hash32>& txn_hashes);

    [[nodiscard]] Result<std::optional<Bytes>, StorageError> load_header(const Hash32& hash) const;
    [[nodiscard]] Result<std::optional<Bytes>, StorageError> load_body(const Hash32& hash) const;
    [[nodiscard]] Result<std::optional<Bytes>, StorageError> load_receipts(
        const Hash32& hash) const;
    // A block's block-level logs record by its key (StoredBlock::block_logs_key); nullopt
    // for a block without block-level logs (and for any other key).
    [[nodiscard]] Result<std::optional<Bytes>, StorageError> load_block_logs(
        const Hash32& key) const;
    [[nodiscard]] Result<std::optional<Hash32>, StorageError> canonical_hash(
        std::uint64_t number) const;
    [[nodiscard]] Result<std::optional<TxnLocation>, StorageError> txn_location(
        const Hash32& txn_hash) const;
    [[nodiscard]] Result<std::optional<Hash32>, StorageError> head() const;
    [[nodiscard]] Result<std::optional<Hash32>, StorageError> finalized() const;

private:
    [[nodiscard]] Database& writable() const;

    const ReadView& view_;
    Database* database_;
};

// Big-endian block numbers sort numerically, so canonical iteration is in block order.
[[nodiscard]] ByteArray<8> number_key(std::uint64_t number) noexcept;

}  // namespace qtm::storage
