// Nibble paths of the Merkle Patricia Trie and their hex-prefix ("compact") encoding
// (Yellow Paper, Appendix C).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"

namespace qtm::trie {

// One element per 4-bit nibble, high nibble of each key byte first.
using Nibbles = std::vector<std::uint8_t>;

[[nodiscard]] Nibbles to_nibbles(ByteView key);

// Length of the common prefix of two nibble sequences.
[[nodiscard]] std::size_t common_prefix_length(const std::uint8_t* a, std::size_t a_size,
                                               const std::uint8_t* b, std::size_t b_size) noexcept;

// Hex-prefix encoding: a flag nibble (2 for a leaf, +1 for an odd length), a padding nibble
// when the length is even, then the path nibbles packed two per byte.
[[nodiscard]] Bytes hex_prefix_encode(const std::uint8_t* nibbles, std::size_t count, bool is_leaf);
inline Bytes hex_prefix_encode(const Nibbles& nibbles, bool is_leaf) {
    return hex_prefix_encode(nibbles.data(), nibbles.size(), is_leaf);
}

enum class HexPrefixError {
    kEmpty,           // no flag byte
    kInvalidFlag,     // flag nibble above 3
    kNonZeroPadding,  // even-length path whose padding nibble is not 0
};
std::string_view to_string(HexPrefixError error) noexcept;

struct HexPrefixPath {
    Nibbles nibbles;
    bool is_leaf{false};
};
[[nodiscard]] Result<HexPrefixPath, HexPrefixError> hex_prefix_decode(ByteView encoded);

}  // namespace qtm::trie
