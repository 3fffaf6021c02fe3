// The internal ML-DSA algorithms of FIPS 204 §6: KeyGen_internal, Sign_internal and
// Verify_internal, on top of the ring, sampling, rounding and encoding files.
#include <memory>

#include "crypto/declassify.hpp"
#include "crypto/keccak.hpp"
#include "crypto/mldsa/encoding.hpp"
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

// |a| for a in (-2^31, 2^31), without a branch.
std::int32_t absolute(std::int32_t a) noexcept {
    return (a ^ (a >> 31)) - (a >> 31);
}
std::int32_t maximum(std::int32_t a, std::int32_t b) noexcept {
    return a + (((a - b) >> 31) & (b - a));
}

// -1 if value >= bound, else 0, without a branch (both below 2^30).
std::int32_t at_least(std::int32_t value, std::int32_t bound) noexcept {
    return ~((value - bound) >> 31);
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

// Everything Algorithm 7 keeps between rejection attempts; large, so it lives on the heap.
struct SignState {
    SecretKeyParts key;  // s1, s2, t0 replaced by their NTTs
    Matrix a_hat;
    PolyVecL y;
    PolyVecL y_hat;
    PolyVecL z;
    PolyVecK w;
    PolyVecK w1;
    PolyVecK r;
    PolyVecK h;
    ByteArray<64> rho_second;
    ~SignState() {
        secure_wipe(y.data(), sizeof y);
        secure_wipe(y_hat.data(), sizeof y_hat);
        secure_wipe(z.data(), sizeof z);
        secure_wipe(w.data(), sizeof w);
        secure_wipe(r.data(), sizeof r);
        secure_wipe(rho_second.data(), rho_second.size());
    }
};

// Algorithm 7 from line 7: mu is already computed (from tr and M', or given externally).
void sign_core(const Params& p, const std::uint8_t* sk, const std::uint8_t* mu,
               const ByteArray<32>& rnd, std::uint8_t* sig) {
    auto state = std::make_unique<SignState>();
    SignState& s = *state;
    sk_decode(p, sk, s.key);
    for (std::size_t i = 0; i < p.l; ++i)
        ntt(s.key.s1[i]);
    for (std::size_t i = 0; i < p.k; ++i)
        ntt(s.key.s2[i]);
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
    for (std::uint16_t kappa = 0;; kappa = static_cast<std::uint16_t>(kappa + p.l)) {
        expand_mask(p, s.rho_second, kappa, s.y);
        for (std::size_t i = 0; i < p.l; ++i) {
            s.y_hat[i] = s.y[i];
            ntt(s.y_hat[i]);
        }
        matrix_vector_ntt(p, s.a_hat, s.y_hat, s.w);
        for (std::size_t i = 0; i < p.k; ++i) {
            inverse_ntt(s.w[i]);
            for (std::size_t j = 0; j < kN; ++j)
                s.w1[i][j] = decompose(s.w[i][j], p.gamma2).high;
        }
        {
            Shake256 h;  // c_tilde = H(mu || w1Encode(w1), lambda / 4)
            h.absorb(ByteView{mu, kMuBytes});
            h.absorb(w1_encode(p, s.w1));
            h.squeeze(MutableByteView{c_tilde.data(), p.c_tilde_bytes});
        }
        // c_tilde is published with the signature; SampleInBall branches on its hash. For
        // a rejected attempt it is a hash of w1, which this implementation also treats as
        // public, as the reference implementations do.
        declassify(c_tilde.data(), c_tilde.size());
        Poly c_hat = sample_in_ball(p, c_tilde_view);
        ntt(c_hat);

        std::int32_t z_norm = 0;
        for (std::size_t i = 0; i < p.l; ++i) {
            Poly cs1 = multiply_ntt(c_hat, s.key.s1[i]);
            inverse_ntt(cs1);
            s.z[i] = s.y[i];
            add_to(s.z[i], cs1);
            z_norm = maximum(z_norm, infinity_norm(s.z[i]));
        }
        std::int32_t r0_norm = 0;
        for (std::size_t i = 0; i < p.k; ++i) {
            Poly cs2 = multiply_ntt(c_hat, s.key.s2[i]);
            inverse_ntt(cs2);
            s.r[i] = s.w[i];
            subtract_from(s.r[i], cs2);  // w - c s2
            for (std::size_t j = 0; j < kN; ++j)
                r0_norm = maximum(r0_norm, absolute(decompose(s.r[i][j], p.gamma2).low));
        }
        // Line 23: the rejection decision is public (it only says whether to retry).
        // Computed with masks (-1 iff a bound is reached): a short-circuit || would branch
        // on the first comparison before the decision is declassified.
        std::int32_t reject =
            at_least(z_norm, p.gamma1 - p.beta) | at_least(r0_norm, p.gamma2 - p.beta);
        declassify(&reject, sizeof reject);
        if (reject != 0) continue;

        std::int32_t ct0_norm = 0;
        std::int32_t ones = 0;
        for (std::size_t i = 0; i < p.k; ++i) {
            Poly ct0 = multiply_ntt(c_hat, s.key.t0[i]);
            inverse_ntt(ct0);
            ct0_norm = maximum(ct0_norm, infinity_norm(ct0));
            for (std::size_t j = 0; j < kN; ++j) {
                // MakeHint(-ct0, w - cs2 + ct0)
                s.h[i][j] = make_hint(to_field(-ct0[j]), reduce_add(s.r[i][j], ct0[j]), p.gamma2);
                ones += s.h[i][j];
            }
        }
        // Line 28: again only the retry decision is made public.
        reject =
            at_least(ct0_norm, p.gamma2) | at_least(ones, static_cast<std::int32_t>(p.omega) + 1);
        declassify(&reject, sizeof reject);
        if (reject != 0) continue;
        // The accepted attempt's z and h are the signature: public from here on.
        declassify(s.z.data(), sizeof s.z);
        declassify(s.h.data(), sizeof s.h);
        sig_encode(p, c_tilde_view, s.z, s.h, sig);
        return;
    }
}

// Algorithm 8 from line 7: mu is already computed; pk and sig have the right lengths.
bool verify_core(const Params& p, const std::uint8_t* pk, const std::uint8_t* mu,
                 const std::uint8_t* sig) {
    struct State {
        ByteArray<32> rho;
        PolyVecK t1;
        PolyVecL z;
        PolyVecK h;
        Matrix a_hat;
        PolyVecK w;
    };
    auto state = std::make_unique<State>();
    State& s = *state;
    pk_decode(p, pk, s.rho, s.t1);
    if (!sig_decode(p, sig, s.z, s.h)) return false;
    // Line 13's norm check, done first: it needs nothing else and rejects cheaply.
    for (std::size_t i = 0; i < p.l; ++i) {
        if (infinity_norm(s.z[i]) >= p.gamma1 - p.beta) return false;
    }
    expand_a(p, s.rho, s.a_hat);
    const ByteView c_tilde{sig, p.c_tilde_bytes};
    Poly c_hat = sample_in_ball(p, c_tilde);
    ntt(c_hat);
    for (std::size_t i = 0; i < p.l; ++i)
        ntt(s.z[i]);
    matrix_vector_ntt(p, s.a_hat, s.z, s.w);
    for (std::size_t i = 0; i < p.k; ++i) {
        Poly t1_scaled;
        for (std::size_t j = 0; j < kN; ++j)
            t1_scaled[j] = s.t1[i][j] << kD;  // <= q - 1
        ntt(t1_scaled);
        subtract_from(s.w[i], multiply_ntt(c_hat, t1_scaled));
        inverse_ntt(s.w[i]);
        for (std::size_t j = 0; j < kN; ++j)
            s.w[i][j] = use_hint(s.h[i][j], s.w[i][j], p.gamma2);
    }
    Shake256 h;
    h.absorb(ByteView{mu, kMuBytes});
    h.absorb(w1_encode(p, s.w));
    ByteArray<64> expected{};
    h.squeeze(MutableByteView{expected.data(), p.c_tilde_bytes});
    return equal(c_tilde, ByteView{expected.data(), p.c_tilde_bytes});
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
    auto state = std::make_unique<State>();
    State& s = *state;
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
        inverse_ntt(s.t[i]);
        add_to(s.t[i], s.key.s2[i]);
        for (std::size_t j = 0; j < kN; ++j) {
            const Split split = power2round(s.t[i][j]);
            s.t1[i][j] = split.high;
            s.key.t0[i][j] = to_field(split.low);
        }
    }
    // t1 is the public key.
    declassify(s.t1.data(), sizeof s.t1);
    pk_encode(p, s.key.rho, s.t1, pk.data());
    shake256(ByteView{pk.data(), pk.size()}, s.key.tr);
    sk_encode(p, s.key, sk.data());
}

Result<Bytes, MlDsaError> sign_mu(SignatureScheme scheme, ByteView sk, ByteView mu,
                                  const ByteArray<32>& rnd) {
    const Params& p = params_of(scheme);
    if (!is_known(scheme) || sk.size() != p.secret_key_bytes())
        return unexpected(MlDsaError::kSecretKeyLength);
    if (mu.size() != kMuBytes) return unexpected(MlDsaError::kMuLength);
    Bytes sig(p.signature_bytes());
    sign_core(p, sk.data(), mu.data(), rnd, sig.data());
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
    try {
        return verify_core(p, pk.data(), mu.data(), signature.data());
    } catch (...) {  // allocation failure: a verifier must answer, and the answer is no
        return false;
    }
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
