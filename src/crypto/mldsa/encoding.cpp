#include "crypto/mldsa/encoding.hpp"

#include "crypto/mldsa/poly.hpp"

namespace qtm::crypto::mldsa {

void simple_bit_pack(const Poly& w, int bits, std::uint8_t* out) noexcept {
    // Little-endian bit order (IntegerToBits then BitsToBytes): a 64-bit window suffices
    // because bits <= 20.
    std::uint64_t window = 0;
    int filled = 0;
    for (const std::int32_t c : w) {
        window |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(c)) << filled;
        filled += bits;
        while (filled >= 8) {
            *out++ = static_cast<std::uint8_t>(window);
            window >>= 8;
            filled -= 8;
        }
    }
}

Poly simple_bit_unpack(const std::uint8_t* in, int bits) noexcept {
    const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
    std::uint64_t window = 0;
    int filled = 0;
    Poly w;
    for (auto& c : w) {
        while (filled < bits) {
            window |= static_cast<std::uint64_t>(*in++) << filled;
            filled += 8;
        }
        c = static_cast<std::int32_t>(window & mask);
        window >>= bits;
        filled -= bits;
    }
    return w;
}

void bit_pack(const Poly& w, int bits, std::int32_t b, std::uint8_t* out) noexcept {
    Poly shifted;
    for (std::size_t i = 0; i < kN; ++i)
        shifted[i] = b - centered(w[i]);
    simple_bit_pack(shifted, bits, out);
}

Poly bit_unpack(const std::uint8_t* in, int bits, std::int32_t b) noexcept {
    Poly w = simple_bit_unpack(in, bits);
    // b - raw lies in (-q, q) for any input bytes, so to_field is enough.
    for (auto& c : w)
        c = to_field(b - c);
    return w;
}

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
        t1[i] = simple_bit_unpack(pk + 32 + 320 * i, 10);
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
    for (std::size_t i = 0; i < p.l; ++i, sig += z_bytes)
        z[i] = bit_unpack(sig, p.gamma1_bits, p.gamma1);
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
    for (std::size_t i = 0; i < p.k; ++i)
        simple_bit_pack(w1[i], p.w1_bits, out + poly_bytes * i);
}

}  // namespace qtm::crypto::mldsa
