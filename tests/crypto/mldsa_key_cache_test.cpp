// The verify-key cache (mldsa/key_cache.hpp): cached and uncached verification give the
// same answers, for valid and tampered signatures, alone and from many threads at once;
// keys whose hashes collide never share an entry; invalid signatures are not cached; the
// cache stays within its byte bound.
#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "crypto/mldsa.hpp"
#include "crypto/mldsa/key_cache.hpp"

namespace qtm::crypto {
namespace {

constexpr SignatureScheme kS = SignatureScheme::kMlDsa44;
const Bytes kContext = to_bytes(as_bytes("qtm/tx/v1"));

struct Signed {
    Bytes pk;
    Bytes message;
    Bytes sig;
};

std::vector<Signed> make_keys(std::size_t count, std::uint8_t tag) {
    std::vector<Signed> out;
    for (std::size_t i = 0; i < count; ++i) {
        ByteArray<32> seed{};
        seed[0] = tag;
        seed[1] = static_cast<std::uint8_t>(i);
        const auto pair = mldsa_keygen<kS>(seed);
        Signed s;
        s.pk = to_bytes(pair.public_key.bytes);
        s.message = Bytes{tag, static_cast<std::uint8_t>(i), 7};
        s.sig = to_bytes(
            mldsa_sign<kS>(pair.secret_key, s.message, kContext, SigningMode::kDeterministic)
                ->bytes);
        out.push_back(std::move(s));
    }
    return out;
}

bool cached(mldsa::VerifyKeyCache& cache, const Bytes& pk, const Bytes& message, const Bytes& sig) {
    return mldsa::verify_pure(&cache, kS, pk, message, kContext, sig);
}
bool uncached(const Bytes& pk, const Bytes& message, const Bytes& sig) {
    return mldsa::verify_pure(nullptr, kS, pk, message, kContext, sig);
}

TEST(MlDsaKeyCache, SecondVerificationHitsAndAgrees) {
    mldsa::VerifyKeyCache cache{1U << 20};
    const auto keys = make_keys(2, 1);
    const Signed& k = keys[0];
    EXPECT_TRUE(cached(cache, k.pk, k.message, k.sig));  // miss, inserted
    EXPECT_EQ(cache.stats().misses, 1U);
    EXPECT_EQ(cache.stats().entries, 1U);
    EXPECT_TRUE(cached(cache, k.pk, k.message, k.sig));  // hit
    EXPECT_EQ(cache.stats().hits, 1U);
    // Tampered signatures and messages fail on the cached path exactly as uncached.
    std::mt19937 rng{7};
    for (int i = 0; i < 200; ++i) {
        Bytes bad = k.sig;
        bad[rng() % bad.size()] ^= static_cast<std::uint8_t>(1U << (rng() % 8));
        EXPECT_EQ(cached(cache, k.pk, k.message, bad), uncached(k.pk, k.message, bad));
        EXPECT_FALSE(cached(cache, k.pk, k.message, bad));
    }
    EXPECT_FALSE(cached(cache, k.pk, Bytes{1, 2, 3}, k.sig));
    // Another key's valid signature does not verify under this key, cached or not.
    EXPECT_FALSE(cached(cache, k.pk, keys[1].message, keys[1].sig));
    EXPECT_GE(cache.stats().hits, 200U);
}

TEST(MlDsaKeyCache, InvalidSignaturesAreNotCached) {
    mldsa::VerifyKeyCache cache{1U << 20};
    const auto keys = make_keys(1, 2);
    Bytes bad = keys[0].sig;
    bad[40] ^= 1;
    EXPECT_FALSE(cached(cache, keys[0].pk, keys[0].message, bad));
    EXPECT_EQ(cache.stats().entries, 0U);
    EXPECT_EQ(cache.find(kS, keys[0].pk), nullptr);
}

std::size_t colliding_hash(std::string_view) noexcept {
    return 0;  // every key in one shard and one bucket
}

TEST(MlDsaKeyCache, CollidingHashesNeverShareAnEntry) {
    mldsa::VerifyKeyCache cache{1U << 20, 4, colliding_hash};
    const auto keys = make_keys(4, 3);
    for (const auto& k : keys)
        EXPECT_TRUE(cached(cache, k.pk, k.message, k.sig));
    EXPECT_EQ(cache.stats().entries, keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const auto entry = cache.find(kS, keys[i].pk);
        ASSERT_NE(entry, nullptr);
        EXPECT_EQ(entry->public_key, keys[i].pk);
        for (std::size_t j = 0; j < keys.size(); ++j) {
            // Key i with key j's signature: valid only when i == j, though all collide.
            EXPECT_EQ(cached(cache, keys[i].pk, keys[j].message, keys[j].sig), i == j);
        }
    }
    // A key that differs from a cached one in its last byte is a miss, not the cached entry.
    Bytes near = keys[0].pk;
    near.back() ^= 1;
    EXPECT_EQ(cache.find(kS, near), nullptr);
    EXPECT_FALSE(cached(cache, near, keys[0].message, keys[0].sig));
    // And the same bytes under another scheme are not found.
    EXPECT_EQ(cache.find(SignatureScheme::kMlDsa65, keys[0].pk), nullptr);
}

TEST(MlDsaKeyCache, StaysWithinItsBoundAndEvictsLeastRecentlyUsed) {
    const auto keys = make_keys(6, 4);
    mldsa::VerifyKeyCache probe{1U << 20, 1};
    ASSERT_TRUE(cached(probe, keys[0].pk, keys[0].message, keys[0].sig));
    const std::size_t entry_bytes = probe.stats().bytes;
    mldsa::VerifyKeyCache cache{3 * entry_bytes, 1};  // room for three
    for (std::size_t i = 0; i < 3; ++i)
        ASSERT_TRUE(cached(cache, keys[i].pk, keys[i].message, keys[i].sig));
    ASSERT_NE(cache.find(kS, keys[0].pk), nullptr);  // 0 is now the most recent
    ASSERT_TRUE(cached(cache, keys[3].pk, keys[3].message, keys[3].sig));  // evicts 1
    EXPECT_EQ(cache.stats().entries, 3U);
    EXPECT_LE(cache.stats().bytes, 3 * entry_bytes);
    EXPECT_EQ(cache.stats().evictions, 1U);
    EXPECT_NE(cache.find(kS, keys[0].pk), nullptr);
    EXPECT_EQ(cache.find(kS, keys[1].pk), nullptr);
    EXPECT_NE(cache.find(kS, keys[2].pk), nullptr);
    EXPECT_NE(cache.find(kS, keys[3].pk), nullptr);
    cache.clear();
    EXPECT_EQ(cache.stats().entries, 0U);
    EXPECT_EQ(cache.stats().bytes, 0U);
}

TEST(MlDsaKeyCache, ConcurrentUseAgreesWithUncached) {
    const auto keys = make_keys(8, 5);
    // Each case: (key, signature source, tampered?) and its uncached answer.
    struct Case {
        std::size_t key;
        std::size_t source;
        bool tamper;
        bool expected;
    };
    std::vector<Case> cases;
    std::mt19937 rng{11};
    for (int i = 0; i < 64; ++i) {
        Case c{rng() % keys.size(), rng() % keys.size(), rng() % 3 == 0, false};
        cases.push_back(c);
    }
    auto signature_of = [&](const Case& c) {
        Bytes sig = keys[c.source].sig;
        if (c.tamper) sig[100] ^= 4;
        return sig;
    };
    for (auto& c : cases)
        c.expected = uncached(keys[c.key].pk, keys[c.source].message, signature_of(c));
    // Small enough that entries are evicted and re-inserted while others read them.
    mldsa::VerifyKeyCache probe{1U << 20, 1};
    ASSERT_TRUE(cached(probe, keys[0].pk, keys[0].message, keys[0].sig));
    mldsa::VerifyKeyCache cache{3 * probe.stats().bytes, 2};
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (std::size_t round = 0; round < 3; ++round) {
                for (std::size_t i = 0; i < cases.size(); ++i) {
                    const Case& c = cases[(i * (t + 1) + round) % cases.size()];
                    if (cached(cache, keys[c.key].pk, keys[c.source].message, signature_of(c)) !=
                        c.expected)
                        mismatches.fetch_add(1);
                }
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    EXPECT_EQ(mismatches.load(), 0);
    const auto stats = cache.stats();
    EXPECT_GT(stats.hits, 0U);
    EXPECT_GT(stats.evictions, 0U);
    EXPECT_LE(stats.bytes, 3 * probe.stats().bytes);
}

TEST(MlDsaKeyCache, PublicVerifyUsesTheDefaultCache) {
    const auto keys = make_keys(1, 6);
    const auto before = mldsa::default_verify_key_cache().stats();
    EXPECT_TRUE(verify(kS, keys[0].pk, keys[0].message, kContext, keys[0].sig));
    EXPECT_TRUE(verify(kS, keys[0].pk, keys[0].message, kContext, keys[0].sig));
    EXPECT_TRUE(verify_uncached(kS, keys[0].pk, keys[0].message, kContext, keys[0].sig));
    const auto after = mldsa::default_verify_key_cache().stats();
    EXPECT_GE(after.hits, before.hits + 1);
    EXPECT_NE(mldsa::default_verify_key_cache().find(kS, keys[0].pk), nullptr);
}

}  // namespace
}  // namespace qtm::crypto
