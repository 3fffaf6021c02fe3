// ML-KEM's polynomial functions (poly.hpp): the portable kernels (kernels.hpp) and the
// run-time choice between them and the AVX2 ones (poly_avx2.cpp), as ML-DSA does.
#include "crypto/mlkem/poly.hpp"

#include <algorithm>
#include <atomic>

#include "crypto/cpu.hpp"
#include "crypto/keccak.hpp"
#include "crypto/mlkem/kernels.hpp"

namespace qtm::crypto::mlkem {
namespace {

using detail::ntt_zeta;

constexpr std::array<std::uint16_t, 128> make_gammas() noexcept {
    std::array<std::uint16_t, 128> gammas{};
    for (std::size_t i = 0; i < 128; ++i)
        gammas[i] = static_cast<std::uint16_t>(detail::basecase_gamma(i));
    return gammas;
}
constexpr auto kGammas = make_gammas();
static_assert(ntt_zeta(1) == 1729 && kGammas[0] == 17 && kGammas[1] == kQ - 17);

// a mod q for a < 2^32: `%` by the constant q compiles to a multiply and shifts.
constexpr std::uint16_t reduce(std::uint32_t x) noexcept {
    return static_cast<std::uint16_t>(x % kQ);
}
// a + b and a - b mod q for a, b in [0, q), with a mask instead of a division.
constexpr std::uint16_t add(std::uint16_t a, std::uint16_t b) noexcept {
    const std::int32_t s = static_cast<std::int32_t>(a) + b - static_cast<std::int32_t>(kQ);
    return static_cast<std::uint16_t>(s + ((s >> 31) & static_cast<std::int32_t>(kQ)));
}
constexpr std::uint16_t sub(std::uint16_t a, std::uint16_t b) noexcept {
    const std::int32_t s = static_cast<std::int32_t>(a) - b;
    return static_cast<std::uint16_t>(s + ((s >> 31) & static_cast<std::int32_t>(kQ)));
}

// Montgomery arithmetic with R = 2^32 on signed 32-bit representatives, for the NTTs:
// butterflies add and subtract without reducing (the magnitudes stay far below 2^31 through
// seven layers), and only the twiddle products are reduced.
constexpr std::int32_t kQSigned = static_cast<std::int32_t>(kQ);
constexpr std::uint32_t kQInverse = 1806234369;  // q^-1 mod 2^32
static_assert(kQ * kQInverse == 1U);
// a 2^-32 mod q in (-q, q), for |a| < q 2^31.
constexpr std::int32_t montgomery_reduce(std::int64_t a) noexcept {
    const auto t = static_cast<std::int32_t>(static_cast<std::uint32_t>(a) * kQInverse);
    return static_cast<std::int32_t>((a - static_cast<std::int64_t>(t) * kQSigned) >> 32);
}
// a mod q in [0, q) for |a| < 2^22 (Barrett with 2^26 / q rounded: the error is below q/2).
constexpr std::uint16_t freeze(std::int32_t a) noexcept {
    const auto t =
        static_cast<std::int32_t>((static_cast<std::int64_t>(a) * 20159 + (1 << 25)) >> 26);
    std::int32_t r = a - t * kQSigned;  // in (-q, q)
    r += (r >> 31) & kQSigned;
    return static_cast<std::uint16_t>(r);
}
constexpr std::int32_t to_montgomery_centred(std::uint32_t x) noexcept {
    auto m = static_cast<std::int32_t>((static_cast<std::uint64_t>(x) << 32) % kQ);
    return m > kQSigned / 2 ? m - kQSigned : m;
}
constexpr std::array<std::int32_t, 128> make_montgomery_zetas() noexcept {
    std::array<std::int32_t, 128> out{};
    for (std::size_t i = 0; i < 128; ++i)
        out[i] = to_montgomery_centred(ntt_zeta(i));
    return out;
}
constexpr auto kZetasMontgomery = make_montgomery_zetas();
constexpr std::int64_t kInverseScale = 1441;         // 128^-1 2^32 mod q: NTT^-1's final factor
static_assert(1353U * 3303U % kQ == kInverseScale);  // 2^32 mod q = 1353

}  // namespace

namespace {

struct Kernels {
    void (*ntt)(Poly&) noexcept;
    void (*inverse_ntt)(Poly&) noexcept;
    void (*inner_product)(const Poly*, const Poly*, std::size_t, Poly&) noexcept;
    void (*add)(Poly&, const Poly&) noexcept;
    void (*subtract)(Poly&, const Poly&) noexcept;
    std::size_t (*rej_uniform)(std::uint16_t*, std::size_t, const std::uint8_t*,
                               std::size_t) noexcept;
    void (*cbd)(const std::uint8_t*, unsigned, Poly&) noexcept;
    void (*compress)(Poly&, unsigned) noexcept;
    void (*decompress)(Poly&, unsigned) noexcept;
    void (*byte_encode)(const Poly&, unsigned, std::uint8_t*) noexcept;
    void (*byte_decode)(const std::uint8_t*, unsigned, Poly&) noexcept;
};

constexpr Kernels kAvx2{
    detail::ntt_avx2,         detail::inverse_ntt_avx2, detail::inner_product_avx2,
    detail::add_avx2,         detail::subtract_avx2,    detail::rej_uniform_avx2,
    detail::cbd_avx2,         detail::compress_avx2,    detail::decompress_avx2,
    detail::byte_encode_avx2, detail::byte_decode_avx2};
constexpr Kernels kPortable{
    detail::ntt_portable,         detail::inverse_ntt_portable, detail::inner_product_portable,
    detail::add_portable,         detail::subtract_portable,    detail::rej_uniform_portable,
    detail::cbd_portable,         detail::compress_portable,    detail::decompress_portable,
    detail::byte_encode_portable, detail::byte_decode_portable};

// Chosen on first use (crypto/cpu.hpp); tests may switch it (select_kernels_for_testing).
std::atomic<const Kernels*> active_kernels{nullptr};

const Kernels& kernels() noexcept {
    const Kernels* k = active_kernels.load(std::memory_order_relaxed);
    if (k == nullptr) {
        k = use_avx2() ? &kAvx2 : &kPortable;
        active_kernels.store(k, std::memory_order_relaxed);
    }
    return *k;
}

}  // namespace

namespace detail {

bool select_kernels_for_testing(bool avx2) noexcept {
    if (avx2 && !cpu_has_avx2()) return false;
    active_kernels.store(avx2 ? &kAvx2 : &kPortable, std::memory_order_relaxed);
    return true;
}

bool avx2_kernels_active() noexcept {
    return &kernels() == &kAvx2;
}

void ntt_portable(Poly& f) noexcept {
    std::int32_t w[kN];
    for (std::size_t i = 0; i < kN; ++i)
        w[i] = f[i];
    std::size_t k = 1;
    for (std::size_t length = 128; length >= 2; length /= 2) {
        for (std::size_t start = 0; start < kN; start += 2 * length) {
            const std::int64_t zeta = kZetasMontgomery[k++];
            for (std::size_t j = start; j < start + length; ++j) {
                const std::int32_t t = montgomery_reduce(zeta * w[j + length]);
                w[j + length] = w[j] - t;
                w[j] = w[j] + t;
            }
        }
    }
    for (std::size_t i = 0; i < kN; ++i)
        f[i] = freeze(w[i]);  // |w| < 8q
    secure_wipe(w, sizeof w);
}

void inverse_ntt_portable(Poly& f) noexcept {
    std::int32_t w[kN];
    for (std::size_t i = 0; i < kN; ++i)
        w[i] = f[i];
    std::size_t k = 127;
    for (std::size_t length = 2; length <= 128; length *= 2) {
        for (std::size_t start = 0; start < kN; start += 2 * length) {
            const std::int64_t zeta = kZetasMontgomery[k--];
            for (std::size_t j = start; j < start + length; ++j) {
                const std::int32_t t = w[j];
                w[j] = t + w[j + length];  // at most 128 q after seven layers
                w[j + length] = montgomery_reduce(zeta * (w[j + length] - t));
            }
        }
    }
    for (std::size_t i = 0; i < kN; ++i)
        f[i] = freeze(montgomery_reduce(kInverseScale * w[i]));
    secure_wipe(w, sizeof w);
}

void inner_product_portable(const Poly* a, const Poly* b, std::size_t count, Poly& out) noexcept {
    // Unreduced sums of up to four base-case products (each below 2^26) fit in 32 bits.
    std::array<std::uint32_t, kN> sum{};
    for (std::size_t j = 0; j < count; ++j) {
        for (std::size_t i = 0; i < 128; ++i) {
            const std::uint32_t a0 = a[j][2 * i], a1 = a[j][2 * i + 1];
            const std::uint32_t b0 = b[j][2 * i], b1 = b[j][2 * i + 1];
            sum[2 * i] += a0 * b0 + reduce(a1 * b1) * std::uint32_t{kGammas[i]};
            sum[2 * i + 1] += a0 * b1 + a1 * b0;
        }
    }
    for (std::size_t i = 0; i < kN; ++i)
        out[i] = reduce(sum[i]);
}

void add_portable(Poly& accumulator, const Poly& term) noexcept {
    for (std::size_t i = 0; i < kN; ++i)
        accumulator[i] = add(accumulator[i], term[i]);
}

void subtract_portable(Poly& accumulator, const Poly& term) noexcept {
    for (std::size_t i = 0; i < kN; ++i)
        accumulator[i] = sub(accumulator[i], term[i]);
}

std::size_t rej_uniform_portable(std::uint16_t* out, std::size_t filled, const std::uint8_t* bytes,
                                 std::size_t length) noexcept {
    for (std::size_t offset = 0; offset + 3 <= length && filled < kN; offset += 3) {
        const std::uint8_t* b = bytes + offset;
        const std::uint32_t d1 = b[0] | ((b[1] & 0x0fu) << 8);
        const std::uint32_t d2 = (b[1] >> 4) | (std::uint32_t{b[2]} << 4);
        if (d1 < kQ) out[filled++] = static_cast<std::uint16_t>(d1);
        if (d2 < kQ && filled < kN) out[filled++] = static_cast<std::uint16_t>(d2);
    }
    return filled;
}

// Algorithm 8 SamplePolyCBD_eta over 64 eta bytes.
void cbd_portable(const std::uint8_t* bytes, unsigned eta, Poly& f) noexcept {
    // x and y are sums of eta consecutive bits (little-endian bit order). Adding a word's
    // bits shifted by 0..eta-1 under a mask with one bit per eta-bit group gives all the
    // group sums at once; coefficient i is then (x - y) from two adjacent groups.
    const auto difference = [](std::uint32_t x, std::uint32_t y) noexcept {
        const std::int32_t t = static_cast<std::int32_t>(x) - static_cast<std::int32_t>(y);
        return static_cast<std::uint16_t>(t + ((t >> 31) & static_cast<std::int32_t>(kQ)));
    };
    if (eta == 2) {
        for (std::size_t w = 0; w < kN / 8; ++w) {  // 8 coefficients per 32-bit word
            const std::uint8_t* p = bytes + 4 * w;
            const std::uint32_t word = std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 |
                                       std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
            const std::uint32_t sums = (word & 0x55555555U) + ((word >> 1) & 0x55555555U);
            for (std::size_t i = 0; i < 8; ++i)
                f[8 * w + i] = difference((sums >> (4 * i)) & 3U, (sums >> (4 * i + 2)) & 3U);
        }
    } else {
        for (std::size_t w = 0; w < kN / 4; ++w) {  // 4 coefficients per 24 bits
            const std::uint8_t* p = bytes + 3 * w;
            const std::uint32_t word =
                std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16;
            const std::uint32_t sums =
                (word & 0x249249U) + ((word >> 1) & 0x249249U) + ((word >> 2) & 0x249249U);
            for (std::size_t i = 0; i < 4; ++i)
                f[4 * w + i] = difference((sums >> (6 * i)) & 7U, (sums >> (6 * i + 3)) & 7U);
        }
    }
}

void byte_encode_portable(const Poly& f, unsigned d, std::uint8_t* out) noexcept {
    std::uint32_t buffer = 0;
    unsigned bits = 0;
    std::size_t position = 0;
    for (std::size_t i = 0; i < kN; ++i) {
        buffer |= std::uint32_t{f[i]} << bits;
        bits += d;
        while (bits >= 8) {
            out[position++] = static_cast<std::uint8_t>(buffer);
            buffer >>= 8;
            bits -= 8;
        }
    }
}

void byte_decode_portable(const std::uint8_t* in, unsigned d, Poly& f) noexcept {
    std::uint32_t buffer = 0;
    unsigned bits = 0;
    std::size_t position = 0;
    const std::uint32_t mask = (1u << d) - 1;
    for (std::size_t i = 0; i < kN; ++i) {
        while (bits < d) {
            buffer |= std::uint32_t{in[position++]} << bits;
            bits += 8;
        }
        const std::uint32_t value = buffer & mask;
        f[i] = static_cast<std::uint16_t>(d == 12 ? value % kQ : value);
        buffer >>= d;
        bits -= d;
    }
}

void compress_portable(Poly& f, unsigned d) noexcept {
    // round(2^d / q * x) mod 2^d = floor((x * 2^(d+1) + q) / (2q)) mod 2^d, in integers.
    for (auto& coefficient : f) {
        const std::uint32_t scaled = (std::uint32_t{coefficient} << (d + 1)) + kQ;
        coefficient = static_cast<std::uint16_t>((scaled / (2 * kQ)) & ((1u << d) - 1));
    }
}

void decompress_portable(Poly& f, unsigned d) noexcept {
    // round(q / 2^d * y) = floor((y * q * 2 + 2^d) / 2^(d+1)).
    for (auto& coefficient : f) {
        coefficient = static_cast<std::uint16_t>(
            (std::uint32_t{coefficient} * kQ * 2 + (1u << d)) >> (d + 1));
    }
}

}  // namespace detail

void ntt(Poly& f) noexcept {
    kernels().ntt(f);
}

void inverse_ntt(Poly& f) noexcept {
    kernels().inverse_ntt(f);
}

Poly multiply_ntts(const Poly& f, const Poly& g) noexcept {
    Poly h;
    kernels().inner_product(&f, &g, 1, h);
    return h;
}

Poly inner_product_ntt(const Poly* a, const Poly* b, std::size_t count) noexcept {
    Poly h;
    kernels().inner_product(a, b, count, h);
    return h;
}

void add_to(Poly& accumulator, const Poly& term) noexcept {
    kernels().add(accumulator, term);
}

void subtract_from(Poly& accumulator, const Poly& term) noexcept {
    kernels().subtract(accumulator, term);
}

void sample_ntt_many(const ByteArray<32>& rho, const NttSample* samples,
                     std::size_t count) noexcept {
    const auto rej_uniform = kernels().rej_uniform;
    // 3 blocks give 336 candidates, each accepted with probability q / 4096 = 0.81:
    // usually enough; otherwise one more block at a time for the streams still short.
    constexpr std::size_t kFirstBlocks = 3;
    for (std::size_t first = 0; first < count; first += 4) {
        const std::size_t used = std::min<std::size_t>(4, count - first);
        std::uint8_t seeds[4][34];
        const std::uint8_t* in[4];
        for (std::size_t lane = 0; lane < 4; ++lane) {
            const NttSample& sample = samples[first + std::min(lane, used - 1)];
            std::copy(rho.begin(), rho.end(), seeds[lane]);
            seeds[lane][32] = sample.j;
            seeds[lane][33] = sample.i;
            in[lane] = seeds[lane];
        }
        std::uint8_t buffers[4][kFirstBlocks * Shake128::kRate];
        if (used == 1) {
            Shake128 xof;
            xof.absorb(ByteView{seeds[0], 34});
            xof.squeeze_blocks(buffers[0], kFirstBlocks);
            std::uint16_t* a = samples[first].out->data();
            std::size_t filled = rej_uniform(a, 0, buffers[0], sizeof buffers[0]);
            while (filled < kN) {
                xof.squeeze_blocks(buffers[0], 1);
                filled = rej_uniform(a, filled, buffers[0], Shake128::kRate);
            }
            continue;
        }
        ShakeX4 xof{Shake128::kRate};
        xof.absorb_all(in, 34);
        std::uint8_t* out[4] = {buffers[0], buffers[1], buffers[2], buffers[3]};
        xof.squeeze_blocks(out, kFirstBlocks);
        std::size_t length = sizeof buffers[0];
        std::size_t filled[4] = {0, 0, 0, 0};
        for (bool short_of_coefficients = true; short_of_coefficients;) {
            short_of_coefficients = false;
            for (std::size_t lane = 0; lane < used; ++lane) {
                filled[lane] = rej_uniform(samples[first + lane].out->data(), filled[lane],
                                           buffers[lane], length);
                short_of_coefficients |= filled[lane] < kN;
            }
            if (short_of_coefficients) {
                xof.squeeze_blocks(out, 1);
                length = Shake128::kRate;
            }
        }
    }
}

void sample_cbd_many(const ByteArray<32>& seed, unsigned eta_low, std::size_t split,
                     unsigned eta_high, Poly* out, std::size_t count) noexcept {
    const auto cbd = kernels().cbd;
    const auto eta_of = [&](std::size_t i) noexcept { return i < split ? eta_low : eta_high; };
    const auto blocks_for = [](unsigned eta) noexcept {
        return (64 * eta + Shake256::kRate - 1) / Shake256::kRate;
    };
    for (std::size_t first = 0; first < count; first += 4) {
        const std::size_t used = std::min<std::size_t>(4, count - first);
        std::uint8_t inputs[4][33];
        const std::uint8_t* in[4];
        std::size_t blocks = 0;
        for (std::size_t lane = 0; lane < 4; ++lane) {
            const std::size_t index = first + std::min(lane, used - 1);
            std::copy(seed.begin(), seed.end(), inputs[lane]);
            inputs[lane][32] = static_cast<std::uint8_t>(index);
            in[lane] = inputs[lane];
            blocks = std::max(blocks, blocks_for(eta_of(index)));
        }
        std::uint8_t bytes[4][2 * Shake256::kRate];  // >= 64 * eta, eta <= 3
        if (used == 1) {
            Shake256 xof;
            xof.absorb(ByteView{inputs[0], 33});
            xof.squeeze_blocks(bytes[0], blocks);
            cbd(bytes[0], eta_of(first), out[first]);
        } else {
            ShakeX4 xof{Shake256::kRate};
            xof.absorb_all(in, 33);
            std::uint8_t* dst[4] = {bytes[0], bytes[1], bytes[2], bytes[3]};
            xof.squeeze_blocks(dst, blocks);
            for (std::size_t lane = 0; lane < used; ++lane)
                cbd(bytes[lane], eta_of(first + lane), out[first + lane]);
        }
        secure_wipe(bytes, sizeof bytes);
        secure_wipe(inputs, sizeof inputs);
    }
}

void byte_encode(const Poly& f, unsigned d, std::uint8_t* out) noexcept {
    kernels().byte_encode(f, d, out);
}

Poly byte_decode(const std::uint8_t* in, unsigned d) noexcept {
    Poly f;
    kernels().byte_decode(in, d, f);
    return f;
}

void compress(Poly& f, unsigned d) noexcept {
    kernels().compress(f, d);
}

void decompress(Poly& f, unsigned d) noexcept {
    kernels().decompress(f, d);
}

}  // namespace qtm::crypto::mlkem
