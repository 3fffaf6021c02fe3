#include "crypto/mldsa/rounding.hpp"

namespace qtm::crypto::mldsa {
namespace {

template <std::int32_t kGamma2>
Split decompose_with(std::int32_t r) noexcept {
    constexpr std::int32_t kAlpha = 2 * kGamma2;
    std::int32_t low = r % kAlpha;               // in [0, alpha)
    low -= ((kAlpha / 2 - low) >> 31) & kAlpha;  // mod ± alpha: (-gamma2, gamma2]
    const std::int32_t difference = r - low;     // a multiple of alpha
    // r - low == q - 1 would give high = (q-1)/alpha, one past the range: FIPS 204 sets
    // high = 0 and decrements low instead. The mask is all ones in that case only.
    const std::int32_t corner = ((difference ^ (kQ - 1)) - 1) >> 31;
    const std::int32_t high = (difference / kAlpha) & ~corner;
    return {high, low + corner};
}

}  // namespace

Split power2round(std::int32_t r) noexcept {
    constexpr std::int32_t kHalf = 1 << (kD - 1);
    std::int32_t low = r & ((1 << kD) - 1);
    low -= ((kHalf - low) >> 31) & (1 << kD);  // centre into (-2^(d-1), 2^(d-1)]
    return {(r - low) >> kD, low};
}

Split decompose(std::int32_t r, std::int32_t gamma2) noexcept {
    // gamma2 is a public parameter; the branch selects the constant divisor.
    if (gamma2 == (kQ - 1) / 88) return decompose_with<(kQ - 1) / 88>(r);
    return decompose_with<(kQ - 1) / 32>(r);
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

}  // namespace qtm::crypto::mldsa
