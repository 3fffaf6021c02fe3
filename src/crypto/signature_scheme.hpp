// Signature scheme ids (DESIGN.md §4): every QTM signature carries one byte naming its scheme,
// so that later schemes can be added without a new format. 0 is reserved and never valid.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/result.hpp"

namespace qtm::crypto {

enum class SignatureScheme : std::uint8_t { kMlDsa44 = 1, kMlDsa65 = 2, kMlDsa87 = 3 };

enum class SignatureSchemeError {
    kReserved,  // the byte 0, which no scheme will ever use
    kUnknown,   // a byte no scheme of this version knows
};

struct SignatureSizes {
    std::size_t public_key;
    std::size_t secret_key;  // the expanded FIPS 204 skEncode form
    std::size_t signature;
};

// FIPS 204 Table 2.
[[nodiscard]] constexpr SignatureSizes signature_sizes(SignatureScheme scheme) noexcept {
    switch (scheme) {
        case SignatureScheme::kMlDsa44:
            return {1312, 2560, 2420};
        case SignatureScheme::kMlDsa65:
            return {1952, 4032, 3309};
        case SignatureScheme::kMlDsa87:
            return {2592, 4896, 4627};
    }
    return {0, 0, 0};
}

[[nodiscard]] constexpr Result<SignatureScheme, SignatureSchemeError> parse_signature_scheme(
    std::uint8_t id) noexcept {
    if (id == 0) return unexpected(SignatureSchemeError::kReserved);
    if (id > 3) return unexpected(SignatureSchemeError::kUnknown);
    return static_cast<SignatureScheme>(id);
}

[[nodiscard]] constexpr std::uint8_t to_byte(SignatureScheme scheme) noexcept {
    return static_cast<std::uint8_t>(scheme);
}

[[nodiscard]] constexpr std::string_view to_string(SignatureScheme scheme) noexcept {
    switch (scheme) {
        case SignatureScheme::kMlDsa44:
            return "ML-DSA-44";
        case SignatureScheme::kMlDsa65:
            return "ML-DSA-65";
        case SignatureScheme::kMlDsa87:
            return "ML-DSA-87";
    }
    return "invalid";
}

// The scheme whose to_string() name is `name` ("ML-DSA-44", "ML-DSA-65", "ML-DSA-87").
[[nodiscard]] constexpr std::optional<SignatureScheme> signature_scheme_from_name(
    std::string_view name) noexcept {
    for (const auto scheme :
         {SignatureScheme::kMlDsa44, SignatureScheme::kMlDsa65, SignatureScheme::kMlDsa87}) {
        if (name == to_string(scheme)) return scheme;
    }
    return std::nullopt;
}

[[nodiscard]] constexpr std::string_view to_string(SignatureSchemeError error) noexcept {
    switch (error) {
        case SignatureSchemeError::kReserved:
            return "signature scheme id 0 is reserved";
        case SignatureSchemeError::kUnknown:
            return "unknown signature scheme id";
    }
    return "invalid";
}

}  // namespace qtm::crypto
