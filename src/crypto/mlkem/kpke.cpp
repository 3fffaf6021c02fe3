#include "crypto/mlkem/kpke.hpp"

#include <algorithm>

#include "crypto/declassify.hpp"
#include "crypto/keccak.hpp"

namespace qtm::crypto::mlkem {
namespace {

using Matrix = std::array<PolyVector, kMaxK>;

// Â[i][j] = SampleNTT(rho || j || i); `transposed` gives Â^T, as Encrypt needs.
Matrix expand_matrix(const Params& params, const ByteArray<32>& rho, bool transposed) noexcept {
    Matrix a;
    NttSample samples[kMaxK * kMaxK];
    std::size_t count = 0;
    for (unsigned i = 0; i < params.k; ++i) {
        for (unsigned j = 0; j < params.k; ++j) {
            const auto row = static_cast<std::uint8_t>(transposed ? j : i);
            const auto column = static_cast<std::uint8_t>(transposed ? i : j);
            samples[count++] = {column, row, &a[i][j]};
        }
    }
    sample_ntt_many(rho, samples, count);
    return a;
}

// sum_j a[j] ∘ b[j] in the NTT domain.
Poly inner_product(const Params& params, const PolyVector& a, const PolyVector& b) noexcept {
    return inner_product_ntt(a.data(), b.data(), params.k);
}

ByteArray<32> first_half(const ByteArray<64>& both) noexcept {
    ByteArray<32> out;
    std::copy(both.begin(), both.begin() + 32, out.begin());
    return out;
}
ByteArray<32> second_half(const ByteArray<64>& both) noexcept {
    ByteArray<32> out;
    std::copy(both.begin() + 32, both.end(), out.begin());
    return out;
}

}  // namespace

void pke_keygen(const Params& params, const ByteArray<32>& d, std::uint8_t* encryption_key,
                std::uint8_t* decryption_key) noexcept {
    // (rho, sigma) = G(d || k): the rank byte separates the parameter sets' keys.
    std::uint8_t seed_input[33];
    std::copy(d.begin(), d.end(), seed_input);
    seed_input[32] = static_cast<std::uint8_t>(params.k);
    ByteArray<64> expanded = sha3_512(ByteView{seed_input, sizeof seed_input});
    const ByteArray<32> rho = first_half(expanded);
    ByteArray<32> sigma = second_half(expanded);
    // rho is published in the encapsulation key; the matrix sampled from it (with its
    // data-dependent rejection loop) is public.
    declassify(rho.data(), rho.size());

    const Matrix a = expand_matrix(params, rho, /*transposed=*/false);
    // s from nonces 0..k-1 and e from k..2k-1, with one eta: one batch of 2k streams,
    // used where they were sampled.
    Poly noise[2 * kMaxK];
    const std::size_t noise_bytes = 2 * params.k * sizeof(Poly);
    sample_cbd_many(sigma, params.eta1, 2 * params.k, params.eta1, noise, 2 * params.k);
    Poly* s = noise;
    Poly* e = noise + params.k;
    for (unsigned i = 0; i < 2 * params.k; ++i)
        ntt(noise[i]);
    for (unsigned i = 0; i < params.k; ++i) {
        Poly t = inner_product_ntt(a[i].data(), s, params.k);
        add_to(t, e[i]);
        byte_encode(t, 12, encryption_key + 384 * i);
        byte_encode(s[i], 12, decryption_key + 384 * i);
    }
    std::copy(rho.begin(), rho.end(), encryption_key + 384 * params.k);

    secure_wipe(seed_input, sizeof seed_input);
    secure_wipe(expanded.data(), expanded.size());
    secure_wipe(sigma.data(), sigma.size());
    secure_wipe(noise, noise_bytes);
}

void pke_encrypt(const Params& params, const std::uint8_t* encryption_key,
                 const ByteArray<32>& message, const ByteArray<32>& randomness,
                 std::uint8_t* ciphertext) noexcept {
    PolyVector t;
    for (unsigned i = 0; i < params.k; ++i)
        t[i] = byte_decode(encryption_key + 384 * i, 12);
    ByteArray<32> rho;
    std::copy_n(encryption_key + 384 * params.k, 32, rho.begin());
    const Matrix a_transposed = expand_matrix(params, rho, /*transposed=*/true);

    // y from nonces 0..k-1 (eta1), then e1 from k..2k-1 and e2 from 2k (eta2): one batch of
    // 2k + 1 streams, used where they were sampled.
    Poly noise[2 * kMaxK + 1];
    const std::size_t noise_bytes = (2 * params.k + 1) * sizeof(Poly);
    sample_cbd_many(randomness, params.eta1, params.k, params.eta2, noise, 2 * params.k + 1);
    Poly* y = noise;
    const Poly* e1 = noise + params.k;
    const Poly& e2 = noise[2 * params.k];
    for (unsigned i = 0; i < params.k; ++i)
        ntt(y[i]);

    for (unsigned i = 0; i < params.k; ++i) {
        Poly u = inner_product_ntt(a_transposed[i].data(), y, params.k);
        inverse_ntt(u);
        add_to(u, e1[i]);
        compress(u, params.du);
        byte_encode(u, params.du, ciphertext + 32 * params.du * i);
    }
    Poly mu = byte_decode(message.data(), 1);
    decompress(mu, 1);
    Poly v = inner_product_ntt(t.data(), y, params.k);
    inverse_ntt(v);
    add_to(v, e2);
    add_to(v, mu);
    compress(v, params.dv);
    byte_encode(v, params.dv, ciphertext + 32 * params.du * params.k);

    secure_wipe(noise, noise_bytes);
    secure_wipe(mu.data(), sizeof mu);
    secure_wipe(v.data(), sizeof v);
}

ByteArray<32> pke_decrypt(const Params& params, const std::uint8_t* decryption_key,
                          const std::uint8_t* ciphertext) noexcept {
    PolyVector u;
    for (unsigned i = 0; i < params.k; ++i) {
        u[i] = byte_decode(ciphertext + 32 * params.du * i, params.du);
        decompress(u[i], params.du);
        ntt(u[i]);
    }
    Poly v = byte_decode(ciphertext + 32 * params.du * params.k, params.dv);
    decompress(v, params.dv);
    PolyVector s;
    for (unsigned i = 0; i < params.k; ++i)
        s[i] = byte_decode(decryption_key + 384 * i, 12);

    Poly w = inner_product(params, s, u);
    inverse_ntt(w);
    Poly message_poly = v;
    subtract_from(message_poly, w);
    compress(message_poly, 1);
    ByteArray<32> message;
    byte_encode(message_poly, 1, message.data());

    secure_wipe(s.data(), params.k * sizeof(Poly));
    secure_wipe(w.data(), sizeof w);
    secure_wipe(message_poly.data(), sizeof message_poly);
    return message;
}

}  // namespace qtm::crypto::mlkem
