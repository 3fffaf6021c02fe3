// Personal messages (eth_sign, the SDK's signMessage): an account signs an arbitrary byte
// string under Ethereum's personal-message prefix, with ML-DSA instead of secp256k1.
//
//   digest    = keccak256("\x19Ethereum Signed Message:\n" || decimal(len(message)) || message)
//   signature = scheme_id (1 byte) || ML-DSA.Sign(secret_key, digest, context "qtm/msg/v1")
//
// Signing is deterministic (FIPS 204 with rnd = 0^32), so a message signed twice gives the
// same bytes. The context keeps a message signature from ever verifying as a transaction
// signature ("qtm/tx/v1") and the reverse. docs/sdk.md describes the format.
#pragma once

#include <string_view>

#include "base/bytes.hpp"
#include "base/result.hpp"

namespace qtm::chain {

inline constexpr std::string_view kMessageContext = "qtm/msg/v1";
inline constexpr std::string_view kPersonalMessagePrefix =
    "\x19"
    "Ethereum Signed Message:\n";

class AccountKey;

[[nodiscard]] Hash32 personal_message_digest(ByteView message);

// scheme_id || deterministic ML-DSA signature of personal_message_digest(message).
[[nodiscard]] Bytes sign_personal_message(const AccountKey& key, ByteView message);
// scheme_id || deterministic ML-DSA signature of a 32-byte digest under kMessageContext:
// what sign_personal_message signs, and what EIP-712 typed data signs (its digest starts
// 0x19 0x01, a personal message's 0x19 'E', so neither can pass for the other).
[[nodiscard]] Bytes sign_message_digest(const AccountKey& key, const Hash32& digest);

enum class MessageSignatureError {
    kUnknownScheme,       // the first byte names no signature scheme
    kBadSignatureLength,  // the rest is not a signature of that scheme's size
    kBadPublicKeyLength,  // the public key is not of that scheme's size
    kInvalidSignature,    // does not verify under the key
};
[[nodiscard]] std::string_view to_string(MessageSignatureError error) noexcept;

// Checks `signature` (scheme_id || ML-DSA signature) over `message` under `public_key`; the
// signer's address is address_of(scheme, public_key).
[[nodiscard]] Result<void, MessageSignatureError> verify_personal_message(ByteView public_key,
                                                                          ByteView message,
                                                                          ByteView signature);
// The same for a signature made by sign_message_digest.
[[nodiscard]] Result<void, MessageSignatureError> verify_message_digest(ByteView public_key,
                                                                        const Hash32& digest,
                                                                        ByteView signature);

}  // namespace qtm::chain
