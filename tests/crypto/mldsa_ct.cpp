// Constant-time check for ML-DSA, run under valgrind memcheck (ctest label "ct"): the key
// seed xi, the secret parts of the secret key (K, s1, s2, t0) and the signing randomness
// rnd are marked undefined, so any branch or memory index that depends on them is reported
// and fails the run (--error-exitcode). The library itself declassifies only what FIPS 204
// publishes: rho and t1 (the public key), the rejection decisions of Algorithm 7 (whether
// to retry), the commitment hash c_tilde, the accepted z and h (the signature), and the
// accept/reject bit of each nibble in RejBoundedPoly (it concerns discarded nibbles only).
#include <valgrind/memcheck.h>

#include <cstdio>

#include "crypto/mldsa.hpp"
#include "crypto/mldsa/internal.hpp"

namespace {

using qtm::ByteArray;
using qtm::Bytes;
using namespace qtm::crypto;

void mark_secret(void* data, std::size_t size) {
    (void)VALGRIND_MAKE_MEM_UNDEFINED(data, size);
}
void mark_public(const void* data, std::size_t size) {
    (void)VALGRIND_MAKE_MEM_DEFINED(data, size);
}

int run(SignatureScheme scheme, std::uint8_t seed) {
    const auto sizes = signature_sizes(scheme);
    ByteArray<32> xi{};
    ByteArray<32> rnd{};
    for (std::size_t i = 0; i < 32; ++i) {
        xi[i] = static_cast<std::uint8_t>(seed + i);
        rnd[i] = static_cast<std::uint8_t>(seed * 5 + i);
    }
    Bytes pk(sizes.public_key);
    Bytes sk(sizes.secret_key);
    mark_secret(xi.data(), xi.size());
    mldsa::keygen_internal(scheme, xi, pk, sk);
    mark_public(pk.data(), pk.size());

    // Secret: K and everything after tr. Public: rho (also in pk) and tr = H(pk).
    mark_public(sk.data(), sk.size());
    mark_secret(sk.data() + 32, 32);
    mark_secret(sk.data() + 128, sk.size() - 128);
    mark_secret(rnd.data(), rnd.size());

    const Bytes message{'q', 't', 'm'};
    const auto formatted = mldsa::format_message(message, qtm::as_bytes("qtm/tx/v1"));
    if (!formatted) return 1;
    auto signature = mldsa::sign_internal(scheme, sk, *formatted, rnd);
    if (!signature) return 1;
    mark_public(signature->data(), signature->size());
    return mldsa::verify_internal(scheme, pk, *formatted, *signature) ? 0 : 1;
}

}  // namespace

int main() {
    int failures = 0;
    for (const auto scheme :
         {SignatureScheme::kMlDsa44, SignatureScheme::kMlDsa65, SignatureScheme::kMlDsa87}) {
        for (std::uint8_t seed = 0; seed < 2; ++seed)
            failures += run(scheme, seed);
    }
    std::printf(
        "ML-DSA constant-time check: %d functional failures (memcheck reports any "
        "secret-dependent branch or index separately)\n",
        failures);
    return failures == 0 ? 0 : 1;
}
