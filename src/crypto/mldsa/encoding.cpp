#include "crypto/mldsa/encoding.hpp"

#include <cstring>
#include <type_traits>

#include "crypto/mldsa/kernels.hpp"
#include "crypto/mldsa/poly.hpp"

namespace qtm::crypto::mldsa {

namespace {

// Eight coefficients of kBits bits fill kBits bytes exactly: the packing works on such
// groups, with the widths known at compile time, so every shift and byte offset below is
// a constant after unrolling (kBits <= 20: a group is at most 160 bits, three words).
template <int kBits>
[[gnu::always_inline]] inline void pack_group(const std::uint32_t* c, std::uint8_t* out) noexcept {
    std::uint64_t words[4] = {0, 0, 0, 0};
#pragma GCC unroll 8
    for (int i = 0; i < 8; ++i) {
        const int at = kBits * i;
        words[at / 64] |= static_cast<std::uint64_t>(c[i]) << (at % 64);
        if (at % 64 + kBits > 64)
            words[at / 64 + 1] |= static_cast<std::uint64_t>(c[i]) >> (64 - at % 64);
    }
    // Whole words straight to the output, then the last kBits % 8 bytes (little-endian
    // hosts). No staging buffer: a byte copy read back as words would stall store
    // forwarding.
    constexpr int kWhole = kBits / 8;
    for (int w = 0; w < kWhole; ++w)
        std::memcpy(out + 8 * w, &words[w], 8);
    if constexpr (kBits % 8 != 0) std::memcpy(out + 8 * kWhole, &words[kWhole], kBits % 8);
}

template <int kBits>
[[gnu::always_inline]] inline void unpack_group(const std::uint8_t* in, std::uint32_t* c) noexcept {
    constexpr int kWhole = kBits / 8;
    std::uint64_t words[4] = {0, 0, 0, 0};
    for (int w = 0; w < kWhole; ++w)
        std::memcpy(&words[w], in + 8 * w, 8);
    if constexpr (kBits % 8 != 0) std::memcpy(&words[kWhole], in + 8 * kWhole, kBits % 8);
    constexpr std::uint64_t kMask = (std::uint64_t{1} << kBits) - 1;
#pragma GCC unroll 8
    for (int i = 0; i < 8; ++i) {
        const int at = kBits * i;
        std::uint64_t v = words[at / 64] >> (at % 64);
        if (at % 64 + kBits > 64) v |= words[at / 64 + 1] << (64 - at % 64);
        c[i] = static_cast<std::uint32_t>(v & kMask);
    }
}

// Coefficients in [0, 2^bits) -> 32 * bits bytes, and back; the transform of each
// coefficient (b - c for BitPack) is applied on the way.
template <int kBits, class Transform>
void pack_poly(const std::int32_t* w, std::uint8_t* out, Transform transform) noexcept {
    for (std::size_t g = 0; g < kN / 8; ++g) {
        std::uint32_t c[8];
        for (std::size_t i = 0; i < 8; ++i)
            c[i] = static_cast<std::uint32_t>(transform(w[8 * g + i]));
        pack_group<kBits>(c, out + static_cast<std::size_t>(kBits) * g);
    }
}
template <int kBits, class Transform>
void unpack_poly(const std::uint8_t* in, std::int32_t* w, Transform transform) noexcept {
    for (std::size_t g = 0; g < kN / 8; ++g) {
        std::uint32_t c[8];
        unpack_group<kBits>(in + static_cast<std::size_t>(kBits) * g, c);
        for (std::size_t i = 0; i < 8; ++i)
            w[8 * g + i] = transform(static_cast<std::int32_t>(c[i]));
    }
}

// The widths ML-DSA uses: 3, 4 (s1, s2; w1), 6 (w1), 10 (t1), 13 (t0), 18, 20 (z).
template <class Function>
void with_width(int bits, Function f) noexcept {
    switch (bits) {
        case 3:
            return f(std::integral_constant<int, 3>{});
        case 4:
            return f(std::integral_constant<int, 4>{});
        case 6:
            return f(std::integral_constant<int, 6>{});
        case 10:
            return f(std::integral_constant<int, 10>{});
        case 13:
            return f(std::integral_constant<int, 13>{});
        case 18:
            return f(std::integral_constant<int, 18>{});
        default:
            return f(std::integral_constant<int, 20>{});
    }
}

// The widths with a packing kernel (s1/s2, t1, t0); z is packed once per signature.
bool has_pack_kernel(int bits) noexcept {
    return bits == 3 || bits == 4 || bits == 10 || bits == 13;
}

}  // namespace

void simple_bit_pack(const Poly& w, int bits, std::uint8_t* out) noexcept {
    if (has_pack_kernel(bits)) return detail::kernels().pack_bits(w.data(), out, bits, 0, false);
    with_width(bits, [&](auto width) {
        pack_poly<decltype(width)::value>(w.data(), out, [](std::int32_t c) { return c; });
    });
}

Poly simple_bit_unpack(const std::uint8_t* in, int bits) noexcept {
    Poly w;
    with_width(bits, [&](auto width) {
        unpack_poly<decltype(width)::value>(in, w.data(), [](std::int32_t c) { return c; });
    });
    return w;
}

void bit_pack(const Poly& w, int bits, std::int32_t b, std::uint8_t* out) noexcept {
    if (has_pack_kernel(bits)) return detail::kernels().pack_bits(w.data(), out, bits, b, true);
    with_width(bits, [&](auto width) {
        pack_poly<decltype(width)::value>(w.data(), out,
                                          [b](std::int32_t c) { return b - centered(c); });
    });
}

Poly bit_unpack(const std::uint8_t* in, int bits, std::int32_t b) noexcept {
    // b - raw lies in (-q, q) for any input bytes, so to_field is enough.
    Poly w;
    with_width(bits, [&](auto width) {
        unpack_poly<decltype(width)::value>(in, w.data(),
                                            [b](std::int32_t c) { return to_field(b - c); });
    });
    return w;
}

namespace detail {

void unpack_z_portable(const std::uint8_t* in, std::int32_t* z, int bits) noexcept {
    const auto transform = [bits](std::int32_t c) {
        return to_field((std::int32_t{1} << (bits - 1)) - c);
    };
    if (bits == 18) return unpack_poly<18>(in, z, transform);
    unpack_poly<20>(in, z, transform);
}

void unpack_t1_portable(const std::uint8_t* in, std::int32_t* t1) noexcept {
    unpack_poly<10>(in, t1, [](std::int32_t c) { return c; });
}

void pack_bits_portable(const std::int32_t* w, std::uint8_t* out, int bits, std::int32_t b,
                        bool subtract) noexcept {
    with_width(bits, [&](auto width) {
        if (subtract) {
            pack_poly<decltype(width)::value>(w, out,
                                              [b](std::int32_t c) { return b - centered(c); });
        } else {
            pack_poly<decltype(width)::value>(w, out, [](std::int32_t c) { return c; });
        }
    });
}

void pack_w1_portable(const std::int32_t* w1, std::uint8_t* out, int bits) noexcept {
    const auto identity = [](std::int32_t c) { return c; };
    if (bits == 4) return pack_poly<4>(w1, out, identity);
    pack_poly<6>(w1, out, identity);
}

}  // namespace detail

SecretKeyParts::~SecretKeyParts() {
    secure_wipe(key.data(), key.size());
    secure_wipe(s1.data(), sizeof s1);
    secure_wipe(s2.data(), sizeof s2);
    secure_wipe(t0.data(), sizeof t0);
}

void pk_encode(const Params& p, const ByteArray<32>& rho, const PolyVecK& t1,
               std::uint8_t* pk) noexcept {
    std::copy(rho.begin(), rho.end(), pk);
    for (std::size_t i = 0; i < p.k; ++i)
        simple_bit_pack(t1[i], 10, pk + 32 + 320 * i);
}

void pk_decode(const Params& p, const std::uint8_t* pk, ByteArray<32>& rho, PolyVecK& t1) noexcept {
    std::copy(pk, pk + 32, rho.begin());
    for (std::size_t i = 0; i < p.k; ++i)
        detail::kernels().unpack_t1(pk + 32 + 320 * i, t1[i].data());
}

namespace {
constexpr std::int32_t kT0Bound = 1 << (kD - 1);
}

void sk_encode(const Params& p, const SecretKeyParts& parts, std::uint8_t* sk) noexcept {
    sk = std::copy(parts.rho.begin(), parts.rho.end(), sk);
    sk = std::copy(parts.key.begin(), parts.key.end(), sk);
    sk = std::copy(parts.tr.begin(), parts.tr.end(), sk);
    const std::size_t eta_bytes = 32 * static_cast<std::size_t>(p.eta_bits);
    for (std::size_t i = 0; i < p.l; ++i, sk += eta_bytes)
        bit_pack(parts.s1[i], p.eta_bits, p.eta, sk);
    for (std::size_t i = 0; i < p.k; ++i, sk += eta_bytes)
        bit_pack(parts.s2[i], p.eta_bits, p.eta, sk);
    for (std::size_t i = 0; i < p.k; ++i, sk += 32 * kD)
        bit_pack(parts.t0[i], kD, kT0Bound, sk);
}

void sk_decode(const Params& p, const std::uint8_t* sk, SecretKeyParts& parts) noexcept {
    std::copy(sk, sk + 32, parts.rho.begin());
    std::copy(sk + 32, sk + 64, parts.key.begin());
    std::copy(sk + 64, sk + 128, parts.tr.begin());
    sk += 128;
    const std::size_t eta_bytes = 32 * static_cast<std::size_t>(p.eta_bits);
    // A malformed key (s coefficients outside [-eta, eta]) still decodes to values in
    // (-q, q); signing with it is well defined, only the signatures are useless.
    for (std::size_t i = 0; i < p.l; ++i, sk += eta_bytes)
        parts.s1[i] = bit_unpack(sk, p.eta_bits, p.eta);
    for (std::size_t i = 0; i < p.k; ++i, sk += eta_bytes)
        parts.s2[i] = bit_unpack(sk, p.eta_bits, p.eta);
    for (std::size_t i = 0; i < p.k; ++i, sk += 32 * kD)
        parts.t0[i] = bit_unpack(sk, kD, kT0Bound);
}

void sig_encode(const Params& p, ByteView c_tilde, const PolyVecL& z, const PolyVecK& h,
                std::uint8_t* sig) noexcept {
    sig = std::copy(c_tilde.begin(), c_tilde.end(), sig);
    const std::size_t z_bytes = 32 * static_cast<std::size_t>(p.gamma1_bits);
    for (std::size_t i = 0; i < p.l; ++i, sig += z_bytes)
        bit_pack(z[i], p.gamma1_bits, p.gamma1, sig);
    // Algorithm 20 HintBitPack. The positions of the hint bits are part of the signature,
    // and a signature is only produced once the attempt is accepted, so branching on h is
    // harmless here.
    std::fill(sig, sig + p.omega + p.k, std::uint8_t{0});
    std::size_t index = 0;
    for (std::size_t i = 0; i < p.k; ++i) {
        for (std::size_t j = 0; j < kN; ++j) {
            if (h[i][j] != 0 && index < p.omega) sig[index++] = static_cast<std::uint8_t>(j);
        }
        sig[p.omega + i] = static_cast<std::uint8_t>(index);
    }
}

bool sig_decode(const Params& p, const std::uint8_t* sig, PolyVecL& z, PolyVecK& h) noexcept {
    sig += p.c_tilde_bytes;
    const std::size_t z_bytes = 32 * static_cast<std::size_t>(p.gamma1_bits);
    const detail::Kernels& kernels = detail::kernels();
    for (std::size_t i = 0; i < p.l; ++i, sig += z_bytes)
        kernels.unpack_z(sig, z[i].data(), p.gamma1_bits);
    // Algorithm 21 HintBitUnpack, on public data.
    std::size_t index = 0;
    for (std::size_t i = 0; i < p.k; ++i) {
        h[i].fill(0);
        const std::size_t end = sig[p.omega + i];
        if (end < index || end > p.omega) return false;
        const std::size_t first = index;
        while (index < end) {
            if (index > first && sig[index - 1] >= sig[index]) return false;
            h[i][sig[index]] = 1;
            ++index;
        }
    }
    for (std::size_t i = index; i < p.omega; ++i) {
        if (sig[i] != 0) return false;
    }
    return true;
}

void w1_encode(const Params& p, const PolyVecK& w1, std::uint8_t* out) noexcept {
    const std::size_t poly_bytes = 32 * static_cast<std::size_t>(p.w1_bits);
    const detail::Kernels& kernels = detail::kernels();
    for (std::size_t i = 0; i < p.k; ++i)
        kernels.pack_w1(w1[i].data(), out + poly_bytes * i, p.w1_bits);
}

}  // namespace qtm::crypto::mldsa
