// Algorithm 8 ML-DSA.Verify_internal over an expanded public key (expanded_key.hpp).
#include "crypto/keccak.hpp"
#include "crypto/mldsa/encoding.hpp"
#include "crypto/mldsa/expanded_key.hpp"
#include "crypto/mldsa/poly.hpp"
#include "crypto/mldsa/rounding.hpp"
#include "crypto/mldsa/sampling.hpp"

namespace qtm::crypto::mldsa {

void expand_public_key(const Params& p, const std::uint8_t* pk, Poly* a_hat, std::size_t row_stride,
                       Poly* t1_hat, std::uint8_t* tr) noexcept {
    ByteArray<32> rho;
    PolyVecK t1;
    pk_decode(p, pk, rho, t1);
    expand_a_into(p, rho, a_hat, row_stride);
    for (std::size_t i = 0; i < p.k; ++i) {
        for (std::size_t j = 0; j < kN; ++j)
            t1_hat[i][j] = t1[i][j] << kD;  // <= q - 1
        ntt(t1_hat[i]);
    }
    if (tr != nullptr) shake256(ByteView{pk, p.public_key_bytes()}, MutableByteView{tr, kTrBytes});
}

bool verify_expanded(const Params& p, const ExpandedKeyView& key, const std::uint8_t* mu,
                     const std::uint8_t* sig) noexcept {
    PolyVecL z;
    PolyVecK h;
    if (!sig_decode(p, sig, z, h)) return false;
    // Line 13's norm check, done first: it needs nothing else and rejects cheaply.
    for (std::size_t i = 0; i < p.l; ++i) {
        if (infinity_norm(z[i]) >= p.gamma1 - p.beta) return false;
    }
    const ByteView c_tilde{sig, p.c_tilde_bytes};
    Poly c_hat = sample_in_ball(p, c_tilde);
    ntt(c_hat);
    for (std::size_t i = 0; i < p.l; ++i)
        ntt(z[i]);
    PolyVecK w;
    Poly ct1;
    for (std::size_t i = 0; i < p.k; ++i) {
        // w = A z - c t1 2^d as sums of Montgomery products (|c| < (l + 1) q), then NTT^-1.
        const Poly* row = key.a_hat + i * key.row_stride;
        multiply_rows(row, z.data(), p.l, w[i]);
        multiply_ntt_montgomery(c_hat, key.t1_hat[i], ct1);
        for (std::size_t j = 0; j < kN; ++j)
            w[i][j] -= ct1[j];
        inverse_ntt_montgomery(w[i]);
        use_hints(h[i], w[i], p.gamma2);
    }
    std::uint8_t w1_encoded[kMaxW1EncodedBytes];
    w1_encode(p, w, w1_encoded);
    Shake256 hash;
    hash.absorb(ByteView{mu, kMuBytes});
    hash.absorb(ByteView{w1_encoded, w1_encoded_bytes(p)});
    ByteArray<64> expected{};
    hash.squeeze(MutableByteView{expected.data(), p.c_tilde_bytes});
    return equal(c_tilde, ByteView{expected.data(), p.c_tilde_bytes});
}

void compute_pure_mu(const std::uint8_t* tr, ByteView message, ByteView context,
                     std::uint8_t* mu) noexcept {
    Shake256 h;
    h.absorb(ByteView{tr, kTrBytes});
    const std::uint8_t prefix[2] = {0, static_cast<std::uint8_t>(context.size())};
    h.absorb(prefix);  // 0 (pure ML-DSA) || |ctx|
    h.absorb(context);
    h.absorb(message);
    h.squeeze(MutableByteView{mu, kMuBytes});
}

}  // namespace qtm::crypto::mldsa
