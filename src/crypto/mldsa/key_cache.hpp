// The verify-key cache: expanded public keys (A_hat, NTT(t1 * 2^d), tr; expanded_key.hpp)
// of recently used keys, so that a sender's second signature verifies without ExpandA.
//
// Bounded by bytes and split into shards, each an LRU list under its own mutex: a lookup
// locks one shard for a hash-map find and a list splice, so verifiers on many threads do
// not queue on one lock. An entry is found by a hash of the public key but matched by
// comparing the whole key, so two keys with the same hash never share an entry. Entries are
// inserted only after a valid signature, so invalid traffic cannot fill the cache; a hit
// hands out a shared pointer, so eviction never frees an entry while a verifier uses it.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/bytes.hpp"
#include "crypto/mldsa/expanded_key.hpp"
#include "crypto/signature_scheme.hpp"

namespace qtm::crypto::mldsa {

// One cached key: the public key's bytes (the cache's real key) and its expansion.
struct CachedKey {
    SignatureScheme scheme;
    Bytes public_key;
    std::vector<Poly> polys;  // A_hat row-major (k * l), then NTT(t1 * 2^d) (k)
    std::uint8_t tr[kTrBytes];
    [[nodiscard]] ExpandedKeyView view(const Params& p) const noexcept {
        return {polys.data(), p.l, polys.data() + p.k * p.l, tr};
    }
    [[nodiscard]] std::size_t bytes() const noexcept {
        return sizeof(CachedKey) + public_key.size() + polys.size() * sizeof(Poly);
    }
};

class VerifyKeyCache {
public:
    using Hasher = std::size_t (*)(std::string_view public_key) noexcept;
    struct Stats {
        std::uint64_t hits;
        std::uint64_t misses;
        std::uint64_t insertions;
        std::uint64_t evictions;
        std::size_t entries;
        std::size_t bytes;
    };

    // At most `capacity_bytes` of entries in all (each shard holds capacity / shards).
    // `hasher` is for tests that force collisions; the default is std::hash of the first 64
    // bytes, mixed with the length.
    explicit VerifyKeyCache(std::size_t capacity_bytes, std::size_t shard_count = 16,
                            Hasher hasher = nullptr);
    VerifyKeyCache(const VerifyKeyCache&) = delete;
    VerifyKeyCache& operator=(const VerifyKeyCache&) = delete;

    // The entry for exactly this (scheme, public key), or null.
    [[nodiscard]] std::shared_ptr<const CachedKey> find(SignatureScheme scheme,
                                                        ByteView public_key) noexcept;
    // Adds an entry (replacing one for the same key), evicting least recently used ones.
    // An entry larger than a shard's capacity is not kept.
    void insert(std::shared_ptr<const CachedKey> entry) noexcept;
    void clear() noexcept;
    [[nodiscard]] Stats stats() const noexcept;

private:
    struct Shard {
        std::mutex mutex;
        std::list<std::shared_ptr<const CachedKey>> lru;  // most recent first
        // Keyed by the key bytes inside the entry (alive while listed); the schemes' key
        // sizes differ, so equal bytes mean the same scheme too (find() checks it anyway).
        std::unordered_map<std::string_view, std::list<std::shared_ptr<const CachedKey>>::iterator,
                           std::size_t (*)(std::string_view) noexcept>
            index;
        std::size_t bytes = 0;
        explicit Shard(Hasher hasher) : index{16, hasher} {}
    };
    Shard& shard_for(std::string_view key) noexcept;

    std::size_t shard_capacity_;
    Hasher hasher_;
    std::vector<std::unique_ptr<Shard>> shards_;
    std::atomic<std::uint64_t> hits_{0}, misses_{0}, insertions_{0}, evictions_{0};
};

// The process's cache, used by crypto::verify: 32 MiB (about 1,500 ML-DSA-44 keys).
[[nodiscard]] VerifyKeyCache& default_verify_key_cache() noexcept;

// Algorithm 3 over (message, context) with the cache when one is given (null: uncached).
// Nothing is allocated except the entry inserted after a valid signature of a new key.
[[nodiscard]] bool verify_pure(VerifyKeyCache* cache, SignatureScheme scheme, ByteView public_key,
                               ByteView message, ByteView context, ByteView signature) noexcept;

}  // namespace qtm::crypto::mldsa
