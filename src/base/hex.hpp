// Strict hexadecimal text <-> bytes. Every malformed input is a typed error, never a crash.
#pragma once

#include <string>
#include <string_view>

#include "base/bytes.hpp"
#include "base/result.hpp"

namespace qtm {

enum class HexError {
    kMissingPrefix,     // "0x" required but absent
    kUnexpectedPrefix,  // "0x" forbidden but present
    kOddLength,         // an odd number of hex digits
    kInvalidCharacter,  // a character outside [0-9a-fA-F]
    kWrongLength,       // decoded to a length other than the one required
};

std::string_view to_string(HexError error) noexcept;

// Whether the "0x" (or "0X") prefix must, may, or must not be present.
enum class HexPrefix { kRequired, kOptional, kForbidden };

[[nodiscard]] Result<Bytes, HexError> from_hex(std::string_view text,
                                               HexPrefix prefix = HexPrefix::kOptional);

// Decodes exactly N bytes (a hash, an address); any other length is kWrongLength.
template <std::size_t N>
[[nodiscard]] Result<ByteArray<N>, HexError> from_hex_fixed(
    std::string_view text, HexPrefix prefix = HexPrefix::kOptional) {
    auto bytes = from_hex(text, prefix);
    if (!bytes) {
        return unexpected(bytes.error());
    }
    if (bytes->size() != N) {
        return unexpected(HexError::kWrongLength);
    }
    ByteArray<N> out{};
    std::copy(bytes->begin(), bytes->end(), out.begin());
    return out;
}

// Lower-case hex, with "0x" unless `with_prefix` is false.
[[nodiscard]] std::string to_hex(ByteView bytes, bool with_prefix = true);

}  // namespace qtm
