// Fuzzes ML-KEM encapsulation: arbitrary bytes as the encapsulation key of each parameter
// set. Wrong lengths and unreduced coefficients are typed errors; an accepted key yields a
// ciphertext of the right size. Never crashes.
#include <cstdint>
#include <cstdlib>

#include "crypto/mlkem.hpp"

using namespace qtm::crypto;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const auto set = static_cast<MlKemParameterSet>(data[0] % 3);
    const auto sizes = mlkem_sizes(set);
    qtm::Bytes key(data + 1, data + size);
    // Half the time, stretch the input to the right length so the modulus check is reached.
    if (data[0] & 0x80) key.resize(sizes.encapsulation_key);
    const auto result = mlkem_encaps(set, key, qtm::ByteArray<32>{});
    if (result &&
        (key.size() != sizes.encapsulation_key || result->ciphertext.size() != sizes.ciphertext)) {
        std::abort();
    }
    return 0;
}
