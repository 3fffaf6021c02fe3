#include "rpc/chain_reader.hpp"

#include "crypto/keccak.hpp"
#include "storage/chain_store.hpp"

namespace qtm::rpc {

namespace {

[[noreturn]] void storage_failure(const storage::StorageError& error) {
    throw RpcError{code::kInternal, "database read failed: " + error.message};
}

}  // namespace

std::optional<std::uint64_t> ChainReader::resolve(const BlockRef& ref) const {
    const std::uint64_t head = backend_.head().number;
    if (const auto* tag = std::get_if<BlockTag>(&ref)) {
        return *tag == BlockTag::kEarliest ? 0 : head;
    }
    if (const auto* number = std::get_if<std::uint64_t>(&ref)) {
        if (*number > head) return std::nullopt;
        return *number;
    }
    const storage::ChainStore store{backend_.database()};
    auto bytes = store.load_header(std::get<Hash32>(ref));
    if (!bytes) storage_failure(bytes.error());
    if (!*bytes) return std::nullopt;
    auto header = chain::decode_header(**bytes);
    if (!header) return std::nullopt;
    // Only canonical blocks count (there are no others on a finalizing chain).
    auto canonical = store.canonical_hash(header->number);
    if (!canonical || !*canonical || **canonical != std::get<Hash32>(ref)) return std::nullopt;
    return header->number;
}

std::optional<chain::Header> ChainReader::header(std::uint64_t number) const {
    const storage::ChainStore store{backend_.database()};
    auto hash = store.canonical_hash(number);
    if (!hash) storage_failure(hash.error());
    if (!*hash) return std::nullopt;
    auto bytes = store.load_header(**hash);
    if (!bytes) storage_failure(bytes.error());
    if (!*bytes) return std::nullopt;
    auto decoded = chain::decode_header(**bytes);
    if (!decoded) throw RpcError{code::kInternal, "stored header does not decode"};
    return *decoded;
}

std::shared_ptr<const FullBlock> BlockCache::find(const Hash32& hash) {
    const std::lock_guard lock{mutex_};
    const auto it = index_.find(hash);
    if (it == index_.end()) return nullptr;
    recent_.splice(recent_.begin(), recent_, it->second);
    return *it->second;
}

void BlockCache::insert(std::shared_ptr<const FullBlock> block) {
    const std::size_t size = block->size;
    if (size > budget_) return;
    const std::lock_guard lock{mutex_};
    if (index_.contains(block->hash)) return;
    recent_.push_front(std::move(block));
    index_.emplace(recent_.front()->hash, recent_.begin());
    bytes_ += size;
    while (bytes_ > budget_) {
        bytes_ -= recent_.back()->size;
        index_.erase(recent_.back()->hash);
        recent_.pop_back();
    }
}

std::size_t BlockCache::bytes() const {
    const std::lock_guard lock{mutex_};
    return bytes_;
}

BlockCache& BlockCache::shared() {
    static BlockCache cache;
    return cache;
}

std::shared_ptr<const FullBlock> ChainReader::block(std::uint64_t number) const {
    const storage::ChainStore store{backend_.database()};
    auto hash = store.canonical_hash(number);
    if (!hash) storage_failure(hash.error());
    if (!*hash) return nullptr;
    return block_by_hash(**hash);
}

std::shared_ptr<const FullBlock> ChainReader::block_by_hash(const Hash32& hash) const {
    if (auto cached = BlockCache::shared().find(hash)) return cached;
    const storage::ChainStore store{backend_.database()};
    auto header_bytes = store.load_header(hash);
    if (!header_bytes) storage_failure(header_bytes.error());
    if (!*header_bytes) return nullptr;
    auto body_bytes = store.load_body(hash);
    auto receipt_bytes = store.load_receipts(hash);
    if (!body_bytes) storage_failure(body_bytes.error());
    if (!receipt_bytes) storage_failure(receipt_bytes.error());
    if (!*body_bytes || !*receipt_bytes) {
        throw RpcError{code::kInternal, "block body or receipts missing from the database"};
    }
    auto header = chain::decode_header(**header_bytes);
    auto body = chain::decode_body(**body_bytes);
    auto receipts = chain::decode_receipts(**receipt_bytes);
    if (!header || !body || !receipts) {
        throw RpcError{code::kInternal, "stored block does not decode"};
    }
    auto block = std::make_shared<FullBlock>();
    block->header = std::move(*header);
    block->hash = hash;
    block->transactions = std::move(body->transactions);
    block->receipts = std::move(*receipts);
    block->block_logs_hash = chain::block_logs_hash(block->header.number, hash);
    auto logs_bytes = store.load_block_logs(block->block_logs_hash);
    if (!logs_bytes) storage_failure(logs_bytes.error());
    if (*logs_bytes) {
        auto logs = chain::decode_block_logs(**logs_bytes);
        if (!logs) throw RpcError{code::kInternal, "stored block-level logs do not decode"};
        block->block_logs = std::move(logs->logs);
    }
    block->size = (*header_bytes)->size() + (*body_bytes)->size();
    block->transaction_hashes.reserve(block->transactions.size());
    for (const auto& tx : block->transactions) {
        block->transaction_hashes.push_back(chain::transaction_hash(tx));
    }
    BlockCache::shared().insert(block);
    return block;
}

std::optional<ChainReader::Location> ChainReader::locate_transaction(const Hash32& hash) const {
    const storage::ChainStore store{backend_.database()};
    auto location = store.txn_location(hash);
    if (!location) storage_failure(location.error());
    if (!*location) return std::nullopt;
    return Location{(*location)->block_number, (*location)->index};
}

std::shared_ptr<const FullBlock> ChainReader::block_of_block_logs(const Hash32& hash) const {
    const storage::ChainStore store{backend_.database()};
    auto bytes = store.load_block_logs(hash);
    if (!bytes) storage_failure(bytes.error());
    if (!*bytes) return nullptr;
    // The key may be a block hash (receipts share the column): only a record that decodes
    // and whose canonical block derives this very hash counts.
    auto record = chain::decode_block_logs(**bytes);
    if (!record) return nullptr;
    auto block = this->block(record->number);
    if (!block || block->block_logs_hash != hash || block->block_logs.empty()) return nullptr;
    return block;
}

}  // namespace qtm::rpc
