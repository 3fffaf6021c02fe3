// Precompile costs: time per call and the gas rate each precompile's price implies. The
// ML-DSA verification price (docs/protocol.md) is set from these figures against
// ecrecover: 3000 gas for one secp256k1 recovery.
//
//   build/bin/qtm-bench-precompile   (or scripts/bench.sh)
#include <benchmark/benchmark.h>

#include <string>

#include "base/hex.hpp"
#include "crypto/mldsa.hpp"
#include "evm/precompiles.hpp"

namespace {

using namespace qtm;

Address precompile_address(std::uint8_t last) {
    Address address{};
    address[19] = last;
    return address;
}

void run(benchmark::State& state, const Address& address, const Bytes& input) {
    std::int64_t gas = 0;
    for (auto _ : state) {
        const auto result = evm::run_precompile(address, input, 10'000'000);
        if (result.status != evm::Status::kSuccess) state.SkipWithError("precompile failed");
        gas = 10'000'000 - result.gas_left;
        benchmark::DoNotOptimize(result.output.data());
    }
    state.counters["gas"] = static_cast<double>(gas);
    state.counters["Mgas/s"] = benchmark::Counter(static_cast<double>(gas) * 1e-6,
                                                  benchmark::Counter::kIsIterationInvariantRate);
}

void BM_Ecrecover(benchmark::State& state) {
    const Bytes input = from_hex(
                            "18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c"
                            "000000000000000000000000000000000000000000000000000000000000001c"
                            "73b1693892219d736caba55bdb67216e485557ea6b6af75f37096c9aa6a5a75f"
                            "eeb940b1d03b21e36b0e47e79769f095fe2ab855bd91e3a38756b7d75a9c4549")
                            .value();
    run(state, precompile_address(1), input);
}
BENCHMARK(BM_Ecrecover);

template <crypto::SignatureScheme S>
void BM_MldsaVerify(benchmark::State& state) {
    ByteArray<32> seed{};
    seed[0] = 1;
    const auto keys = crypto::mldsa_keygen<S>(seed);
    const std::string message(128, 'm');
    const auto signature = crypto::mldsa_sign(keys.secret_key, as_bytes(message), as_bytes("bench"),
                                              crypto::SigningMode::kDeterministic)
                               .value();
    Bytes input;
    input.reserve(1 + keys.public_key.bytes.size() + signature.bytes.size() + 6 + message.size());
    input.push_back(crypto::to_byte(S));
    input.insert(input.end(), keys.public_key.bytes.begin(), keys.public_key.bytes.end());
    input.insert(input.end(), signature.bytes.begin(), signature.bytes.end());
    input.push_back(5);
    for (const char c : std::string_view{"bench"})
        input.push_back(static_cast<std::uint8_t>(c));
    input.insert(input.end(), message.begin(), message.end());
    run(state, evm::kMldsaVerifyPrecompile, input);
}
BENCHMARK(BM_MldsaVerify<crypto::SignatureScheme::kMlDsa44>)->Name("BM_MldsaVerify/ML-DSA-44");
BENCHMARK(BM_MldsaVerify<crypto::SignatureScheme::kMlDsa65>)->Name("BM_MldsaVerify/ML-DSA-65");
BENCHMARK(BM_MldsaVerify<crypto::SignatureScheme::kMlDsa87>)->Name("BM_MldsaVerify/ML-DSA-87");

std::string word(std::string_view digits) {
    return std::string(64 - digits.size(), '0') + std::string{digits};
}

void BM_Bn254Add(benchmark::State& state) {
    run(state, precompile_address(6),
        from_hex(word("1") + word("2") + word("1") + word("2")).value());
}
BENCHMARK(BM_Bn254Add);

void BM_Bn254Mul(benchmark::State& state) {
    run(state, precompile_address(7),
        from_hex(word("1") + word("2") + std::string(64, 'e')).value());
}
BENCHMARK(BM_Bn254Mul);

void BM_Bn254PairingTwoPairs(benchmark::State& state) {
    const std::string g2 =
        word("198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2") +
        word("1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed") +
        word("090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b") +
        word("12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa");
    const std::string neg_g1 =
        word("1") + word("30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd45");
    run(state, precompile_address(8), from_hex(word("1") + word("2") + g2 + neg_g1 + g2).value());
}
BENCHMARK(BM_Bn254PairingTwoPairs)->Unit(benchmark::kMillisecond);

void BM_Sha256_1KiB(benchmark::State& state) {
    run(state, precompile_address(2), Bytes(1024, 0xab));
}
BENCHMARK(BM_Sha256_1KiB);

}  // namespace

BENCHMARK_MAIN();
