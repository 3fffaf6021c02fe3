// ML-DSA-44/65/87 key generation, signing (hedged, pure interface with a context) and
// verification. Run: build/bin/qtm-bench-mldsa (Release).
#include <benchmark/benchmark.h>

#include "crypto/mldsa.hpp"

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

BENCHMARK(bm_keygen<SignatureScheme::kMlDsa44>)
    ->Name("mldsa44/keygen")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_sign<SignatureScheme::kMlDsa44>)->Name("mldsa44/sign")->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_verify<SignatureScheme::kMlDsa44>)
    ->Name("mldsa44/verify")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_keygen<SignatureScheme::kMlDsa65>)
    ->Name("mldsa65/keygen")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_sign<SignatureScheme::kMlDsa65>)->Name("mldsa65/sign")->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_verify<SignatureScheme::kMlDsa65>)
    ->Name("mldsa65/verify")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_keygen<SignatureScheme::kMlDsa87>)
    ->Name("mldsa87/keygen")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_sign<SignatureScheme::kMlDsa87>)->Name("mldsa87/sign")->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_verify<SignatureScheme::kMlDsa87>)
    ->Name("mldsa87/verify")
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
