#include "storage/state_store.hpp"

#include <algorithm>

namespace qtm::storage {

std::optional<Bytes> StateStore::load_node(const Hash32& hash) const {
    if (cache_ != nullptr) {
        if (auto cached = cache_->get(hash)) return cached;
    }
    auto node = view_.get(Column::kTrieNodes, hash);
    if (!node || !*node) return std::nullopt;
    if (cache_ != nullptr) cache_->put(hash, **node);
    return std::move(*node);
}

Result<std::optional<Bytes>, StorageError> StateStore::load_code(const Hash32& hash) const {
    return view_.get(Column::kCode, hash);
}

Result<std::optional<Bytes>, StorageError> StateStore::load_account(const Address& address) const {
    return view_.get(Column::kFlatAccounts, address);
}

Result<std::optional<Bytes>, StorageError> StateStore::load_storage(const Address& address,
                                                                    const Hash32& slot) const {
    return view_.get(Column::kFlatStorage, storage_key(address, slot));
}

void StateStore::add_nodes(WriteBatch& batch, const std::vector<trie::CommittedNode>& nodes) {
    for (const auto& node : nodes)
        batch.put(Column::kTrieNodes, node.hash, node.encoded);
}

void StateStore::add_code(WriteBatch& batch, const Hash32& hash, ByteView code) {
    batch.put(Column::kCode, hash, code);
}

void StateStore::add_account(WriteBatch& batch, const Address& address, ByteView encoded) {
    if (encoded.empty()) {
        batch.erase(Column::kFlatAccounts, address);
    } else {
        batch.put(Column::kFlatAccounts, address, encoded);
    }
}

void StateStore::add_storage(WriteBatch& batch, const Address& address, const Hash32& slot,
                             ByteView value) {
    const auto key = storage_key(address, slot);
    if (value.empty()) {
        batch.erase(Column::kFlatStorage, key);
    } else {
        batch.put(Column::kFlatStorage, key, value);
    }
}

ByteArray<52> StateStore::storage_key(const Address& address, const Hash32& slot) noexcept {
    ByteArray<52> key;
    std::copy(address.begin(), address.end(), key.begin());
    std::copy(slot.begin(), slot.end(), key.begin() + 20);
    return key;
}

}  // namespace qtm::storage
