// Constant-time check for ML-KEM, run under valgrind memcheck (ctest label "ct"): the seeds
// d and z, the encapsulation message m and the secret parts of the decapsulation key are
// marked undefined, so any branch or memory index that depends on them is reported and
// fails the run (--error-exitcode). Outputs that are public by design (the encapsulation
// key, the ciphertext) are declassified before they are used as inputs again.
#include <valgrind/memcheck.h>

#include <cstdio>

#include "crypto/mlkem.hpp"

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

int run(MlKemParameterSet set, std::uint8_t seed) {
    ByteArray<32> d{}, z{}, m{};
    for (std::size_t i = 0; i < 32; ++i) {
        d[i] = static_cast<std::uint8_t>(seed + i);
        z[i] = static_cast<std::uint8_t>(seed * 3 + i);
        m[i] = static_cast<std::uint8_t>(seed * 7 + i);
    }
    mark_secret(d.data(), d.size());
    mark_secret(z.data(), z.size());
    auto pair = mlkem_keygen(set, d, z);
    mark_public(pair.encapsulation_key.data(), pair.encapsulation_key.size());

    Bytes dk(pair.decapsulation_key.bytes().begin(), pair.decapsulation_key.bytes().end());
    const auto sizes = mlkem_sizes(set);
    const std::size_t pke_size = (sizes.encapsulation_key - 32);
    // Secret: dk_pke and z. Public: the ek and H(ek) stored in dk (checked by §7.3).
    mark_public(dk.data(), dk.size());
    mark_secret(dk.data(), pke_size);
    mark_secret(dk.data() + dk.size() - 32, 32);

    mark_secret(m.data(), m.size());
    auto sent = mlkem_encaps(set, pair.encapsulation_key, m);
    if (!sent) return 1;
    mark_public(sent->ciphertext.data(), sent->ciphertext.size());

    auto received = mlkem_decaps(set, dk, sent->ciphertext);
    Bytes modified = sent->ciphertext;
    modified[modified.size() / 2] ^= 0x10;
    auto rejected = mlkem_decaps(set, dk, modified);
    if (!received || !rejected) return 1;

    // Only now, to compare them, are the shared secrets declassified.
    mark_public(received->data(), received->size());
    mark_public(sent->shared_secret.data(), sent->shared_secret.size());
    mark_public(rejected->data(), rejected->size());
    if (*received != sent->shared_secret || *rejected == sent->shared_secret) return 1;
    return 0;
}

}  // namespace

int main() {
    int failures = 0;
    for (const auto set : {MlKemParameterSet::kMlKem512, MlKemParameterSet::kMlKem768,
                           MlKemParameterSet::kMlKem1024}) {
        for (std::uint8_t seed = 0; seed < 3; ++seed)
            failures += run(set, seed);
    }
    std::printf(
        "ML-KEM constant-time check: %d functional failures (memcheck reports any "
        "secret-dependent branch or index separately)\n",
        failures);
    return failures == 0 ? 0 : 1;
}
