#include "base/hex.hpp"

namespace qtm {
namespace {

// -1 for a character that is not a hex digit.
constexpr int digit_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

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
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int high = digit_value(text[2 * i]);
        const int low = digit_value(text[2 * i + 1]);
        if (high < 0 || low < 0) return unexpected(HexError::kInvalidCharacter);
        out[i] = static_cast<std::uint8_t>((high << 4) | low);
    }
    return out;
}

std::string to_hex(ByteView bytes, bool with_prefix) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2 + 2);
    if (with_prefix) out += "0x";
    for (const std::uint8_t byte : bytes) {
        out += kDigits[byte >> 4];
        out += kDigits[byte & 0xf];
    }
    return out;
}

}  // namespace qtm
