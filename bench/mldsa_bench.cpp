// ML-DSA-44/65/87 key generation, signing (hedged, pure interface with a context) and
// verification: verify/cold is a key not in the verify-key cache (expanded, checked, then
// inserted), verify/uncached never looks at the cache, verify/warm finds the key expanded.
// The code path is the CPU's (AVX2 when present); QTM_CRYPTO_PORTABLE=1 forces the portable
// one. Run: build-rel/bin/qtm-bench-mldsa (Release).
#include <benchmark/benchmark.h>

#include "crypto/mldsa.hpp"
#include "crypto/mldsa/key_cache.hpp"

namespace {

using qtm::crypto::SignatureScheme;

template <SignatureScheme S>
void bm_keygen(benchmark::State& state) {
    qtm::ByteArray<32> seed{};
    for (auto _ : state) {
        auto pair = qtm::crypto::mldsa_keygen<S>(seed);
        benchmark::DoNotOptimize(pair.public_key.bytes.data());
        ++seed[0];
    }
}

template <SignatureScheme S>
void bm_sign(benchmark::State& state) {
    const auto pair = qtm::crypto::mldsa_keygen<S>();
    qtm::Bytes message(64, 0x42);
    for (auto _ : state) {
        auto sig = qtm::crypto::mldsa_sign<S>(pair.secret_key, message, qtm::as_bytes("qtm/tx/v1"));
        benchmark::DoNotOptimize(sig->bytes.data());
        ++message[0];  // a new message each time: the rejection count varies as in practice
    }
}

template <SignatureScheme S>
void bm_verify(benchmark::State& state) {
    const auto pair = qtm::crypto::mldsa_keygen<S>();
    const qtm::Bytes message(64, 0x42);
    const auto sig =
        *qtm::crypto::mldsa_sign<S>(pair.secret_key, message, qtm::as_bytes("qtm/tx/v1"));
    for (auto _ : state) {
        const bool ok =
            qtm::crypto::verify(pair.public_key, message, qtm::as_bytes("qtm/tx/v1"), sig);
        if (!ok) state.SkipWithError("verification failed");
        benchmark::DoNotOptimize(ok);
    }
}

template <SignatureScheme S>
void bm_verify_uncached(benchmark::State& state) {
    const auto pair = qtm::crypto::mldsa_keygen<S>();
    const qtm::Bytes message(64, 0x42);
    const auto sig =
        *qtm::crypto::mldsa_sign<S>(pair.secret_key, message, qtm::as_bytes("qtm/tx/v1"));
    for (auto _ : state) {
        const bool ok = qtm::crypto::verify_uncached(S, pair.public_key.bytes, message,
                                                     qtm::as_bytes("qtm/tx/v1"), sig.bytes);
        if (!ok) state.SkipWithError("verification failed");
        benchmark::DoNotOptimize(ok);
    }
}

// Two keys taking turns in a cache with room for one: every verification is a miss that
// expands, verifies and inserts (evicting the other key), as for a sender not seen lately.
template <SignatureScheme S>
void bm_verify_cold(benchmark::State& state) {
    struct Signed {
        qtm::Bytes pk, sig;
    };
    const qtm::Bytes message(64, 0x42);
    std::vector<Signed> keys;
    for (int i = 0; i < 2; ++i) {
        const auto pair = qtm::crypto::mldsa_keygen<S>();
        const auto sig =
            *qtm::crypto::mldsa_sign<S>(pair.secret_key, message, qtm::as_bytes("qtm/tx/v1"));
        keys.push_back({qtm::to_bytes(pair.public_key.bytes), qtm::to_bytes(sig.bytes)});
    }
    qtm::crypto::mldsa::VerifyKeyCache probe{1U << 22, 1};
    (void)qtm::crypto::mldsa::verify_pure(&probe, S, keys[0].pk, message,
                                          qtm::as_bytes("qtm/tx/v1"), keys[0].sig);
    qtm::crypto::mldsa::VerifyKeyCache cache{probe.stats().bytes, 1};
    std::size_t turn = 0;
    for (auto _ : state) {
        const Signed& k = keys[turn++ % 2];
        const bool ok = qtm::crypto::mldsa::verify_pure(&cache, S, k.pk, message,
                                                        qtm::as_bytes("qtm/tx/v1"), k.sig);
        if (!ok) state.SkipWithError("verification failed");
        benchmark::DoNotOptimize(ok);
    }
    if (cache.stats().hits != 0) state.SkipWithError("the cold benchmark hit the cache");
}

BENCHMARK(bm_keygen<SignatureScheme::kMlDsa44>)
    ->Name("mldsa44/keygen")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_sign<SignatureScheme::kMlDsa44>)->Name("mldsa44/sign")->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_verify<SignatureScheme::kMlDsa44>)
    ->Name("mldsa44/verify/warm")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_verify_cold<SignatureScheme::kMlDsa44>)
    ->Name("mldsa44/verify/cold")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_verify_uncached<SignatureScheme::kMlDsa44>)
    ->Name("mldsa44/verify/uncached")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_keygen<SignatureScheme::kMlDsa65>)
    ->Name("mldsa65/keygen")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_sign<SignatureScheme::kMlDsa65>)->Name("mldsa65/sign")->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_verify<SignatureScheme::kMlDsa65>)
    ->Name("mldsa65/verify/warm")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_verify_cold<SignatureScheme::kMlDsa65>)
    ->Name("mldsa65/verify/cold")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_verify_uncached<SignatureScheme::kMlDsa65>)
    ->Name("mldsa65/verify/uncached")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_keygen<SignatureScheme::kMlDsa87>)
    ->Name("mldsa87/keygen")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_sign<SignatureScheme::kMlDsa87>)->Name("mldsa87/sign")->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_verify<SignatureScheme::kMlDsa87>)
    ->Name("mldsa87/verify/warm")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_verify_cold<SignatureScheme::kMlDsa87>)
    ->Name("mldsa87/verify/cold")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_verify_uncached<SignatureScheme::kMlDsa87>)
    ->Name("mldsa87/verify/uncached")
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
