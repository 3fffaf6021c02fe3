// The vectorisable kernels of ML-KEM (FIPS 203), in a portable and an AVX2 variant with the
// same contract and the same outputs (bit for bit), so that tests can run both on the same
// inputs. poly.cpp dispatches between them (crypto/cpu.hpp); its functions (poly.hpp) are
// what the rest of ML-KEM calls.
//
// Every Poly that enters or leaves a kernel holds coefficients in [0, q) in the standard
// order (the NTT domain in FIPS 203's bit-reversed pair order), whatever a kernel does
// inside (the AVX2 NTT permutes 16-bit lanes and keeps lazily reduced signed values).
#pragma once

#include <cstddef>
#include <cstdint>

#include "crypto/mlkem/poly.hpp"

namespace qtm::crypto::mlkem::detail {

// Algorithm 9 NTT / Algorithm 10 NTT^-1, in place.
void ntt_portable(Poly& f) noexcept;
void inverse_ntt_portable(Poly& f) noexcept;
// out = sum_{j < count} a[j] o b[j] (Algorithms 11/12), count in [1, kMaxK].
void inner_product_portable(const Poly* a, const Poly* b, std::size_t count, Poly& out) noexcept;
void add_portable(Poly& accumulator, const Poly& term) noexcept;
void subtract_portable(Poly& accumulator, const Poly& term) noexcept;
// Algorithm 7's loop over a block of SHAKE128 output: the 12-bit candidates of the
// `length` bytes (a multiple of 3) that are below q go to out[filled], out[filled + 1] ...
// until out holds kN; returns the new count. Public data only (the matrix).
std::size_t rej_uniform_portable(std::uint16_t* out, std::size_t filled, const std::uint8_t* bytes,
                                 std::size_t length) noexcept;
// Algorithm 8 SamplePolyCBD_eta over 64 eta bytes, eta in {2, 3}.
void cbd_portable(const std::uint8_t* bytes, unsigned eta, Poly& out) noexcept;
// Compress_d / Decompress_d, d in [1, 11].
void compress_portable(Poly& f, unsigned d) noexcept;
void decompress_portable(Poly& f, unsigned d) noexcept;
// ByteEncode_d / ByteDecode_d, d in [1, 12] (32 d bytes; decoding d = 12 reduces mod q).
void byte_encode_portable(const Poly& f, unsigned d, std::uint8_t* out) noexcept;
void byte_decode_portable(const std::uint8_t* in, unsigned d, Poly& out) noexcept;

// The AVX2 variants; call only when cpu_has_avx2().
void ntt_avx2(Poly& f) noexcept;
void inverse_ntt_avx2(Poly& f) noexcept;
void inner_product_avx2(const Poly* a, const Poly* b, std::size_t count, Poly& out) noexcept;
void add_avx2(Poly& accumulator, const Poly& term) noexcept;
void subtract_avx2(Poly& accumulator, const Poly& term) noexcept;
std::size_t rej_uniform_avx2(std::uint16_t* out, std::size_t filled, const std::uint8_t* bytes,
                             std::size_t length) noexcept;
void cbd_avx2(const std::uint8_t* bytes, unsigned eta, Poly& out) noexcept;
void compress_avx2(Poly& f, unsigned d) noexcept;
void decompress_avx2(Poly& f, unsigned d) noexcept;
void byte_encode_avx2(const Poly& f, unsigned d, std::uint8_t* out) noexcept;
void byte_decode_avx2(const std::uint8_t* in, unsigned d, Poly& out) noexcept;

// Makes every ML-KEM operation of this process use the AVX2 (true) or portable kernels;
// false (and no change) if AVX2 is asked for on a CPU without it. For tests that compare
// the paths in one process: not to be called while other threads use ML-KEM.
bool select_kernels_for_testing(bool avx2) noexcept;
// Whether the AVX2 kernels are the ones in use.
[[nodiscard]] bool avx2_kernels_active() noexcept;

// zeta^BitRev7(i) mod q (FIPS 203 §4.3, zeta = 17), shared by both variants' tables.
constexpr std::uint8_t bit_reverse7(std::uint32_t x) noexcept {
    std::uint32_t out = 0;
    for (std::uint32_t i = 0; i < 7; ++i)
        out |= ((x >> i) & 1U) << (6 - i);
    return static_cast<std::uint8_t>(out);
}
constexpr std::uint32_t power_mod_q(std::uint32_t base, std::uint32_t exponent) noexcept {
    std::uint32_t result = 1;
    for (std::uint32_t i = 0; i < exponent; ++i)
        result = result * base % kQ;
    return result;
}
// The NTT's zeta^BitRev7(i) and the base-case products' gamma_i = zeta^(2 BitRev7(i) + 1).
constexpr std::uint32_t ntt_zeta(std::size_t i) noexcept {
    return power_mod_q(17, bit_reverse7(static_cast<std::uint32_t>(i)));
}
constexpr std::uint32_t basecase_gamma(std::size_t i) noexcept {
    return power_mod_q(17, 2U * bit_reverse7(static_cast<std::uint32_t>(i)) + 1);
}

}  // namespace qtm::crypto::mlkem::detail
