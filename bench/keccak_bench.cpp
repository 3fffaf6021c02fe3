// keccak256 against OpenSSL's SHA3-256 (the same Keccak-f[1600] permutation and rate; only
// the padding byte differs) on 32 B, 136 B (one block) and 1 MiB inputs, plus SHAKE128
// squeezing as ML-DSA/ML-KEM sample with it.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include "crypto/keccak.hpp"

namespace {

qtm::Bytes input_of(std::size_t size) {
    qtm::Bytes input(size);
    for (std::size_t i = 0; i < size; ++i)
        input[i] = static_cast<std::uint8_t>(i * 31 + 7);
    return input;
}

void BM_Keccak256(benchmark::State& state) {
    const auto input = input_of(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state)
        benchmark::DoNotOptimize(qtm::crypto::keccak256(input));
    state.SetBytesProcessed(state.iterations() * state.range(0));
}

void BM_OpenSslSha3_256(benchmark::State& state) {
    const auto input = input_of(static_cast<std::size_t>(state.range(0)));
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    unsigned char digest[32];
    for (auto _ : state) {
        // A reused context: the fairest comparison (no allocation per hash).
        EVP_DigestInit_ex(context, EVP_sha3_256(), nullptr);
        EVP_DigestUpdate(context, input.data(), input.size());
        unsigned int length = 0;
        EVP_DigestFinal_ex(context, digest, &length);
        benchmark::DoNotOptimize(digest);
    }
    EVP_MD_CTX_free(context);
    state.SetBytesProcessed(state.iterations() * state.range(0));
}

void BM_OpenSslSha3_256OneShot(benchmark::State& state) {
    const auto input = input_of(static_cast<std::size_t>(state.range(0)));
    unsigned char digest[32];
    for (auto _ : state) {
        unsigned int length = 0;
        EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha3_256(), nullptr);
        benchmark::DoNotOptimize(digest);
    }
    state.SetBytesProcessed(state.iterations() * state.range(0));
}

void BM_Shake128Squeeze(benchmark::State& state) {
    qtm::Bytes out(static_cast<std::size_t>(state.range(0)));
    const auto seed = input_of(34);
    for (auto _ : state) {
        qtm::crypto::Shake128 xof;
        xof.absorb(seed);
        xof.squeeze(out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(state.iterations() * state.range(0));
}

void BM_KeccakF1600(benchmark::State& state) {
    std::uint64_t lanes[25] = {1};
    for (auto _ : state) {
        qtm::crypto::keccak_f1600(lanes);
        benchmark::DoNotOptimize(lanes);
    }
}

}  // namespace

BENCHMARK(BM_Keccak256)->Arg(32)->Arg(136)->Arg(1 << 20);
BENCHMARK(BM_OpenSslSha3_256)->Arg(32)->Arg(136)->Arg(1 << 20);
BENCHMARK(BM_OpenSslSha3_256OneShot)->Arg(32)->Arg(136)->Arg(1 << 20);
BENCHMARK(BM_Shake128Squeeze)->Arg(840)->Arg(1 << 16);
BENCHMARK(BM_KeccakF1600);
BENCHMARK_MAIN();
