// The internal ML-DSA algorithms of FIPS 204 §6: KeyGen_internal, Sign_internal and
// Verify_internal, on top of the ring, sampling, rounding and encoding files.
#include "crypto/declassify.hpp"
#include "crypto/keccak.hpp"
#include "crypto/mldsa/encoding.hpp"
#include "crypto/mldsa/expanded_key.hpp"
#include "crypto/mldsa/internal.hpp"
#include "crypto/mldsa/poly.hpp"
#include "crypto/mldsa/rounding.hpp"
#include "crypto/mldsa/sampling.hpp"

namespace qtm::crypto::mldsa {
namespace {

using Matrix = std::array<PolyVecL, kMaxK>;

bool is_known(SignatureScheme scheme) noexcept {
    return parse_signature_scheme(to_byte(scheme)).has_value();
}

std::int32_t maximum(std::int32_t a, std::int32_t b) noexcept {
    return a + (((a - b) >> 31) & (b - a));
}

// -1 if value >= bound, else 0, without a branch (both below 2^30).
std::int32_t at_least(std::int32_t value, std::int32_t bound) noexcept {
    return ~((value - bound) >> 31);
}

// Everything Algorithm 7 keeps between rejection attempts (about 110 KB for ML-DSA-87), on
// the caller's stack: signing allocates nothing. Buffers are shared where lifetimes allow:
// y_hat becomes z, w becomes r = w - c s2, and w1 (hashed into c_tilde) becomes h.
struct SignState {
    SecretKeyParts key;               // t0 replaced by its NTT
    std::array<SmallPoly, kMaxL> s1;  // s1, s2 as small centred values (sparse_multiply)
    std::array<SmallPoly, kMaxK> s2;
    Matrix a_hat;
    PolyVecL y;
    PolyVecL y_hat_then_z;
    PolyVecK w_then_r;
    PolyVecK w1_then_h;
    ByteArray<64> rho_second;
    std::uint8_t w1_encoded[kMaxW1EncodedBytes];
    SignState() = default;
    SignState(const SignState&) = delete;
    SignState& operator=(const SignState&) = delete;
    ~SignState() {
        secure_wipe(s1.data(), sizeof s1);
        secure_wipe(s2.data(), sizeof s2);
        secure_wipe(y.data(), sizeof y);
        secure_wipe(y_hat_then_z.data(), sizeof y_hat_then_z);
        secure_wipe(w_then_r.data(), sizeof w_then_r);
        secure_wipe(w1_then_h.data(), sizeof w1_then_h);
        secure_wipe(rho_second.data(), rho_second.size());
    }
};

// Algorithm 7 from line 7: mu is already computed (from tr and M', or given externally).
void sign_core(const Params& p, const std::uint8_t* sk, const std::uint8_t* mu,
               const ByteArray<32>& rnd, std::uint8_t* sig) noexcept {
    SignState s;
    sk_decode(p, sk, s.key);
    for (std::size_t i = 0; i < p.l; ++i)
        s.s1[i] = to_small(s.key.s1[i]);
    for (std::size_t i = 0; i < p.k; ++i)
        s.s2[i] = to_small(s.key.s2[i]);
    for (std::size_t i = 0; i < p.k; ++i)
        ntt(s.key.t0[i]);
    expand_a(p, s.key.rho, s.a_hat);
    {
        Shake256 h;  // rho'' = H(K || rnd || mu, 64)
        h.absorb(s.key.key);
        h.absorb(rnd);
        h.absorb(ByteView{mu, kMuBytes});
        h.squeeze(s.rho_second);
    }
    ByteArray<64> c_tilde{};
    const ByteView c_tilde_view{c_tilde.data(), p.c_tilde_bytes};
    PolyVecL& z = s.y_hat_then_z;
    PolyVecK& w = s.w_then_r;
    PolyVecK& h = s.w1_then_h;
    MaskStreams masks{p, s.rho_second};  // y of attempt kappa = 0, l, 2l, ...
    for (;;) {
        masks.next(s.y);
        for (std::size_t i = 0; i < p.l; ++i) {
            z[i] = s.y[i];
            ntt(z[i]);  // y_hat
        }
        matrix_vector_ntt(p, s.a_hat, z, w);
        for (std::size_t i = 0; i < p.k; ++i) {
            inverse_ntt_montgomery(w[i]);
            high_bits_poly(w[i], s.w1_then_h[i], p.gamma2);
        }
        {
            Shake256 hash;  // c_tilde = H(mu || w1Encode(w1), lambda / 4)
            hash.absorb(ByteView{mu, kMuBytes});
            w1_encode(p, s.w1_then_h, s.w1_encoded);
            hash.absorb(ByteView{s.w1_encoded, w1_encoded_bytes(p)});
            hash.squeeze(MutableByteView{c_tilde.data(), p.c_tilde_bytes});
        }
        // c_tilde is published with the signature; SampleInBall branches on its hash. For
        // a rejected attempt it is a hash of w1, which this implementation also treats as
        // public, as the reference implementations do.
        declassify(c_tilde.data(), c_tilde.size());
        Poly c_hat = sample_in_ball(p, c_tilde_view);
        // c s1 and c s2 as sums of tau shifted copies (c is public, s1 and s2 small).
        const SparseChallenge c_sparse = sparse_challenge(c_hat);

        Poly product;
        std::int32_t z_norm = 0;
        for (std::size_t i = 0; i < p.l; ++i) {
            sparse_multiply(c_sparse, s.s1[i], product);  // c s1
            z[i] = s.y[i];
            add_to(z[i], product);
            z_norm = maximum(z_norm, infinity_norm(z[i]));
        }
        std::int32_t r0_norm = 0;
        for (std::size_t i = 0; i < p.k; ++i) {
            sparse_multiply(c_sparse, s.s2[i], product);  // c s2
            subtract_from(w[i], product);                 // r = w - c s2
            r0_norm = maximum(r0_norm, low_bits_norm(w[i], p.gamma2));
        }
        // Line 23: the rejection decision is public (it only says whether to retry).
        // Computed with masks (-1 iff a bound is reached): a short-circuit || would branch
        // on the first comparison before the decision is declassified.
        std::int32_t reject =
            at_least(z_norm, p.gamma1 - p.beta) | at_least(r0_norm, p.gamma2 - p.beta);
        declassify(&reject, sizeof reject);
        if (reject != 0) continue;

        ntt(c_hat);
        std::int32_t ct0_norm = 0;
        std::int32_t ones = 0;
        for (std::size_t i = 0; i < p.k; ++i) {
            multiply_ntt_montgomery(c_hat, s.key.t0[i], product);
            inverse_ntt_montgomery(product);  // c t0
            ct0_norm = maximum(ct0_norm, infinity_norm(product));
            ones += make_hints(w[i], product, h[i], p.gamma2);  // MakeHint(-ct0, w - cs2 + ct0)
        }
        secure_wipe(product.data(), sizeof product);
        // Line 28: again only the retry decision is made public.
        reject =
            at_least(ct0_norm, p.gamma2) | at_least(ones, static_cast<std::int32_t>(p.omega) + 1);
        declassify(&reject, sizeof reject);
        if (reject != 0) continue;
        // The accepted attempt's z and h are the signature: public from here on.
        declassify(z.data(), sizeof z);
        declassify(h.data(), sizeof h);
        sig_encode(p, c_tilde_view, z, h, sig);
        return;
    }
}

// mu = H(BytesToBits(tr) || M', 64) (Algorithm 7 line 6, Algorithm 8 line 7).
ByteArray<64> compute_mu(ByteView tr, ByteView message_prime) noexcept {
    Shake256 h;
    h.absorb(tr);
    h.absorb(message_prime);
    ByteArray<64> mu;
    h.squeeze(mu);
    return mu;
}

}  // namespace

void keygen_internal(SignatureScheme scheme, const ByteArray<32>& xi, MutableByteView pk,
                     MutableByteView sk) noexcept {
    const Params& p = params_of(scheme);
    if (!is_known(scheme) || pk.size() != p.public_key_bytes() || sk.size() != p.secret_key_bytes())
        return;
    struct State {
        SecretKeyParts key;
        ByteArray<64> rho_prime;
        Matrix a_hat;
        PolyVecL s1_hat;
        PolyVecK t;
        PolyVecK t1;
        ~State() {
            secure_wipe(rho_prime.data(), rho_prime.size());
            secure_wipe(s1_hat.data(), sizeof s1_hat);
            secure_wipe(t.data(), sizeof t);
        }
    };
    State s;  // on the stack (about 90 KB for ML-DSA-87): key generation allocates nothing
    {
        // (rho, rho', K) = H(xi || IntegerToBytes(k, 1) || IntegerToBytes(l, 1), 128): the
        // k and l bytes separate the parameter sets' keys from one seed.
        std::uint8_t input[34];
        std::copy(xi.begin(), xi.end(), input);
        input[32] = static_cast<std::uint8_t>(p.k);
        input[33] = static_cast<std::uint8_t>(p.l);
        std::uint8_t expanded[128];
        shake256(ByteView{input, 34}, MutableByteView{expanded, 128});
        std::copy(expanded, expanded + 32, s.key.rho.begin());
        std::copy(expanded + 32, expanded + 96, s.rho_prime.begin());
        std::copy(expanded + 96, expanded + 128, s.key.key.begin());
        secure_wipe(input, sizeof input);
        secure_wipe(expanded, sizeof expanded);
    }
    // rho is published in the public key; A is expanded from it by rejection sampling.
    declassify(s.key.rho.data(), s.key.rho.size());
    expand_a(p, s.key.rho, s.a_hat);
    expand_s(p, s.rho_prime, s.key.s1, s.key.s2);
    for (std::size_t i = 0; i < p.l; ++i) {
        s.s1_hat[i] = s.key.s1[i];
        ntt(s.s1_hat[i]);
    }
    matrix_vector_ntt(p, s.a_hat, s.s1_hat, s.t);
    for (std::size_t i = 0; i < p.k; ++i) {
        inverse_ntt_montgomery(s.t[i]);
        add_to(s.t[i], s.key.s2[i]);
        power2round_poly(s.t[i], s.t1[i], s.key.t0[i]);
    }
    // t1 is the public key.
    declassify(s.t1.data(), sizeof s.t1);
    pk_encode(p, s.key.rho, s.t1, pk.data());
    shake256(ByteView{pk.data(), pk.size()}, s.key.tr);
    sk_encode(p, s.key, sk.data());
}

Result<void, MlDsaError> sign_mu_into(SignatureScheme scheme, ByteView sk, ByteView mu,
                                      const ByteArray<32>& rnd, MutableByteView signature) {
    const Params& p = params_of(scheme);
    if (!is_known(scheme) || sk.size() != p.secret_key_bytes())
        return unexpected(MlDsaError::kSecretKeyLength);
    if (mu.size() != kMuBytes) return unexpected(MlDsaError::kMuLength);
    if (signature.size() != p.signature_bytes()) return unexpected(MlDsaError::kSignatureLength);
    sign_core(p, sk.data(), mu.data(), rnd, signature.data());
    return {};
}

Result<void, MlDsaError> sign_pure_into(SignatureScheme scheme, ByteView sk, ByteView message,
                                        ByteView context, const ByteArray<32>& rnd,
                                        MutableByteView signature) {
    const Params& p = params_of(scheme);
    if (!is_known(scheme) || sk.size() != p.secret_key_bytes())
        return unexpected(MlDsaError::kSecretKeyLength);
    if (context.size() > kMaxContext) return unexpected(MlDsaError::kContextTooLong);
    std::uint8_t mu[kMuBytes];
    compute_pure_mu(sk.data() + 64, message, context, mu);
    return sign_mu_into(scheme, sk, ByteView{mu, kMuBytes}, rnd, signature);
}

Result<Bytes, MlDsaError> sign_mu(SignatureScheme scheme, ByteView sk, ByteView mu,
                                  const ByteArray<32>& rnd) {
    Bytes sig(params_of(scheme).signature_bytes());
    auto done = sign_mu_into(scheme, sk, mu, rnd, sig);
    if (!done) return unexpected(done.error());
    return sig;
}

Result<Bytes, MlDsaError> sign_internal(SignatureScheme scheme, ByteView sk, ByteView message_prime,
                                        const ByteArray<32>& rnd) {
    const Params& p = params_of(scheme);
    if (!is_known(scheme) || sk.size() != p.secret_key_bytes())
        return unexpected(MlDsaError::kSecretKeyLength);
    const ByteArray<64> mu = compute_mu(sk.subspan(64, kTrBytes), message_prime);
    return sign_mu(scheme, sk, mu, rnd);
}

bool verify_mu(SignatureScheme scheme, ByteView pk, ByteView mu, ByteView signature) noexcept {
    const Params& p = params_of(scheme);
    if (!is_known(scheme) || pk.size() != p.public_key_bytes() ||
        signature.size() != p.signature_bytes() || mu.size() != kMuBytes)
        return false;
    // The uncached verification: the key is expanded on the stack (about 90 KB for
    // ML-DSA-87); nothing is allocated.
    std::array<Poly, kMaxK * kMaxL> a_hat;
    PolyVecK t1_hat;
    expand_public_key(p, pk.data(), a_hat.data(), p.l, t1_hat.data(), nullptr);
    return verify_expanded(p, ExpandedKeyView{a_hat.data(), p.l, t1_hat.data(), nullptr}, mu.data(),
                           signature.data());
}

bool verify_internal(SignatureScheme scheme, ByteView pk, ByteView message_prime,
                     ByteView signature) noexcept {
    const Params& p = params_of(scheme);
    if (!is_known(scheme) || pk.size() != p.public_key_bytes()) return false;
    ByteArray<64> tr;
    shake256(pk, tr);
    return verify_mu(scheme, pk, compute_mu(tr, message_prime), signature);
}

}  // namespace qtm::crypto::mldsa
