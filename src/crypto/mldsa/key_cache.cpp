#include "crypto/mldsa/key_cache.hpp"

#include <functional>

#include "crypto/keccak.hpp"

namespace qtm::crypto::mldsa {
namespace {

// The first 64 bytes (rho and the start of t1) and the length: rho is uniformly random
// for keys from KeyGen and t1 depends on all of the key, and entries are matched on the
// whole key anyway, so hashing all 1312-2592 bytes (twice per lookup: shard, then bucket)
// would buy nothing but time (5% of a warm verification).
std::size_t default_hash(std::string_view key) noexcept {
    return std::hash<std::string_view>{}(key.substr(0, 64)) ^ (key.size() * 0x9E3779B97F4A7C15ULL);
}

std::string_view as_key(ByteView bytes) noexcept {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

bool is_known(SignatureScheme scheme) noexcept {
    return parse_signature_scheme(to_byte(scheme)).has_value();
}

}  // namespace

VerifyKeyCache::VerifyKeyCache(std::size_t capacity_bytes, std::size_t shard_count, Hasher hasher)
    : shard_capacity_{capacity_bytes / (shard_count == 0 ? 1 : shard_count)},
      hasher_{hasher == nullptr ? default_hash : hasher} {
    if (shard_count == 0) shard_count = 1;
    shards_.reserve(shard_count);
    for (std::size_t i = 0; i < shard_count; ++i)
        shards_.push_back(std::make_unique<Shard>(hasher_));
}

VerifyKeyCache::Shard& VerifyKeyCache::shard_for(std::string_view key) noexcept {
    // The high bits pick the shard; the map inside uses the hash modulo its bucket count.
    const std::size_t h = hasher_(key);
    return *shards_[(h >> 48 ^ h) % shards_.size()];
}

std::shared_ptr<const CachedKey> VerifyKeyCache::find(SignatureScheme scheme,
                                                      ByteView public_key) noexcept {
    const std::string_view key = as_key(public_key);
    Shard& shard = shard_for(key);
    std::shared_ptr<const CachedKey> found;
    {
        const std::lock_guard lock{shard.mutex};
        const auto it = shard.index.find(key);  // compares the whole key, not the hash
        if (it != shard.index.end() && (*it->second)->scheme == scheme) {
            shard.lru.splice(shard.lru.begin(), shard.lru, it->second);
            found = *it->second;
        }
    }
    (found ? hits_ : misses_).fetch_add(1, std::memory_order_relaxed);
    return found;
}

void VerifyKeyCache::insert(std::shared_ptr<const CachedKey> entry) noexcept {
    if (!entry || entry->bytes() > shard_capacity_) return;
    const std::string_view key = as_key(entry->public_key);
    Shard& shard = shard_for(key);
    std::list<std::shared_ptr<const CachedKey>> evicted;  // freed outside the lock
    try {
        const std::lock_guard lock{shard.mutex};
        if (const auto it = shard.index.find(key); it != shard.index.end()) {
            shard.bytes -= (*it->second)->bytes();
            evicted.splice(evicted.end(), shard.lru, it->second);
            shard.index.erase(it);
        }
        shard.lru.push_front(entry);
        try {
            shard.index.emplace(key, shard.lru.begin());
        } catch (...) {
            shard.lru.pop_front();
            throw;
        }
        shard.bytes += entry->bytes();
        while (shard.bytes > shard_capacity_) {
            const auto last = std::prev(shard.lru.end());
            shard.index.erase(as_key((*last)->public_key));
            shard.bytes -= (*last)->bytes();
            evicted.splice(evicted.end(), shard.lru, last);
            evictions_.fetch_add(1, std::memory_order_relaxed);
        }
        insertions_.fetch_add(1, std::memory_order_relaxed);
    } catch (...) {
        // Out of memory: the cache is an optimisation, so the entry is simply not kept.
    }
}

void VerifyKeyCache::clear() noexcept {
    for (auto& shard : shards_) {
        std::list<std::shared_ptr<const CachedKey>> dropped;
        const std::lock_guard lock{shard->mutex};
        shard->index.clear();
        dropped.swap(shard->lru);
        shard->bytes = 0;
    }
}

VerifyKeyCache::Stats VerifyKeyCache::stats() const noexcept {
    Stats s{hits_.load(), misses_.load(), insertions_.load(), evictions_.load(), 0, 0};
    for (const auto& shard : shards_) {
        const std::lock_guard lock{shard->mutex};
        s.entries += shard->lru.size();
        s.bytes += shard->bytes;
    }
    return s;
}

VerifyKeyCache& default_verify_key_cache() noexcept {
    static VerifyKeyCache cache{32U << 20};
    return cache;
}

bool verify_pure(VerifyKeyCache* cache, SignatureScheme scheme, ByteView public_key,
                 ByteView message, ByteView context, ByteView signature) noexcept {
    const Params& p = params_of(scheme);
    if (!is_known(scheme) || public_key.size() != p.public_key_bytes() ||
        signature.size() != p.signature_bytes() || context.size() > kMaxContext)
        return false;
    std::uint8_t mu[kMuBytes];
    if (cache != nullptr) {
        if (const auto hit = cache->find(scheme, public_key)) {
            compute_pure_mu(hit->tr, message, context, mu);
            return verify_expanded(p, hit->view(p), mu, signature.data());
        }
    }
    // A miss (or no cache): expand on the stack, and keep the expansion if it verified.
    std::array<Poly, kMaxK * kMaxL + kMaxK> polys;
    std::uint8_t tr[kTrBytes];
    expand_public_key(p, public_key.data(), polys.data(), p.l, polys.data() + p.k * p.l, tr);
    compute_pure_mu(tr, message, context, mu);
    const bool valid = verify_expanded(
        p, ExpandedKeyView{polys.data(), p.l, polys.data() + p.k * p.l, tr}, mu, signature.data());
    if (valid && cache != nullptr) {
        try {
            auto entry = std::make_shared<CachedKey>();
            entry->scheme = scheme;
            entry->public_key.assign(public_key.begin(), public_key.end());
            entry->polys.assign(polys.begin(),
                                polys.begin() + static_cast<std::ptrdiff_t>(p.k * p.l + p.k));
            std::copy(tr, tr + kTrBytes, entry->tr);
            cache->insert(std::move(entry));
        } catch (...) {  // out of memory: the answer stands, the key is just not cached
        }
    }
    return valid;
}

}  // namespace qtm::crypto::mldsa
