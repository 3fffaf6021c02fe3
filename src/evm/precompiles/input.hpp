// How precompiles read their input: as the EVM does, zero-extended on the right, and priced
// per 32-byte word.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

#include "base/bytes.hpp"

namespace qtm::evm::precompile {

// The first N bytes of the input, zeros past its end.
template <std::size_t N>
[[nodiscard]] std::array<std::uint8_t, N> padded(ByteView input) noexcept {
    std::array<std::uint8_t, N> out{};
    std::copy_n(input.begin(), std::min(N, input.size()), out.begin());
    return out;
}

// 32-byte words, rounded up. Input sizes are bounded by the caller's memory gas.
[[nodiscard]] inline std::int64_t words(ByteView input) noexcept {
    return static_cast<std::int64_t>((input.size() + 31) / 32);
}

}  // namespace qtm::evm::precompile
