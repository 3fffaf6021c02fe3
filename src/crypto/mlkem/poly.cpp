#include "crypto/mlkem/poly.hpp"

#include "crypto/keccak.hpp"

namespace qtm::crypto::mlkem {
namespace {

constexpr std::uint8_t bit_reverse7(std::uint8_t x) noexcept {
    std::uint8_t out = 0;
    for (int i = 0; i < 7; ++i)
        out = static_cast<std::uint8_t>(out | (((x >> i) & 1) << (6 - i)));
    return out;
}

constexpr std::uint32_t power_mod_q(std::uint32_t base, std::uint32_t exponent) noexcept {
    std::uint32_t result = 1;
    for (std::uint32_t i = 0; i < exponent; ++i)
        result = result * base % kQ;
    return result;
}

// zeta^BitRev7(i) for the NTT layers, and zeta^(2 BitRev7(i) + 1) for the base case
// products, with zeta = 17, the primitive 256th root of unity mod q (FIPS 203 §4.3).
constexpr std::array<std::uint16_t, 128> make_ntt_zetas() noexcept {
    std::array<std::uint16_t, 128> zetas{};
    for (std::size_t i = 0; i < 128; ++i) {
        zetas[i] =
            static_cast<std::uint16_t>(power_mod_q(17, bit_reverse7(static_cast<std::uint8_t>(i))));
    }
    return zetas;
}
constexpr std::array<std::uint16_t, 128> make_gammas() noexcept {
    std::array<std::uint16_t, 128> gammas{};
    for (std::size_t i = 0; i < 128; ++i) {
        gammas[i] = static_cast<std::uint16_t>(
            power_mod_q(17, 2u * bit_reverse7(static_cast<std::uint8_t>(i)) + 1));
    }
    return gammas;
}
constexpr auto kZetas = make_ntt_zetas();
constexpr auto kGammas = make_gammas();
constexpr std::uint32_t kInverse128 = 3303;  // 128^-1 mod q

constexpr std::uint16_t reduce(std::uint32_t x) noexcept {
    return static_cast<std::uint16_t>(x % kQ);
}
constexpr std::uint16_t add(std::uint16_t a, std::uint16_t b) noexcept {
    return reduce(a + b);
}
constexpr std::uint16_t sub(std::uint16_t a, std::uint16_t b) noexcept {
    return reduce(a + kQ - b);
}
constexpr std::uint16_t mul(std::uint32_t a, std::uint32_t b) noexcept {
    return reduce(a * b);
}

}  // namespace

void ntt(Poly& f) noexcept {
    std::size_t k = 1;
    for (std::size_t length = 128; length >= 2; length /= 2) {
        for (std::size_t start = 0; start < kN; start += 2 * length) {
            const std::uint16_t zeta = kZetas[k++];
            for (std::size_t j = start; j < start + length; ++j) {
                const std::uint16_t t = mul(zeta, f[j + length]);
                f[j + length] = sub(f[j], t);
                f[j] = add(f[j], t);
            }
        }
    }
}

void inverse_ntt(Poly& f) noexcept {
    std::size_t k = 127;
    for (std::size_t length = 2; length <= 128; length *= 2) {
        for (std::size_t start = 0; start < kN; start += 2 * length) {
            const std::uint16_t zeta = kZetas[k--];
            for (std::size_t j = start; j < start + length; ++j) {
                const std::uint16_t t = f[j];
                f[j] = add(t, f[j + length]);
                f[j + length] = mul(zeta, sub(f[j + length], t));
            }
        }
    }
    for (auto& coefficient : f)
        coefficient = mul(coefficient, kInverse128);
}

Poly multiply_ntts(const Poly& f, const Poly& g) noexcept {
    Poly h;
    for (std::size_t i = 0; i < 128; ++i) {
        // Algorithm 12 BaseCaseMultiply: (a0 + a1 X)(b0 + b1 X) mod (X^2 - gamma).
        const std::uint32_t a0 = f[2 * i], a1 = f[2 * i + 1];
        const std::uint32_t b0 = g[2 * i], b1 = g[2 * i + 1];
        h[2 * i] = add(mul(a0, b0), mul(mul(a1, b1), kGammas[i]));
        h[2 * i + 1] = add(mul(a0, b1), mul(a1, b0));
    }
    return h;
}

void add_to(Poly& accumulator, const Poly& term) noexcept {
    for (std::size_t i = 0; i < kN; ++i)
        accumulator[i] = add(accumulator[i], term[i]);
}

void subtract_from(Poly& accumulator, const Poly& term) noexcept {
    for (std::size_t i = 0; i < kN; ++i)
        accumulator[i] = sub(accumulator[i], term[i]);
}

Poly sample_ntt(const ByteArray<32>& rho, std::uint8_t j, std::uint8_t i) noexcept {
    Shake128 xof;
    xof.absorb(rho);
    const std::uint8_t indices[2] = {j, i};
    xof.absorb(indices);
    Poly a{};
    std::size_t count = 0;
    std::uint8_t block[Shake128::kRate];
    while (count < kN) {
        xof.squeeze_blocks(block, 1);
        for (std::size_t offset = 0; offset + 3 <= sizeof block && count < kN; offset += 3) {
            const std::uint32_t d1 = block[offset] | ((block[offset + 1] & 0x0fu) << 8);
            const std::uint32_t d2 =
                (block[offset + 1] >> 4) | (std::uint32_t{block[offset + 2]} << 4);
            if (d1 < kQ) a[count++] = static_cast<std::uint16_t>(d1);
            if (d2 < kQ && count < kN) a[count++] = static_cast<std::uint16_t>(d2);
        }
    }
    return a;
}

Poly sample_cbd(const ByteArray<32>& seed, std::uint8_t nonce, unsigned eta) noexcept {
    std::uint8_t input[33];
    std::copy(seed.begin(), seed.end(), input);
    input[32] = nonce;
    std::uint8_t bytes[64 * 3];  // 64 * eta bytes, eta <= 3
    shake256(ByteView{input, sizeof input}, MutableByteView{bytes, 64 * eta});
    Poly f;
    for (std::size_t i = 0; i < kN; ++i) {
        std::uint32_t x = 0;
        std::uint32_t y = 0;
        for (unsigned j = 0; j < eta; ++j) {
            const std::size_t bit_x = 2 * i * eta + j;
            const std::size_t bit_y = 2 * i * eta + eta + j;
            x += (bytes[bit_x / 8] >> (bit_x % 8)) & 1u;
            y += (bytes[bit_y / 8] >> (bit_y % 8)) & 1u;
        }
        f[i] = sub(static_cast<std::uint16_t>(x), static_cast<std::uint16_t>(y));
    }
    secure_wipe(bytes, sizeof bytes);
    secure_wipe(input, sizeof input);
    return f;
}

void byte_encode(const Poly& f, unsigned d, std::uint8_t* out) noexcept {
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

Poly byte_decode(const std::uint8_t* in, unsigned d) noexcept {
    Poly f;
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
    return f;
}

void compress(Poly& f, unsigned d) noexcept {
    // round(2^d / q * x) mod 2^d = floor((x * 2^(d+1) + q) / (2q)) mod 2^d, in integers.
    for (auto& coefficient : f) {
        const std::uint32_t scaled = (std::uint32_t{coefficient} << (d + 1)) + kQ;
        coefficient = static_cast<std::uint16_t>((scaled / (2 * kQ)) & ((1u << d) - 1));
    }
}

void decompress(Poly& f, unsigned d) noexcept {
    // round(q / 2^d * y) = floor((y * q * 2 + 2^d) / 2^(d+1)).
    for (auto& coefficient : f) {
        coefficient = static_cast<std::uint16_t>(
            (std::uint32_t{coefficient} * kQ * 2 + (1u << d)) >> (d + 1));
    }
}

}  // namespace qtm::crypto::mlkem
