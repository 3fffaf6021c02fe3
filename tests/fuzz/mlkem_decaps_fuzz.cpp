// Fuzzes ML-KEM decapsulation: arbitrary bytes as the ciphertext for a fixed valid key (must
// yield a 32-byte key by implicit rejection, never crash), and as the decapsulation key and
// ciphertext of each parameter set (typed errors for bad lengths or inconsistent keys).
#include <cstdint>
#include <cstdlib>

#include "crypto/mlkem.hpp"

using namespace qtm::crypto;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const auto set = static_cast<MlKemParameterSet>(data[0] % 3);
    const qtm::ByteView rest{data + 1, size - 1};
    static const auto pair = mlkem_keygen(MlKemParameterSet::kMlKem768, {}, {});
    const auto sizes = mlkem_sizes(set);

    // The fuzzed bytes as a ciphertext, padded or cut to the right length.
    qtm::Bytes ciphertext(rest.begin(), rest.end());
    ciphertext.resize(mlkem_sizes(MlKemParameterSet::kMlKem768).ciphertext);
    const auto key =
        mlkem_decaps(MlKemParameterSet::kMlKem768, pair.decapsulation_key.bytes(), ciphertext);
    if (!key) std::abort();  // a valid key and a right-sized ciphertext never fail

    // The fuzzed bytes as a decapsulation key, then as both key and ciphertext.
    const auto as_key = mlkem_decaps(set, rest, ciphertext);
    if (as_key && rest.size() != sizes.decapsulation_key) std::abort();
    if (rest.size() > sizes.decapsulation_key) {
        (void)mlkem_decaps(set, rest.first(sizes.decapsulation_key),
                           rest.subspan(sizes.decapsulation_key));
    }
    return 0;
}
