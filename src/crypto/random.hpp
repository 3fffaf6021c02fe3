// Randomness from the operating system's CSPRNG, for key generation, hedged signing and
// encapsulation. Failure to obtain randomness is fatal: there is no safe fallback.
#pragma once

#include "base/bytes.hpp"

namespace qtm::crypto {

// Fills `out` from getrandom(2); aborts the process if the kernel cannot provide entropy.
void random_bytes(MutableByteView out) noexcept;

template <std::size_t N>
[[nodiscard]] ByteArray<N> random_array() noexcept {
    ByteArray<N> out;
    random_bytes(out);
    return out;
}

}  // namespace qtm::crypto
