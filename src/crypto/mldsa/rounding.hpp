// Rounding of FIPS 204 §7.4: Power2Round, Decompose, HighBits/LowBits, MakeHint, UseHint.
// Every function on secret-derived values is branch-free; no divide is used (rounding.cpp).
#pragma once

#include "crypto/mldsa/params.hpp"

namespace qtm::crypto::mldsa {

struct Split {
    std::int32_t high;
    std::int32_t low;  // centred: in (-2^(d-1), 2^(d-1)] or (-gamma2, gamma2]
};

// Algorithm 35 Power2Round: r = high * 2^d + low, for r in [0, q).
[[nodiscard]] Split power2round(std::int32_t r) noexcept;

// Algorithm 36 Decompose: r = high * 2 gamma2 + low, with the q - 1 corner case, for r in
// [0, q). gamma2 is (q-1)/88 or (q-1)/32.
[[nodiscard]] Split decompose(std::int32_t r, std::int32_t gamma2) noexcept;

// Algorithm 39 MakeHint: 1 iff HighBits(r) != HighBits(r + z); z, r in [0, q).
[[nodiscard]] std::int32_t make_hint(std::int32_t z, std::int32_t r, std::int32_t gamma2) noexcept;

// Algorithm 40 UseHint: the high bits of r, corrected by the hint bit h. Used on public data.
[[nodiscard]] std::int32_t use_hint(std::int32_t h, std::int32_t r, std::int32_t gamma2) noexcept;

// The same on whole polynomials, through the kernels in use (kernels.hpp), all in [0, q):
// Power2Round (t0 as its low bits mod q), HighBits, max |LowBits|, the hints of Algorithm 7
// line 26 (h = MakeHint(-ct0, r + ct0) for r = w - c s2; returns the number of ones) and
// UseHint in place.
void power2round_poly(const Poly& t, Poly& t1, Poly& t0) noexcept;
void high_bits_poly(const Poly& r, Poly& high, std::int32_t gamma2) noexcept;
[[nodiscard]] std::int32_t low_bits_norm(const Poly& r, std::int32_t gamma2) noexcept;
[[nodiscard]] std::int32_t make_hints(const Poly& r, const Poly& ct0, Poly& h,
                                      std::int32_t gamma2) noexcept;
void use_hints(const Poly& h, Poly& w, std::int32_t gamma2) noexcept;

}  // namespace qtm::crypto::mldsa
