// State on disk: trie nodes by hash (the trie reads them through trie::NodeStore), contract
// code by hash, and the flat account and storage tables for fast reads. Writes go into the
// caller's batch, so a block's state commits together with the block.
#pragma once

#include "storage/database.hpp"
#include "storage/node_cache.hpp"
#include "trie/trie.hpp"

namespace qtm::storage {

class StateStore : public trie::NodeStore {
public:
    // `cache`, when given, is consulted before the database and filled on every load.
    explicit StateStore(const ReadView& view, NodeCache* cache = nullptr) noexcept
        : view_{view}, cache_{cache} {}

    // trie::NodeStore. A read error is reported as a missing node; the trie then fails
    // with kMissingNode and the caller sees the database error in its logs.
    [[nodiscard]] std::optional<Bytes> load_node(const Hash32& hash) const override;

    [[nodiscard]] Result<std::optional<Bytes>, StorageError> load_code(const Hash32& hash) const;
    [[nodiscard]] Result<std::optional<Bytes>, StorageError> load_account(
        const Address& address) const;
    [[nodiscard]] Result<std::optional<Bytes>, StorageError> load_storage(const Address& address,
                                                                          const Hash32& slot) const;

    static void add_nodes(WriteBatch& batch, const std::vector<trie::CommittedNode>& nodes);
    static void add_code(WriteBatch& batch, const Hash32& hash, ByteView code);
    // An empty value erases the entry.
    static void add_account(WriteBatch& batch, const Address& address, ByteView encoded);
    static void add_storage(WriteBatch& batch, const Address& address, const Hash32& slot,
                            ByteView value);

    // address || slot: one account's slots are contiguous, so they scan as a prefix.
    [[nodiscard]] static ByteArray<52> storage_key(const Address& address,
                                                   const Hash32& slot) noexcept;

    [[nodiscard]] NodeCache* cache() const noexcept { return cache_; }

private:
    const ReadView& view_;
    NodeCache* cache_;
};

}  // namespace qtm::storage
