// ML-KEM keygen, encaps and decaps per parameter set (portable implementation).
#include <benchmark/benchmark.h>

#include "crypto/mlkem.hpp"

namespace {

using namespace qtm::crypto;

MlKemParameterSet set_of(const benchmark::State& state) {
    return static_cast<MlKemParameterSet>(state.range(0));
}

void BM_MlKemKeyGen(benchmark::State& state) {
    const qtm::ByteArray<32> d{1}, z{2};
    for (auto _ : state)
        benchmark::DoNotOptimize(mlkem_keygen(set_of(state), d, z));
    state.SetLabel(std::string{to_string(set_of(state))});
}

void BM_MlKemEncaps(benchmark::State& state) {
    const auto pair = mlkem_keygen(set_of(state), {1}, {2});
    const qtm::ByteArray<32> m{3};
    for (auto _ : state)
        benchmark::DoNotOptimize(mlkem_encaps(set_of(state), pair.encapsulation_key, m));
    state.SetLabel(std::string{to_string(set_of(state))});
}

void BM_MlKemDecaps(benchmark::State& state) {
    const auto pair = mlkem_keygen(set_of(state), {1}, {2});
    const auto sent = *mlkem_encaps(set_of(state), pair.encapsulation_key, {3});
    for (auto _ : state) {
        benchmark::DoNotOptimize(
            mlkem_decaps(set_of(state), pair.decapsulation_key.bytes(), sent.ciphertext));
    }
    state.SetLabel(std::string{to_string(set_of(state))});
}

}  // namespace

BENCHMARK(BM_MlKemKeyGen)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MlKemEncaps)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MlKemDecaps)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
