// Arithmetic in Z_q and R_q for ML-DSA (FIPS 204 §7.5): the NTT and its inverse, pointwise
// products, and the coefficient-wise helpers the scheme needs.
//
// Coefficients are kept fully reduced in [0, q). Products use `% kQ` on 64-bit unsigned
// values: q is a compile-time constant, so the compiler emits a multiply-and-shift, whose
// running time does not depend on the (secret) operands. Additions reduce with a mask.
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

// Algorithm 41 NTT and Algorithm 42 NTT^-1, in place.
void ntt(Poly& w) noexcept;
void inverse_ntt(Poly& w) noexcept;

// Multiplication in T_q (Algorithm 45 MultiplyNTT) and the module products of §2.5.
[[nodiscard]] Poly multiply_ntt(const Poly& a, const Poly& b) noexcept;
void add_to(Poly& accumulator, const Poly& term) noexcept;
void subtract_from(Poly& accumulator, const Poly& term) noexcept;

// Accumulates the row-times-vector products A * v for the k x l matrix (all in NTT form).
void matrix_vector_ntt(const Params& p, const std::array<PolyVecL, kMaxK>& a_hat,
                       const PolyVecL& v_hat, PolyVecK& out) noexcept;

// max_i |coefficient mod ± q| over one polynomial, computed without secret branches.
[[nodiscard]] std::int32_t infinity_norm(const Poly& a) noexcept;

}  // namespace qtm::crypto::mldsa
