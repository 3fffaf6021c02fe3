// Rounding of FIPS 204 §7.4 (Algorithms 35-40), per coefficient and per polynomial (the
// portable kernels of kernels.hpp; rounding_avx2.cpp has the same in eight lanes).
//
// Decompose divides by 2 gamma2 without a divide: for r in [0, q), the high part is
// ceil(r / 128) (which is below 2^16) times a fixed-point reciprocal of 2 gamma2 / 128,
// rounded; for gamma2 = (q-1)/88 the one value 44 (the q - 1 corner case of Algorithm 36)
// is mapped to 0. The technique is that of Dilithium's reference code; the unit tests check
// it against the definition (r mod± 2 gamma2 with % and the corner case as written) for
// every r in [0, q).
#include "crypto/mldsa/rounding.hpp"

#include "crypto/mldsa/kernels.hpp"
#include "crypto/mldsa/poly.hpp"

namespace qtm::crypto::mldsa {
namespace {

constexpr std::int32_t kGamma2Small = (kQ - 1) / 88;  // ML-DSA-44
constexpr std::int32_t kGamma2Large = (kQ - 1) / 32;  // ML-DSA-65/87

template <std::int32_t kGamma2>
[[gnu::always_inline]] inline std::int32_t high_of(std::int32_t r) noexcept {
    const std::int32_t a = (r + 127) >> 7;
    if constexpr (kGamma2 == kGamma2Large) {
        return ((a * 1025 + (1 << 21)) >> 22) & 15;
    } else {
        const std::int32_t high = (a * 11275 + (1 << 23)) >> 24;  // 0..44
        return high & ~((43 - high) >> 31);                       // 44 -> 0
    }
}

template <std::int32_t kGamma2>
[[gnu::always_inline]] inline Split decompose_with(std::int32_t r) noexcept {
    const std::int32_t high = high_of<kGamma2>(r);
    std::int32_t low = r - high * 2 * kGamma2;
    low -= (((kQ - 1) / 2 - low) >> 31) & kQ;  // the corner case: r - q
    return {high, low};
}

[[gnu::always_inline]] inline std::int32_t absolute(std::int32_t a) noexcept {
    return (a ^ (a >> 31)) - (a >> 31);
}
[[gnu::always_inline]] inline std::int32_t maximum(std::int32_t a, std::int32_t b) noexcept {
    return a + (((a - b) >> 31) & (b - a));
}

template <std::int32_t kGamma2>
void high_bits_with(const std::int32_t* r, std::int32_t* high) noexcept {
    for (std::size_t i = 0; i < kN; ++i)
        high[i] = high_of<kGamma2>(r[i]);
}

template <std::int32_t kGamma2>
std::int32_t low_bits_norm_with(const std::int32_t* r) noexcept {
    std::int32_t norm = 0;
    for (std::size_t i = 0; i < kN; ++i)
        norm = maximum(norm, absolute(decompose_with<kGamma2>(r[i]).low));
    return norm;
}

template <std::int32_t kGamma2>
std::int32_t make_hints_with(const std::int32_t* r, const std::int32_t* ct0,
                             std::int32_t* h) noexcept {
    std::int32_t ones = 0;
    for (std::size_t i = 0; i < kN; ++i) {
        const std::int32_t difference =
            high_of<kGamma2>(r[i]) ^ high_of<kGamma2>(reduce_add(r[i], ct0[i]));
        // 1 iff difference != 0, without a branch.
        h[i] = static_cast<std::int32_t>((static_cast<std::uint32_t>(difference) |
                                          (0U - static_cast<std::uint32_t>(difference))) >>
                                         31);
        ones += h[i];
    }
    return ones;
}

template <std::int32_t kGamma2>
void use_hints_with(const std::int32_t* h, std::int32_t* w) noexcept {
    constexpr std::int32_t m = (kQ - 1) / (2 * kGamma2);
    for (std::size_t i = 0; i < kN; ++i) {
        const Split split = decompose_with<kGamma2>(w[i]);
        // Public data (the signature and the public key): branches are fine, but the
        // arithmetic form is as short. delta = h (low > 0 ? 1 : -1).
        const std::int32_t delta = h[i] * (1 - 2 * static_cast<std::int32_t>(split.low <= 0));
        std::int32_t high = split.high + delta;
        if constexpr (m == 16) {
            high &= 15;
        } else {
            high += (high >> 31) & m;  // -1 -> m - 1
            high &= -static_cast<std::int32_t>(high != m);
        }
        w[i] = high;
    }
}

}  // namespace

Split power2round(std::int32_t r) noexcept {
    constexpr std::int32_t kHalf = 1 << (kD - 1);
    const std::int32_t high = (r + kHalf - 1) >> kD;
    return {high, r - (high << kD)};
}

Split decompose(std::int32_t r, std::int32_t gamma2) noexcept {
    // gamma2 is a public parameter; the branch selects the constants.
    if (gamma2 == kGamma2Small) return decompose_with<kGamma2Small>(r);
    return decompose_with<kGamma2Large>(r);
}

std::int32_t make_hint(std::int32_t z, std::int32_t r, std::int32_t gamma2) noexcept {
    std::int32_t sum = r + z - kQ;
    sum += (sum >> 31) & kQ;
    const std::int32_t difference = decompose(r, gamma2).high ^ decompose(sum, gamma2).high;
    // 1 iff difference != 0, without a branch.
    return static_cast<std::int32_t>(
        (static_cast<std::uint32_t>(difference) | (0U - static_cast<std::uint32_t>(difference))) >>
        31);
}

std::int32_t use_hint(std::int32_t h, std::int32_t r, std::int32_t gamma2) noexcept {
    const std::int32_t m = (kQ - 1) / (2 * gamma2);
    const Split split = decompose(r, gamma2);
    if (h == 0) return split.high;
    if (split.low > 0) return split.high + 1 == m ? 0 : split.high + 1;
    return split.high == 0 ? m - 1 : split.high - 1;
}

void power2round_poly(const Poly& t, Poly& t1, Poly& t0) noexcept {
    detail::kernels().power2round(t.data(), t1.data(), t0.data());
}
void high_bits_poly(const Poly& r, Poly& high, std::int32_t gamma2) noexcept {
    detail::kernels().high_bits(r.data(), high.data(), gamma2);
}
std::int32_t low_bits_norm(const Poly& r, std::int32_t gamma2) noexcept {
    return detail::kernels().low_bits_norm(r.data(), gamma2);
}
std::int32_t make_hints(const Poly& r, const Poly& ct0, Poly& h, std::int32_t gamma2) noexcept {
    return detail::kernels().make_hints(r.data(), ct0.data(), h.data(), gamma2);
}
void use_hints(const Poly& h, Poly& w, std::int32_t gamma2) noexcept {
    detail::kernels().use_hints(h.data(), w.data(), gamma2);
}

namespace detail {

void power2round_portable(const std::int32_t* t, std::int32_t* t1, std::int32_t* t0) noexcept {
    for (std::size_t i = 0; i < kN; ++i) {
        const Split split = power2round(t[i]);
        t1[i] = split.high;
        t0[i] = to_field(split.low);
    }
}

void high_bits_portable(const std::int32_t* r, std::int32_t* high, std::int32_t gamma2) noexcept {
    if (gamma2 == kGamma2Small) return high_bits_with<kGamma2Small>(r, high);
    high_bits_with<kGamma2Large>(r, high);
}

std::int32_t low_bits_norm_portable(const std::int32_t* r, std::int32_t gamma2) noexcept {
    if (gamma2 == kGamma2Small) return low_bits_norm_with<kGamma2Small>(r);
    return low_bits_norm_with<kGamma2Large>(r);
}

std::int32_t make_hints_portable(const std::int32_t* r, const std::int32_t* ct0, std::int32_t* h,
                                 std::int32_t gamma2) noexcept {
    if (gamma2 == kGamma2Small) return make_hints_with<kGamma2Small>(r, ct0, h);
    return make_hints_with<kGamma2Large>(r, ct0, h);
}

void use_hints_portable(const std::int32_t* h, std::int32_t* w, std::int32_t gamma2) noexcept {
    if (gamma2 == kGamma2Small) return use_hints_with<kGamma2Small>(h, w);
    use_hints_with<kGamma2Large>(h, w);
}

std::int32_t infinity_norm_portable(const std::int32_t* a) noexcept {
    std::int32_t norm = 0;
    for (std::size_t i = 0; i < kN; ++i)
        norm = maximum(norm, absolute(centered(a[i])));
    return norm;
}

}  // namespace detail

}  // namespace qtm::crypto::mldsa
