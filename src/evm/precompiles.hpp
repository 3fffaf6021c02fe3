// Precompiled contracts: the Cancun set 0x01..0x09 (0x0a, KZG point evaluation, is left out:
// QTM has no blobs; see docs/evm.md) and QTM's ML-DSA signature verification at 0x0d01
// (docs/protocol.md, "ML-DSA precompile").
//
// A precompile either succeeds (output, gas left), runs out of gas, or rejects its input
// (kPrecompileFailure); the last two consume all gas, as in geth.
#pragma once

#include <cstdint>
#include <optional>

#include "base/bytes.hpp"
#include "evm/message.hpp"

namespace qtm::evm {

// Where Ethereum has the KZG point-evaluation precompile (EIP-4844). QTM has no blobs, so the
// address is an ordinary (empty) account here; conformance runners skip cases that call it.
inline constexpr Address kPointEvaluationAddress = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                                    0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a};

inline constexpr Address kMldsaVerifyPrecompile = {0, 0, 0, 0, 0, 0, 0, 0, 0,    0,
                                                   0, 0, 0, 0, 0, 0, 0, 0, 0x0d, 0x01};

// ML-DSA verification gas: a flat charge per parameter set plus a per-word charge for the
// message and context (hashed into mu). Measured against ecrecover (3000 gas):
// bench/precompile_bench, figures in docs/protocol.md.
inline constexpr std::int64_t kMldsaVerifyGas44 = 4500;
inline constexpr std::int64_t kMldsaVerifyGas65 = 7000;
inline constexpr std::int64_t kMldsaVerifyGas87 = 11000;
inline constexpr std::int64_t kMldsaVerifyWordGas = 6;

[[nodiscard]] bool is_precompile(const Address& address) noexcept;

// Runs the precompile at `address` (which must satisfy is_precompile) with `gas`.
[[nodiscard]] ExecutionResult run_precompile(const Address& address, ByteView input,
                                             std::int64_t gas);

// The individual precompiles, exposed for tests and benchmarks. Each returns the gas it
// costs for `input` (saturating at INT64_MAX) and computes the output; nullopt means the
// input is rejected.
namespace precompile {
std::int64_t ecrecover_gas(ByteView input) noexcept;
std::optional<Bytes> ecrecover(ByteView input);
std::int64_t sha256_gas(ByteView input) noexcept;
std::optional<Bytes> sha256(ByteView input);
std::int64_t ripemd160_gas(ByteView input) noexcept;
std::optional<Bytes> ripemd160(ByteView input);
std::int64_t identity_gas(ByteView input) noexcept;
std::optional<Bytes> identity(ByteView input);
std::int64_t modexp_gas(ByteView input) noexcept;
std::optional<Bytes> modexp(ByteView input);
std::int64_t bn254_add_gas(ByteView input) noexcept;
std::optional<Bytes> bn254_add(ByteView input);
std::int64_t bn254_mul_gas(ByteView input) noexcept;
std::optional<Bytes> bn254_mul(ByteView input);
std::int64_t bn254_pairing_gas(ByteView input) noexcept;
std::optional<Bytes> bn254_pairing(ByteView input);
std::int64_t blake2f_gas(ByteView input) noexcept;
std::optional<Bytes> blake2f(ByteView input);
std::int64_t mldsa_verify_gas(ByteView input) noexcept;
std::optional<Bytes> mldsa_verify(ByteView input);
}  // namespace precompile

}  // namespace qtm::evm
