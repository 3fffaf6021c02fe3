// A bounded in-memory cache of trie nodes by hash, shared by every block's world state (and
// later by RPC readers), so that the upper levels of the state trie, which every block
// touches, stay decoded-ready in memory instead of being fetched from RocksDB block by block.
// Nodes are content-addressed (the key is the keccak256 of the value), so an entry can never
// be stale: nodes are inserted when loaded and when committed, and evicted least recently
// used once the cache holds more than its byte budget. Thread-safe (sharded locks).
#pragma once

#include <array>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "base/bytes.hpp"

namespace qtm::storage {

class NodeCache {
public:
    explicit NodeCache(std::size_t capacity_bytes);

    [[nodiscard]] std::optional<Bytes> get(const Hash32& hash);
    void put(const Hash32& hash, ByteView encoded);

    [[nodiscard]] std::size_t size_bytes() const;
    [[nodiscard]] std::uint64_t hits() const;
    [[nodiscard]] std::uint64_t misses() const;

private:
    struct HashOfHash {
        std::size_t operator()(const Hash32& hash) const noexcept;
    };
    struct Shard {
        mutable std::mutex mutex;
        std::list<std::pair<Hash32, Bytes>> order;  // most recently used first
        std::unordered_map<Hash32, std::list<std::pair<Hash32, Bytes>>::iterator, HashOfHash> index;
        std::size_t bytes{0};
        std::uint64_t hits{0};
        std::uint64_t misses{0};
    };
    static constexpr std::size_t kShards = 16;
    static constexpr std::size_t kEntryOverhead = 96;  // list node, map node, bookkeeping

    Shard& shard_for(const Hash32& hash) noexcept { return shards_[hash[0] % kShards]; }

    std::size_t shard_capacity_;
    std::array<Shard, kShards> shards_;
};

}  // namespace qtm::storage
