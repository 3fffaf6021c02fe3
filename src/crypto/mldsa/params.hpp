// ML-DSA parameter sets (FIPS 204 Table 1) and the ring R_q = Z_q[X]/(X^256 + 1).
// Internal to src/crypto; the API is mldsa.hpp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "crypto/signature_scheme.hpp"

namespace qtm::crypto::mldsa {

inline constexpr std::int32_t kQ = 8380417;
inline constexpr std::size_t kN = 256;
inline constexpr int kD = 13;  // dropped bits of t (Power2Round)
inline constexpr std::size_t kMaxK = 8;
inline constexpr std::size_t kMaxL = 7;
inline constexpr std::size_t kSeedBytes = 32;
inline constexpr std::size_t kTrBytes = 64;
inline constexpr std::size_t kMuBytes = 64;
inline constexpr std::size_t kMaxContext = 255;

struct Params {
    std::size_t k;
    std::size_t l;
    std::int32_t eta;
    std::size_t tau;
    std::int32_t beta;
    std::int32_t gamma1;
    std::int32_t gamma2;
    std::size_t omega;
    std::size_t c_tilde_bytes;  // lambda / 4
    int gamma1_bits;            // 1 + bitlen(gamma1 - 1): width of z coefficients
    int eta_bits;               // bitlen(2 eta): width of s1, s2 coefficients
    int w1_bits;                // bitlen((q - 1) / (2 gamma2) - 1)

    [[nodiscard]] constexpr std::size_t public_key_bytes() const noexcept { return 32 + 320 * k; }
    [[nodiscard]] constexpr std::size_t secret_key_bytes() const noexcept {
        return 128 + 32 * static_cast<std::size_t>(eta_bits) * (k + l) + 416 * k;
    }
    [[nodiscard]] constexpr std::size_t signature_bytes() const noexcept {
        return c_tilde_bytes + 32 * static_cast<std::size_t>(gamma1_bits) * l + omega + k;
    }
};

inline constexpr Params kMlDsa44{4, 4, 2, 39, 78, 1 << 17, (kQ - 1) / 88, 80, 32, 18, 3, 6};
inline constexpr Params kMlDsa65{6, 5, 4, 49, 196, 1 << 19, (kQ - 1) / 32, 55, 48, 20, 4, 4};
inline constexpr Params kMlDsa87{8, 7, 2, 60, 120, 1 << 19, (kQ - 1) / 32, 75, 64, 20, 3, 4};

[[nodiscard]] constexpr const Params& params_of(SignatureScheme scheme) noexcept {
    switch (scheme) {
        case SignatureScheme::kMlDsa65:
            return kMlDsa65;
        case SignatureScheme::kMlDsa87:
            return kMlDsa87;
        case SignatureScheme::kMlDsa44:
            break;
    }
    return kMlDsa44;
}

// The sizes here and in signature_scheme.hpp come from two places; make them agree.
static_assert(kMlDsa44.public_key_bytes() == 1312 && kMlDsa44.secret_key_bytes() == 2560 &&
              kMlDsa44.signature_bytes() == 2420);
static_assert(kMlDsa65.public_key_bytes() == 1952 && kMlDsa65.secret_key_bytes() == 4032 &&
              kMlDsa65.signature_bytes() == 3309);
static_assert(kMlDsa87.public_key_bytes() == 2592 && kMlDsa87.secret_key_bytes() == 4896 &&
              kMlDsa87.signature_bytes() == 4627);

// Coefficients are kept in [0, q) unless a function says otherwise.
using Poly = std::array<std::int32_t, kN>;
using PolyVecK = std::array<Poly, kMaxK>;  // the first k entries are used
using PolyVecL = std::array<Poly, kMaxL>;  // the first l entries are used

}  // namespace qtm::crypto::mldsa
