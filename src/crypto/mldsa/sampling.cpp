#include "crypto/mldsa/sampling.hpp"

#include "crypto/declassify.hpp"
#include "crypto/keccak.hpp"
#include "crypto/mldsa/encoding.hpp"
#include "crypto/mldsa/kernels.hpp"
#include "crypto/mldsa/poly.hpp"

namespace qtm::crypto::mldsa {
namespace {

// The streams of one expansion, four at a time through ShakeX4; `count` streams in all,
// seed(i, bytes) writing stream i's seed. Lanes past the end repeat the last seed.
template <std::size_t kSeedBytes, class Seed, class Consume>
void for_each_stream_x4(std::size_t rate, std::size_t count, Seed seed, Consume consume) noexcept {
    for (std::size_t first = 0; first < count; first += 4) {
        std::uint8_t seeds[4][kSeedBytes];
        const std::uint8_t* in[4];
        for (std::size_t lane = 0; lane < 4; ++lane) {
            seed(std::min(first + lane, count - 1), seeds[lane]);
            in[lane] = seeds[lane];
        }
        ShakeX4 xof{rate};
        xof.absorb_all(in, kSeedBytes);
        secure_wipe(seeds, sizeof seeds);
        consume(first, std::min<std::size_t>(4, count - first), xof);
    }
}

// Algorithm 30 RejNTTPoly, resumable, through the kernels in use (kernels.hpp).
std::size_t rej_ntt_coefficients(Poly& a, std::size_t j, const std::uint8_t* bytes,
                                 std::size_t length) noexcept {
    return detail::kernels().rej_ntt(a.data(), j, bytes, length);
}

// Algorithm 31 RejBoundedPoly, resumable like rej_ntt_coefficients, through the kernels.
std::size_t rej_bounded_coefficients(const Params& p, Poly& a, std::size_t j,
                                     const std::uint8_t* bytes, std::size_t length) noexcept {
    return detail::kernels().rej_eta(a.data(), j, bytes, length, p.eta);
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
    const std::size_t count = p.k * p.l;
    const auto seed = [&](std::size_t i, std::uint8_t* out) {
        std::copy(rho.begin(), rho.end(), out);
        out[32] = static_cast<std::uint8_t>(i % p.l);  // column first, as Algorithm 32 says
        out[33] = static_cast<std::uint8_t>(i / p.l);
    };
    for_each_stream_x4<34>(
        Shake128::kRate, count, seed, [&](std::size_t first, std::size_t used, ShakeX4& xof) {
            // 5 blocks give 280 candidates, each accepted with probability q / 2^23 > 0.999: almost
            // always enough for 256; if not, one more block at a time for the streams still short.
            std::uint8_t buffers[4][5 * Shake128::kRate];
            std::uint8_t* out[4] = {buffers[0], buffers[1], buffers[2], buffers[3]};
            xof.squeeze_blocks(out, 5);
            std::size_t filled[4] = {0, 0, 0, 0};
            bool short_of_coefficients = false;
            for (std::size_t lane = 0; lane < used; ++lane) {
                Poly& a = entry((first + lane) / p.l, (first + lane) % p.l);
                filled[lane] = rej_ntt_coefficients(a, 0, buffers[lane], sizeof buffers[lane]);
                short_of_coefficients |= filled[lane] < kN;
            }
            while (short_of_coefficients) {
                xof.squeeze_blocks(out, 1);
                short_of_coefficients = false;
                for (std::size_t lane = 0; lane < used; ++lane) {
                    Poly& a = entry((first + lane) / p.l, (first + lane) % p.l);
                    filled[lane] =
                        rej_ntt_coefficients(a, filled[lane], buffers[lane], Shake128::kRate);
                    short_of_coefficients |= filled[lane] < kN;
                }
            }
        });
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
    const auto target = [&](std::size_t r) -> Poly& { return r < p.l ? s1[r] : s2[r - p.l]; };
    const auto seed = [&](std::size_t r, std::uint8_t* out) {
        std::copy(rho_prime.begin(), rho_prime.end(), out);
        out[64] = static_cast<std::uint8_t>(r);
        out[65] = static_cast<std::uint8_t>(r >> 8);
    };
    for_each_stream_x4<66>(
        Shake256::kRate, p.l + p.k, seed, [&](std::size_t first, std::size_t used, ShakeX4& xof) {
            std::uint8_t buffers[4][Shake256::kRate];
            std::uint8_t* out[4] = {buffers[0], buffers[1], buffers[2], buffers[3]};
            std::size_t filled[4] = {0, 0, 0, 0};
            for (bool short_of_coefficients = true; short_of_coefficients;) {
                xof.squeeze_blocks(out, 1);
                short_of_coefficients = false;
                for (std::size_t lane = 0; lane < used; ++lane) {
                    filled[lane] = rej_bounded_coefficients(p, target(first + lane), filled[lane],
                                                            buffers[lane], Shake256::kRate);
                    short_of_coefficients |= filled[lane] < kN;
                }
            }
            secure_wipe(buffers, sizeof buffers);
        });
}

void expand_mask(const Params& p, const ByteArray<64>& rho_second, std::uint16_t kappa,
                 PolyVecL& y) noexcept {
    const auto seed = [&](std::size_t r, std::uint8_t* out) {
        const auto index = static_cast<std::uint16_t>(kappa + r);
        std::copy(rho_second.begin(), rho_second.end(), out);
        out[64] = static_cast<std::uint8_t>(index);
        out[65] = static_cast<std::uint8_t>(index >> 8);
    };
    for_each_stream_x4<66>(
        Shake256::kRate, p.l, seed, [&](std::size_t first, std::size_t used, ShakeX4& xof) {
            std::uint8_t buffers[4][5 * Shake256::kRate];  // 680 >= 32 * 20 = 640
            std::uint8_t* out[4] = {buffers[0], buffers[1], buffers[2], buffers[3]};
            xof.squeeze_blocks(out, 5);
            for (std::size_t lane = 0; lane < used; ++lane)
                detail::kernels().unpack_z(buffers[lane], y[first + lane].data(), p.gamma1_bits);
            secure_wipe(buffers, sizeof buffers);
        });
}

MaskStreams::~MaskStreams() {
    secure_wipe(batch_.data(), sizeof batch_);
}

void MaskStreams::next(PolyVecL& y) noexcept {
    for (std::size_t r = 0; r < p_.l; ++r) {
        if (used_ == 4) {
            const std::uint16_t first = next_;
            const auto seed = [&](std::size_t lane, std::uint8_t* out) {
                const auto index = static_cast<std::uint16_t>(first + lane);
                std::copy(rho_second_.begin(), rho_second_.end(), out);
                out[64] = static_cast<std::uint8_t>(index);
                out[65] = static_cast<std::uint8_t>(index >> 8);
            };
            for_each_stream_x4<66>(
                Shake256::kRate, 4, seed, [&](std::size_t, std::size_t, ShakeX4& xof) {
                    std::uint8_t buffers[4][5 * Shake256::kRate];  // 680 >= 32 * 20 = 640
                    std::uint8_t* out[4] = {buffers[0], buffers[1], buffers[2], buffers[3]};
                    xof.squeeze_blocks(out, 5);
                    for (std::size_t lane = 0; lane < 4; ++lane)
                        detail::kernels().unpack_z(buffers[lane], batch_[lane].data(),
                                                   p_.gamma1_bits);
                    secure_wipe(buffers, sizeof buffers);
                });
            next_ = static_cast<std::uint16_t>(next_ + 4);
            used_ = 0;
        }
        y[r] = batch_[used_++];
    }
}

namespace detail {

// Algorithm 15 CoeffFromHalfByte for an accepted nibble b, branch-free: eta - (b mod 5)
// (eta = 2, b < 15; b mod 5 by the reciprocal 205 / 1024, exact for b < 16) or eta - b
// (eta = 4, b < 9), as a value mod q.
std::int32_t coefficient_from_half_byte(std::int32_t b, std::int32_t eta) noexcept {
    const std::int32_t value = eta == 2 ? 2 - (b - 5 * ((b * 205) >> 10)) : 4 - b;
    return to_field(value);
}

// The values are secret; which nibbles are rejected depends only on the discarded
// nibbles, which never reach the key, so only the accept bits are declassified (eight
// bytes' worth at a time).
std::size_t rej_eta_portable(std::int32_t* a, std::size_t j, const std::uint8_t* bytes,
                             std::size_t length, std::int32_t eta) noexcept {
    const std::int32_t bound = eta == 2 ? 15 : 9;  // eta is public
    for (std::size_t position = 0; position < length && j < kN; position += 8) {
        const std::size_t count = length - position < 8 ? length - position : 8;
        std::int32_t values[16];
        std::uint32_t accept = 0;
        for (std::size_t i = 0; i < 2 * count; ++i) {
            const std::int32_t b = (bytes[position + i / 2] >> (4 * (i % 2))) & 15;
            accept |= (static_cast<std::uint32_t>(b - bound) >> 31) << i;
            values[i] = coefficient_from_half_byte(b, eta);
        }
        declassify(&accept, sizeof accept);
        for (; accept != 0 && j < kN; accept &= accept - 1)
            a[j++] = values[__builtin_ctz(accept)];
    }
    return j;
}

// A is public, so the rejection loop on the stream may branch freely.
std::size_t rej_ntt_portable(std::int32_t* a, std::size_t j, const std::uint8_t* bytes,
                             std::size_t length) noexcept {
    for (std::size_t position = 0; position + 3 <= length && j < kN; position += 3) {
        // Algorithm 14 CoeffFromThreeBytes: 23 bits, accepted if below q.
        const std::int32_t candidate = static_cast<std::int32_t>(
            static_cast<std::uint32_t>(bytes[position]) |
            static_cast<std::uint32_t>(bytes[position + 1]) << 8 |
            (static_cast<std::uint32_t>(bytes[position + 2]) & 0x7FU) << 16);
        a[j] = candidate;
        j += static_cast<std::size_t>(candidate < kQ);
    }
    return j;
}

}  // namespace detail

}  // namespace qtm::crypto::mldsa
