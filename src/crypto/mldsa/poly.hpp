// Arithmetic in Z_q and R_q for ML-DSA (FIPS 204 §7.5): the NTT and its inverse, pointwise
// products, and the coefficient-wise helpers the scheme needs.
//
// Coefficients are kept fully reduced in [0, q) between functions. Inside the NTTs and the
// products that feed the inverse NTT, arithmetic is Montgomery's (R = 2^32) on signed
// representatives with lazy reduction: a butterfly adds and subtracts without reducing, and
// each function says how large its inputs may be. All of it is multiplies, shifts and
// masks, whose running time does not depend on the (secret) operands.
#pragma once

#include "crypto/mldsa/params.hpp"

namespace qtm::crypto::mldsa {

[[nodiscard]] constexpr std::int32_t reduce_add(std::int32_t a, std::int32_t b) noexcept {
    const std::int32_t s = a + b - kQ;  // in [-q, q)
    return s + ((s >> 31) & kQ);
}
[[nodiscard]] constexpr std::int32_t reduce_sub(std::int32_t a, std::int32_t b) noexcept {
    const std::int32_t s = a - b;  // in (-q, q)
    return s + ((s >> 31) & kQ);
}
[[nodiscard]] constexpr std::int32_t reduce_mul(std::int32_t a, std::int32_t b) noexcept {
    const std::uint64_t product =
        static_cast<std::uint64_t>(static_cast<std::uint32_t>(a)) * static_cast<std::uint32_t>(b);
    return static_cast<std::int32_t>(product % static_cast<std::uint64_t>(kQ));
}
// Maps an integer in (-q, q) to [0, q) without a branch.
[[nodiscard]] constexpr std::int32_t to_field(std::int32_t a) noexcept {
    return a + ((a >> 31) & kQ);
}
// The representative of a in (-(q-1)/2, (q-1)/2] (FIPS 204 "mod ±q"), without a branch.
[[nodiscard]] constexpr std::int32_t centered(std::int32_t a) noexcept {
    return a - (((kQ - 1) / 2 - a) >> 31 & kQ);
}

inline constexpr std::int32_t kQInverse = 58728449;  // q^-1 mod 2^32
static_assert(static_cast<std::uint32_t>(kQ) * static_cast<std::uint32_t>(kQInverse) == 1U);

// a * 2^-32 mod q for |a| < q * 2^31, as a representative in (-q, q).
[[nodiscard]] constexpr std::int32_t montgomery_reduce(std::int64_t a) noexcept {
    const auto t = static_cast<std::int32_t>(static_cast<std::uint32_t>(a) *
                                             static_cast<std::uint32_t>(kQInverse));
    return static_cast<std::int32_t>((a - static_cast<std::int64_t>(t) * kQ) >> 32);
}
// A representative of a mod q in [-6283009, 6283008], for a < 2^31 - 2^22.
[[nodiscard]] constexpr std::int32_t reduce32(std::int32_t a) noexcept {
    const std::int32_t t = (a + (1 << 22)) >> 23;
    return a - t * kQ;
}
// a mod q in [0, q), for |a| < 2^31 - 2^22.
[[nodiscard]] constexpr std::int32_t freeze(std::int32_t a) noexcept {
    return to_field(reduce32(a));
}

// Algorithm 41 NTT and Algorithm 42 NTT^-1, in place; inputs in (-q, q) (any sign),
// outputs in [0, q). The variant chosen at start-up (AVX2 or portable, see dispatch.hpp)
// gives the same outputs.
void ntt(Poly& w) noexcept;
void inverse_ntt(Poly& w) noexcept;
// NTT^-1 of a polynomial whose coefficients carry a factor 2^-32 (the output of the
// Montgomery products below), with that factor removed: inputs |c| < 2^31 - 2^22, outputs
// in [0, q).
void inverse_ntt_montgomery(Poly& w) noexcept;

// Multiplication in T_q (Algorithm 45 MultiplyNTT), fully reduced, and the module
// products of §2.5.
[[nodiscard]] Poly multiply_ntt(const Poly& a, const Poly& b) noexcept;
void add_to(Poly& accumulator, const Poly& term) noexcept;
void subtract_from(Poly& accumulator, const Poly& term) noexcept;
// c = a * b * 2^-32 coefficient-wise, in (-q, q), for |a|, |b| < q: the products that
// go into inverse_ntt_montgomery. The accumulating form adds to c (|c| grows by < q).
void multiply_ntt_montgomery(const Poly& a, const Poly& b, Poly& c) noexcept;
void multiply_add_ntt_montgomery(const Poly& a, const Poly& b, Poly& c) noexcept;

// c = sum_j a[j] b[j] 2^-32 over `count` consecutive polynomials (|c| < count q), for
// |a|, |b| < q: one row of a matrix-vector product, ready for inverse_ntt_montgomery.
void multiply_rows(const Poly* a, const Poly* b, std::size_t count, Poly& c) noexcept;

// The row-times-vector products A * v for the k x l matrix (all in NTT form), each entry
// of `out` as a sum of Montgomery products (|c| < l q), ready for inverse_ntt_montgomery.
void matrix_vector_ntt(const Params& p, const std::array<PolyVecL, kMaxK>& a_hat,
                       const PolyVecL& v_hat, PolyVecK& out) noexcept;

// A challenge c of SampleInBall (tau coefficients 1 or q - 1) as its positions, and
// polynomials with small centred coefficients (s1, s2: |s_i| <= eta) as 16-bit values:
// c s is then tau shifted copies of s added up, cheaper than NTT products and NTT^-1.
// The positions are public (c comes from c_tilde, part of the signature).
struct SparseChallenge {
    std::uint8_t plus[kN];
    std::uint8_t minus[kN];
    std::size_t plus_count;
    std::size_t minus_count;
};
// s as the extended copy [-s, s] that every shifted window of c s reads, built once.
struct SmallPoly {
    alignas(32) std::array<std::int16_t, 2 * kN> extended;
};
[[nodiscard]] SparseChallenge sparse_challenge(const Poly& c) noexcept;
// c s mod q in [0, q), for |s_i| tau < 2^15 (s = s1 or s2 of a well-formed or malformed key:
// skDecode gives |s_i| <= 2^eta_bits).
void sparse_multiply(const SparseChallenge& c, const SmallPoly& s, Poly& out) noexcept;
// a in [0, q) with small centred values -> the extended 16-bit copy.
[[nodiscard]] SmallPoly to_small(const Poly& a) noexcept;

// max_i |coefficient mod ± q| over one polynomial, computed without secret branches.
[[nodiscard]] std::int32_t infinity_norm(const Poly& a) noexcept;

}  // namespace qtm::crypto::mldsa
