// Byte strings: owned (Bytes), borrowed (ByteView) and fixed-size (ByteArray<N>).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace qtm {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;
using MutableByteView = std::span<std::uint8_t>;

template <std::size_t N>
using ByteArray = std::array<std::uint8_t, N>;

using Hash32 = ByteArray<32>;
using Address = ByteArray<20>;

// Views the characters of a string as bytes (RLP tests and hash inputs are often text).
inline ByteView as_bytes(std::string_view text) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

inline Bytes to_bytes(ByteView view) {
    return Bytes(view.begin(), view.end());
}

inline bool equal(ByteView a, ByteView b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

// Equal-length comparison whose running time does not depend on where the inputs differ.
// Use it for secrets (MACs, keys, shared secrets); lengths are treated as public.
[[nodiscard]] bool constant_time_equal(ByteView a, ByteView b) noexcept;

// Overwrites memory in a way the optimiser may not remove (for secret keys and seeds).
void secure_wipe(void* data, std::size_t size) noexcept;

}  // namespace qtm
