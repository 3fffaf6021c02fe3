// JSON Web Tokens as the Engine API authenticates: HS256 (HMAC-SHA256) over a 32-byte secret
// shared through a file of 64 hex digits, and an "iat" claim within 60 seconds of now. The
// admin endpoint of qtmd (--authrpc-*) accepts a request only with
// "Authorization: Bearer <token>".
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "base/bytes.hpp"
#include "base/result.hpp"

namespace qtm::rpc {

using JwtSecret = ByteArray<32>;

inline constexpr std::int64_t kJwtMaxClockSkewSeconds = 60;

// Checks signature (in constant time), algorithm and issue time; the error says which.
[[nodiscard]] Result<void, std::string> verify_jwt(std::string_view token, const JwtSecret& secret,
                                                   std::int64_t now_seconds);

// A token with {"iat": issued_at} (what clients such as the qtm CLI and tests send).
[[nodiscard]] std::string make_jwt(const JwtSecret& secret, std::int64_t issued_at);

// Reads the secret (64 hex digits, an optional 0x, surrounding whitespace) or, when the file
// does not exist, creates it with a fresh random secret, readable by the owner only.
[[nodiscard]] Result<JwtSecret, std::string> load_or_create_jwt_secret(
    const std::filesystem::path& path);

}  // namespace qtm::rpc
