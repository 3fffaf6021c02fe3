#include "storage/chain_store.hpp"

#include <algorithm>
#include <stdexcept>

#include "base/endian.hpp"

namespace qtm::storage {
namespace {

constexpr std::string_view kHeadKey = "head";
constexpr std::string_view kFinalizedKey = "finalized";

Result<std::optional<Hash32>, StorageError> load_hash(const ReadView& database, Column column,
                                                      ByteView key) {
    auto value = database.get(column, key);
    if (!value) return unexpected(value.error());
    if (!*value) return std::optional<Hash32>{};
    if ((*value)->size() != 32) {
        return unexpected(StorageError{StorageErrorKind::kCorrupt,
                                       "stored block hash under " +
                                           std::string{column_name(column)} +
                                           " is not 32 bytes; the database is damaged"});
    }
    Hash32 hash;
    std::copy((*value)->begin(), (*value)->end(), hash.begin());
    return std::optional<Hash32>{hash};
}

}  // namespace

ByteArray<8> number_key(std::uint64_t number) noexcept {
    ByteArray<8> key;
    store_be64(key.data(), number);
    return key;
}

void ChainStore::add_block(WriteBatch& batch, const StoredBlock& block) {
    batch.put(Column::kHeaders, block.hash, block.header);
    batch.put(Column::kBodies, block.hash, block.body);
    batch.put(Column::kReceipts, block.hash, block.receipts);
    // Under a key no block hash can be (a hash of a prefixed preimage), in the same column.
    if (!block.block_logs.empty())
        batch.put(Column::kReceipts, block.block_logs_key, block.block_logs);
    batch.put(Column::kCanonical, number_key(block.number), block.hash);
    for (std::size_t i = 0; i < block.txn_hashes.size(); ++i) {
        std::uint8_t location[12];
        store_be64(location, block.number);
        store_be32(location + 8, static_cast<std::uint32_t>(i));
        batch.put(Column::kTxnLookup, block.txn_hashes[i], ByteView{location, sizeof location});
    }
    // The head moves in the same batch as the block it points at.
    add_head(batch, block.hash);
}

void ChainStore::add_head(WriteBatch& batch, const Hash32& hash) {
    batch.put(Column::kMetadata, as_bytes(kHeadKey), hash);
}

void ChainStore::add_erase_block(WriteBatch& batch, const Hash32& hash, std::uint64_t number,
                                 const std::vector<Hash32>& txn_hashes) {
    batch.erase(Column::kHeaders, hash);
    batch.erase(Column::kBodies, hash);
    batch.erase(Column::kReceipts, hash);
    batch.erase(Column::kCanonical, number_key(number));
    for (const auto& txn_hash : txn_hashes)
        batch.erase(Column::kTxnLookup, txn_hash);
}

Database& ChainStore::writable() const {
    if (database_ == nullptr) throw std::logic_error{"ChainStore: write through a read view"};
    return *database_;
}

Result<void, StorageError> ChainStore::save_block(const StoredBlock& block) {
    WriteBatch batch;
    add_block(batch, block);
    return writable().write(batch, /*sync=*/true);
}

Result<void, StorageError> ChainStore::save_finalized(const Hash32& hash) {
    WriteBatch batch;
    batch.put(Column::kMetadata, as_bytes(kFinalizedKey), hash);
    return writable().write(batch, /*sync=*/true);
}

Result<std::optional<Bytes>, StorageError> ChainStore::load_header(const Hash32& hash) const {
    return view_.get(Column::kHeaders, hash);
}
Result<std::optional<Bytes>, StorageError> ChainStore::load_body(const Hash32& hash) const {
    return view_.get(Column::kBodies, hash);
}
Result<std::optional<Bytes>, StorageError> ChainStore::load_receipts(const Hash32& hash) const {
    return view_.get(Column::kReceipts, hash);
}

Result<std::optional<Bytes>, StorageError> ChainStore::load_block_logs(const Hash32& key) const {
    return view_.get(Column::kReceipts, key);
}

Result<std::optional<Hash32>, StorageError> ChainStore::canonical_hash(std::uint64_t number) const {
    return load_hash(view_, Column::kCanonical, number_key(number));
}

Result<std::optional<TxnLocation>, StorageError> ChainStore::txn_location(
    const Hash32& txn_hash) const {
    auto value = view_.get(Column::kTxnLookup, txn_hash);
    if (!value) return unexpected(value.error());
    if (!*value) return std::optional<TxnLocation>{};
    if ((*value)->size() != 12) {
        return unexpected(StorageError{StorageErrorKind::kCorrupt,
                                       "transaction lookup entry is not 12 bytes; the "
                                       "database is damaged"});
    }
    return std::optional<TxnLocation>{
        TxnLocation{load_be64((*value)->data()), load_be32((*value)->data() + 8)}};
}

Result<std::optional<Hash32>, StorageError> ChainStore::head() const {
    return load_hash(view_, Column::kMetadata, as_bytes(kHeadKey));
}

Result<std::optional<Hash32>, StorageError> ChainStore::finalized() const {
    return load_hash(view_, Column::kMetadata, as_bytes(kFinalizedKey));
}

}  // namespace qtm::storage
