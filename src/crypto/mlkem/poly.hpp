// Polynomials of ML-KEM (FIPS 203): elements of Z_q[X]/(X^256 + 1) with q = 3329, the NTT,
// sampling, compression and byte encoding. Internal to src/crypto; the API is mlkem.hpp.
//
// Coefficients are kept fully reduced in [0, q) between functions. Each function runs a
// portable or an AVX2 kernel (mlkem/kernels.hpp), chosen once per process (crypto/cpu.hpp);
// both give the same outputs bit for bit. Portable products use `% kQ` on 32-bit values
// (q is a compile-time constant, so the compiler emits a multiply-and-shift) or, inside the
// NTTs, Montgomery reduction with lazily reduced sums; the AVX2 kernels use Montgomery and
// Barrett reduction on 16-bit lanes. No running time depends on the (secret) operands.
#pragma once

#include <array>
#include <cstdint>

#include "base/bytes.hpp"

namespace qtm::crypto::mlkem {

inline constexpr std::uint32_t kQ = 3329;
inline constexpr std::size_t kN = 256;
inline constexpr std::size_t kMaxK = 4;

using Poly = std::array<std::uint16_t, kN>;
using PolyVector = std::array<Poly, kMaxK>;  // the first k entries are used

// Algorithm 9 NTT and Algorithm 10 NTT^-1, in place.
void ntt(Poly& f) noexcept;
void inverse_ntt(Poly& f) noexcept;
// Algorithms 11/12: the product of two polynomials in the NTT domain.
[[nodiscard]] Poly multiply_ntts(const Poly& f, const Poly& g) noexcept;
// sum_j a[j] o b[j] over `count` pairs, reduced once at the end.
[[nodiscard]] Poly inner_product_ntt(const Poly* a, const Poly* b, std::size_t count) noexcept;
void add_to(Poly& accumulator, const Poly& term) noexcept;
void subtract_from(Poly& accumulator, const Poly& term) noexcept;

// Algorithm 7 SampleNTT: rejection sampling from SHAKE128(rho || j || i), for `count`
// (j, i) pairs at once, four SHAKE streams in step (ShakeX4; a lone last one on its own,
// as ML-KEM-768's ninth entry). The matrix is public (rho is
// part of the encapsulation key), so the data-dependent loop is harmless.
struct NttSample {
    std::uint8_t j;
    std::uint8_t i;
    Poly* out;
};
void sample_ntt_many(const ByteArray<32>& rho, const NttSample* samples,
                     std::size_t count) noexcept;
// Algorithm 8 SamplePolyCBD_eta over PRF_eta(seed, i) = SHAKE256(seed || i) into out[i] for
// i in [0, count), with eta = eta_low for i < split and eta_high from there: four streams
// in step (ShakeX4), a lone last one on its own (one SHAKE256 costs about half of four).
void sample_cbd_many(const ByteArray<32>& seed, unsigned eta_low, std::size_t split,
                     unsigned eta_high, Poly* out, std::size_t count) noexcept;

// Algorithm 5 ByteEncode_d / Algorithm 6 ByteDecode_d (32 * d bytes). For d = 12 decoding
// reduces mod q, as the standard says; the modulus check compares the round trip.
void byte_encode(const Poly& f, unsigned d, std::uint8_t* out) noexcept;
[[nodiscard]] Poly byte_decode(const std::uint8_t* in, unsigned d) noexcept;

// Compress_d / Decompress_d (§4.2.1), coefficient-wise.
void compress(Poly& f, unsigned d) noexcept;
void decompress(Poly& f, unsigned d) noexcept;

}  // namespace qtm::crypto::mlkem
