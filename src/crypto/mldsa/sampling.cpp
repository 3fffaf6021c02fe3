#include "crypto/mldsa/sampling.hpp"

#include "crypto/declassify.hpp"
#include "crypto/keccak.hpp"
#include "crypto/mldsa/encoding.hpp"
#include "crypto/mldsa/poly.hpp"

namespace qtm::crypto::mldsa {
namespace {

// Algorithm 30 RejNTTPoly over SHAKE128(seed). A is public, so the rejection loop on the
// stream may branch freely.
Poly rej_ntt_poly(const std::uint8_t seed[34]) noexcept {
    Shake128 xof;
    xof.absorb(ByteView{seed, 34});
    std::array<std::uint8_t, 5 * Shake128::kRate> buffer;  // 840 = 280 candidates
    xof.squeeze_blocks(buffer.data(), 5);
    std::size_t available = buffer.size();
    std::size_t position = 0;
    Poly a{};
    std::size_t j = 0;
    while (j < kN) {
        if (position + 3 > available) {
            // 168 is a multiple of 3, so no candidate straddles the refill.
            xof.squeeze_blocks(buffer.data(), 1);
            available = Shake128::kRate;
            position = 0;
        }
        // Algorithm 14 CoeffFromThreeBytes: 23 bits, accepted if below q.
        const std::int32_t candidate = static_cast<std::int32_t>(
            static_cast<std::uint32_t>(buffer[position]) |
            static_cast<std::uint32_t>(buffer[position + 1]) << 8 |
            (static_cast<std::uint32_t>(buffer[position + 2]) & 0x7FU) << 16);
        position += 3;
        if (candidate < kQ) a[j++] = candidate;
    }
    return a;
}

constexpr std::int32_t kRejected = 1000;  // outside [-eta, eta]

// Algorithm 15 CoeffFromHalfByte, branch-free on the nibble; kRejected encodes the
// algorithm's "bottom".
std::int32_t coefficient_from_half_byte(std::int32_t b, std::int32_t eta) noexcept {
    if (eta == 2) {                                  // eta is public
        const std::int32_t accept = (b - 15) >> 31;  // all ones iff b < 15
        return ((2 - b % 5) & accept) | (kRejected & ~accept);
    }
    const std::int32_t accept = (b - 9) >> 31;  // all ones iff b < 9
    return ((4 - b) & accept) | (kRejected & ~accept);
}

// Algorithm 31 RejBoundedPoly over SHAKE256(seed). The values are secret; which nibbles
// are rejected depends only on the discarded nibbles, which never reach the key, so only
// that decision is declassified.
Poly rej_bounded_poly(const Params& p, const std::uint8_t seed[66]) noexcept {
    Shake256 xof;
    xof.absorb(ByteView{seed, 66});
    std::array<std::uint8_t, Shake256::kRate> buffer;
    std::size_t position = buffer.size();
    Poly a{};
    std::size_t j = 0;
    while (j < kN) {
        if (position == buffer.size()) {
            xof.squeeze_blocks(buffer.data(), 1);
            position = 0;
        }
        const std::int32_t z = buffer[position++];
        const std::int32_t halves[2] = {coefficient_from_half_byte(z & 15, p.eta),
                                        coefficient_from_half_byte(z >> 4, p.eta)};
        for (const std::int32_t value : halves) {
            bool accepted = value != kRejected;
            declassify(&accepted, sizeof accepted);
            if (accepted && j < kN) a[j++] = to_field(value);
        }
    }
    secure_wipe(buffer.data(), buffer.size());
    return a;
}

}  // namespace

Poly sample_in_ball(const Params& p, ByteView c_tilde) noexcept {
    Shake256 xof;
    xof.absorb(c_tilde);
    std::array<std::uint8_t, Shake256::kRate> buffer;
    xof.squeeze_blocks(buffer.data(), 1);
    std::uint64_t signs = 0;
    for (std::size_t i = 0; i < 8; ++i)
        signs |= static_cast<std::uint64_t>(buffer[i]) << (8 * i);
    std::size_t position = 8;
    Poly c{};
    // c_tilde is published in the signature; the loop below branches on its hash only.
    for (std::size_t i = kN - p.tau; i < kN; ++i) {
        std::size_t j = 0;
        do {
            if (position == buffer.size()) {
                xof.squeeze_blocks(buffer.data(), 1);
                position = 0;
            }
            j = buffer[position++];
        } while (j > i);
        c[i] = c[j];
        c[j] = (signs & 1U) != 0 ? kQ - 1 : 1;
        signs >>= 1;
    }
    return c;
}

namespace {
template <class Entry>
void expand_a_with(const Params& p, const ByteArray<32>& rho, Entry entry) noexcept {
    std::uint8_t seed[34];
    std::copy(rho.begin(), rho.end(), seed);
    for (std::size_t r = 0; r < p.k; ++r) {
        for (std::size_t s = 0; s < p.l; ++s) {
            seed[32] = static_cast<std::uint8_t>(s);  // column first, as Algorithm 32 says
            seed[33] = static_cast<std::uint8_t>(r);
            entry(r, s) = rej_ntt_poly(seed);
        }
    }
}
}  // namespace

void expand_a_into(const Params& p, const ByteArray<32>& rho, Poly* a_hat,
                   std::size_t row_stride) noexcept {
    expand_a_with(p, rho,
                  [&](std::size_t r, std::size_t s) -> Poly& { return a_hat[r * row_stride + s]; });
}

void expand_a(const Params& p, const ByteArray<32>& rho,
              std::array<PolyVecL, kMaxK>& a_hat) noexcept {
    expand_a_with(p, rho, [&](std::size_t r, std::size_t s) -> Poly& { return a_hat[r][s]; });
}

void expand_s(const Params& p, const ByteArray<64>& rho_prime, PolyVecL& s1,
              PolyVecK& s2) noexcept {
    std::uint8_t seed[66];
    std::copy(rho_prime.begin(), rho_prime.end(), seed);
    for (std::size_t r = 0; r < p.l + p.k; ++r) {
        seed[64] = static_cast<std::uint8_t>(r);
        seed[65] = static_cast<std::uint8_t>(r >> 8);
        Poly& target = r < p.l ? s1[r] : s2[r - p.l];
        target = rej_bounded_poly(p, seed);
    }
    secure_wipe(seed, sizeof seed);
}

void expand_mask(const Params& p, const ByteArray<64>& rho_second, std::uint16_t kappa,
                 PolyVecL& y) noexcept {
    std::uint8_t seed[66];
    std::copy(rho_second.begin(), rho_second.end(), seed);
    std::array<std::uint8_t, 5 * Shake256::kRate> buffer;  // 680 >= 32 * 20 = 640
    for (std::size_t r = 0; r < p.l; ++r) {
        const auto index = static_cast<std::uint16_t>(kappa + r);
        seed[64] = static_cast<std::uint8_t>(index);
        seed[65] = static_cast<std::uint8_t>(index >> 8);
        Shake256 xof;
        xof.absorb(ByteView{seed, 66});
        xof.squeeze_blocks(buffer.data(), 5);
        y[r] = bit_unpack(buffer.data(), p.gamma1_bits, p.gamma1);
    }
    secure_wipe(buffer.data(), buffer.size());
    secure_wipe(seed, sizeof seed);
}

}  // namespace qtm::crypto::mldsa
