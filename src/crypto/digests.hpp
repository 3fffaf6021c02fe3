// SHA-256, RIPEMD-160 and HMAC-SHA-256 through OpenSSL 3: the EVM's 0x02 and 0x03
// precompiles and the JWT of the authenticated RPC endpoint. (Keccak and SHA3 are the
// project's own, crypto/keccak.hpp.)
#pragma once

#include "base/bytes.hpp"

namespace qtm::crypto {

[[nodiscard]] ByteArray<32> sha256(ByteView data);
[[nodiscard]] ByteArray<20> ripemd160(ByteView data);
// HMAC-SHA-256 (RFC 2104) of `message` under `key`.
[[nodiscard]] ByteArray<32> hmac_sha256(ByteView key, ByteView message);

}  // namespace qtm::crypto
