// HKDF (RFC 5869) with HMAC-SHA-256, through OpenSSL 3: derives the p2p session keys from
// the hybrid shared secrets and the handshake transcript.
//
// Why SHA-256 and not SHA3: HKDF is defined over HMAC, RFC 5869 publishes its vectors for
// SHA-256, OpenSSL's HKDF-SHA-256 is the widely reviewed implementation (TLS 1.3 uses the
// same construction), and HMAC-SHA-256 keeps 128-bit security against a quantum adversary.
// The transcript hash itself is SHA3-256 (the project's hash for identities).
#pragma once

#include <string_view>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "crypto/secret.hpp"

namespace qtm::crypto {

inline constexpr std::size_t kHkdfSha256HashSize = 32;
inline constexpr std::size_t kHkdfSha256MaxOutput = 255 * kHkdfSha256HashSize;

enum class HkdfError {
    kOutputTooLong,  // more than 255 * 32 bytes asked of Expand (RFC 5869 §2.3)
    kPrkTooShort,    // a PRK shorter than 32 bytes given to Expand (RFC 5869 §2.3)
};
std::string_view to_string(HkdfError error) noexcept;

using HkdfPrk = Secret<kHkdfSha256HashSize>;

// HKDF-Extract(salt, IKM) = HMAC-SHA-256(salt, IKM); an empty salt means 32 zero bytes.
[[nodiscard]] HkdfPrk hkdf_sha256_extract(ByteView salt, ByteView input_key_material);

// HKDF-Expand(PRK, info, L) into `out` (L = out.size()).
[[nodiscard]] Result<void, HkdfError> hkdf_sha256_expand(ByteView prk, ByteView info,
                                                         MutableByteView out);

// Extract then Expand.
[[nodiscard]] Result<void, HkdfError> hkdf_sha256(ByteView salt, ByteView input_key_material,
                                                  ByteView info, MutableByteView out);

}  // namespace qtm::crypto
