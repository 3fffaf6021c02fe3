#include "trie/nibbles.hpp"

namespace qtm::trie {

Nibbles to_nibbles(ByteView key) {
    Nibbles out(key.size() * 2);
    for (std::size_t i = 0; i < key.size(); ++i) {
        out[2 * i] = static_cast<std::uint8_t>(key[i] >> 4);
        out[2 * i + 1] = static_cast<std::uint8_t>(key[i] & 0x0f);
    }
    return out;
}

std::size_t common_prefix_length(const std::uint8_t* a, std::size_t a_size, const std::uint8_t* b,
                                 std::size_t b_size) noexcept {
    const std::size_t limit = std::min(a_size, b_size);
    std::size_t i = 0;
    while (i < limit && a[i] == b[i])
        ++i;
    return i;
}

Bytes hex_prefix_encode(const std::uint8_t* nibbles, std::size_t count, bool is_leaf) {
    const bool odd = count % 2 == 1;
    const auto flag = static_cast<std::uint8_t>((is_leaf ? 2 : 0) + (odd ? 1 : 0));
    Bytes out(count / 2 + 1);
    std::size_t next = 0;
    if (odd) {
        out[0] = static_cast<std::uint8_t>((flag << 4) | nibbles[0]);
        next = 1;
    } else {
        out[0] = static_cast<std::uint8_t>(flag << 4);
    }
    for (std::size_t i = 1; i < out.size(); ++i, next += 2) {
        out[i] = static_cast<std::uint8_t>((nibbles[next] << 4) | nibbles[next + 1]);
    }
    return out;
}

std::string_view to_string(HexPrefixError error) noexcept {
    switch (error) {
        case HexPrefixError::kEmpty:
            return "hex-prefix path is empty";
        case HexPrefixError::kInvalidFlag:
            return "hex-prefix flag nibble is not 0-3";
        case HexPrefixError::kNonZeroPadding:
            return "hex-prefix padding nibble is not zero";
    }
    return "unknown hex-prefix error";
}

Result<HexPrefixPath, HexPrefixError> hex_prefix_decode(ByteView encoded) {
    if (encoded.empty()) return unexpected(HexPrefixError::kEmpty);
    const std::uint8_t flag = encoded[0] >> 4;
    if (flag > 3) return unexpected(HexPrefixError::kInvalidFlag);
    const bool odd = (flag & 1) != 0;
    HexPrefixPath path;
    path.is_leaf = (flag & 2) != 0;
    if (!odd && (encoded[0] & 0x0f) != 0) return unexpected(HexPrefixError::kNonZeroPadding);
    path.nibbles.reserve(encoded.size() * 2);
    if (odd) path.nibbles.push_back(encoded[0] & 0x0f);
    for (std::size_t i = 1; i < encoded.size(); ++i) {
        path.nibbles.push_back(static_cast<std::uint8_t>(encoded[i] >> 4));
        path.nibbles.push_back(static_cast<std::uint8_t>(encoded[i] & 0x0f));
    }
    return path;
}

}  // namespace qtm::trie
