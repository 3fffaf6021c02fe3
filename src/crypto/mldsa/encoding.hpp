// Byte encodings of FIPS 204 §7.1-7.2: bit packing, pkEncode/skEncode/sigEncode, their
// decoders, w1Encode and the hint packing with its malformed-input checks.
#pragma once

#include "base/bytes.hpp"
#include "crypto/mldsa/params.hpp"

namespace qtm::crypto::mldsa {

// Algorithm 16 SimpleBitPack / Algorithm 18 SimpleBitUnpack: coefficients in [0, 2^bits),
// 32 * bits bytes per polynomial.
void simple_bit_pack(const Poly& w, int bits, std::uint8_t* out) noexcept;
[[nodiscard]] Poly simple_bit_unpack(const std::uint8_t* in, int bits) noexcept;

// Algorithm 17 BitPack / Algorithm 19 BitUnpack: coefficients in [b - 2^bits + 1, b], stored
// in the field as values mod q, packed as b - coefficient.
void bit_pack(const Poly& w, int bits, std::int32_t b, std::uint8_t* out) noexcept;
[[nodiscard]] Poly bit_unpack(const std::uint8_t* in, int bits, std::int32_t b) noexcept;

// The decoded secret key; wipes itself.
struct SecretKeyParts {
    ByteArray<32> rho{};
    ByteArray<32> key{};
    ByteArray<64> tr{};
    PolyVecL s1{};
    PolyVecK s2{};
    PolyVecK t0{};
    SecretKeyParts() = default;
    SecretKeyParts(const SecretKeyParts&) = delete;
    SecretKeyParts& operator=(const SecretKeyParts&) = delete;
    ~SecretKeyParts();
};

// Algorithms 22/23 pkEncode/pkDecode; `pk` has public_key_bytes().
void pk_encode(const Params& p, const ByteArray<32>& rho, const PolyVecK& t1,
               std::uint8_t* pk) noexcept;
void pk_decode(const Params& p, const std::uint8_t* pk, ByteArray<32>& rho, PolyVecK& t1) noexcept;

// Algorithms 24/25 skEncode/skDecode; `sk` has secret_key_bytes().
void sk_encode(const Params& p, const SecretKeyParts& parts, std::uint8_t* sk) noexcept;
void sk_decode(const Params& p, const std::uint8_t* sk, SecretKeyParts& parts) noexcept;

// Algorithm 26 sigEncode (with Algorithm 20 HintBitPack); h holds 0/1 coefficients with at
// most omega ones. `sig` has signature_bytes().
void sig_encode(const Params& p, ByteView c_tilde, const PolyVecL& z, const PolyVecK& h,
                std::uint8_t* sig) noexcept;
// Algorithm 27 sigDecode (with Algorithm 21 HintBitUnpack): false when the hint encoding is
// malformed (counts out of order or above omega, indices not strictly increasing, nonzero
// padding), the "bottom" of the standard. c_tilde is the first c_tilde_bytes of `sig`.
[[nodiscard]] bool sig_decode(const Params& p, const std::uint8_t* sig, PolyVecL& z,
                              PolyVecK& h) noexcept;

// Algorithm 28 w1Encode: k polynomials of w1_bits each, w1_encoded_bytes(p) in all.
inline constexpr std::size_t kMaxW1EncodedBytes = 1024;  // 8 * 32 * 4 and 4 * 32 * 6
[[nodiscard]] constexpr std::size_t w1_encoded_bytes(const Params& p) noexcept {
    return 32 * static_cast<std::size_t>(p.w1_bits) * p.k;
}
static_assert(w1_encoded_bytes(kMlDsa44) <= kMaxW1EncodedBytes &&
              w1_encoded_bytes(kMlDsa65) <= kMaxW1EncodedBytes &&
              w1_encoded_bytes(kMlDsa87) <= kMaxW1EncodedBytes);
void w1_encode(const Params& p, const PolyVecK& w1, std::uint8_t* out) noexcept;

}  // namespace qtm::crypto::mldsa
