#include "storage/node_cache.hpp"

#include <cstring>

namespace qtm::storage {

std::size_t NodeCache::HashOfHash::operator()(const Hash32& hash) const noexcept {
    std::size_t value = 0;
    std::memcpy(&value, hash.data() + 8, sizeof value);  // keccak output: already uniform
    return value;
}

NodeCache::NodeCache(std::size_t capacity_bytes) : shard_capacity_{capacity_bytes / kShards} {}

std::optional<Bytes> NodeCache::get(const Hash32& hash) {
    Shard& shard = shard_for(hash);
    const std::lock_guard lock{shard.mutex};
    const auto it = shard.index.find(hash);
    if (it == shard.index.end()) {
        ++shard.misses;
        return std::nullopt;
    }
    ++shard.hits;
    shard.order.splice(shard.order.begin(), shard.order, it->second);
    return it->second->second;
}

void NodeCache::put(const Hash32& hash, ByteView encoded) {
    const std::size_t cost = encoded.size() + kEntryOverhead;
    if (cost > shard_capacity_) return;
    Shard& shard = shard_for(hash);
    const std::lock_guard lock{shard.mutex};
    if (const auto it = shard.index.find(hash); it != shard.index.end()) {
        shard.order.splice(shard.order.begin(), shard.order, it->second);
        return;
    }
    shard.order.emplace_front(hash, Bytes(encoded.begin(), encoded.end()));
    shard.index.emplace(hash, shard.order.begin());
    shard.bytes += cost;
    while (shard.bytes > shard_capacity_) {
        auto& oldest = shard.order.back();
        shard.bytes -= oldest.second.size() + kEntryOverhead;
        shard.index.erase(oldest.first);
        shard.order.pop_back();
    }
}

std::size_t NodeCache::size_bytes() const {
    std::size_t total = 0;
    for (const auto& shard : shards_) {
        const std::lock_guard lock{shard.mutex};
        total += shard.bytes;
    }
    return total;
}

std::uint64_t NodeCache::hits() const {
    std::uint64_t total = 0;
    for (const auto& shard : shards_) {
        const std::lock_guard lock{shard.mutex};
        total += shard.hits;
    }
    return total;
}

std::uint64_t NodeCache::misses() const {
    std::uint64_t total = 0;
    for (const auto& shard : shards_) {
        const std::lock_guard lock{shard.mutex};
        total += shard.misses;
    }
    return total;
}

}  // namespace qtm::storage
