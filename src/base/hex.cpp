#include "base/hex.hpp"

#include <array>
#include <cstdint>

namespace qtm {
namespace {

// -1 for a character that is not a hex digit.
constexpr int digit_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// digit_value for every byte, with 0x10 for a non-digit: decoding a 5 KB transaction is
// then a table load per character and one OR-ed validity check per byte (from_hex was a
// tenth of qtmd's CPU under a load of raw transactions with the branchy version).
constexpr std::array<std::uint8_t, 256> kDigitTable = [] {
    std::array<std::uint8_t, 256> table{};
    for (int c = 0; c < 256; ++c) {
        const int value = digit_value(static_cast<char>(c));
        table[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(value < 0 ? 0x10 : value);
    }
    return table;
}();

bool has_prefix(std::string_view text) noexcept {
    return text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
}

}  // namespace

std::string_view to_string(HexError error) noexcept {
    switch (error) {
        case HexError::kMissingPrefix:
            return "hex string without 0x prefix";
        case HexError::kUnexpectedPrefix:
            return "hex string must not start with 0x";
        case HexError::kOddLength:
            return "hex string of odd length";
        case HexError::kInvalidCharacter:
            return "invalid hex character";
        case HexError::kWrongLength:
            return "hex string has the wrong length";
    }
    return "unknown hex error";
}

Result<Bytes, HexError> from_hex(std::string_view text, HexPrefix prefix) {
    const bool prefixed = has_prefix(text);
    if (prefix == HexPrefix::kRequired && !prefixed) return unexpected(HexError::kMissingPrefix);
    if (prefix == HexPrefix::kForbidden && prefixed) return unexpected(HexError::kUnexpectedPrefix);
    if (prefixed) text.remove_prefix(2);
    if (text.size() % 2 != 0) return unexpected(HexError::kOddLength);

    Bytes out(text.size() / 2);
    const auto* in = reinterpret_cast<const unsigned char*>(text.data());
    std::uint8_t invalid = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const std::uint8_t high = kDigitTable[in[2 * i]];
        const std::uint8_t low = kDigitTable[in[2 * i + 1]];
        invalid |= static_cast<std::uint8_t>(high | low);
        out[i] = static_cast<std::uint8_t>((high << 4) | (low & 0x0f));
    }
    if ((invalid & 0x10) != 0) return unexpected(HexError::kInvalidCharacter);
    return out;
}

std::string to_hex(ByteView bytes, bool with_prefix) {
    static constexpr char kDigits[] = "0123456789abcdef";
    const std::size_t prefix = with_prefix ? 2 : 0;
    std::string out(prefix + bytes.size() * 2, '0');
    if (with_prefix) out[1] = 'x';
    char* at = out.data() + prefix;
    for (const std::uint8_t byte : bytes) {
        *at++ = kDigits[byte >> 4];
        *at++ = kDigits[byte & 0xf];
    }
    return out;
}

}  // namespace qtm
