#include "chain/message.hpp"

#include <string>

#include "chain/keys.hpp"
#include "crypto/keccak.hpp"
#include "crypto/mldsa.hpp"
#include "crypto/signature_scheme.hpp"

namespace qtm::chain {

Hash32 personal_message_digest(ByteView message) {
    const std::string length = std::to_string(message.size());
    crypto::Keccak256 hasher;
    hasher.update(as_bytes(kPersonalMessagePrefix));
    hasher.update(as_bytes(length));
    hasher.update(message);
    return hasher.finalize();
}

Bytes sign_personal_message(const AccountKey& key, ByteView message) {
    return sign_message_digest(key, personal_message_digest(message));
}

Bytes sign_message_digest(const AccountKey& key, const Hash32& digest) {
    const Bytes signature = key.sign(digest, kMessageContext);
    Bytes out;
    out.reserve(1 + signature.size());
    out.push_back(crypto::to_byte(key.scheme()));
    out.insert(out.end(), signature.begin(), signature.end());
    return out;
}

std::string_view to_string(MessageSignatureError error) noexcept {
    switch (error) {
        case MessageSignatureError::kUnknownScheme:
            return "message signature: unknown signature scheme id in the first byte";
        case MessageSignatureError::kBadSignatureLength:
            return "message signature: length does not match the signature scheme";
        case MessageSignatureError::kBadPublicKeyLength:
            return "message signature: public key length does not match the signature scheme";
        case MessageSignatureError::kInvalidSignature:
            return "message signature: invalid signature";
    }
    return "message signature: invalid";
}

Result<void, MessageSignatureError> verify_personal_message(ByteView public_key, ByteView message,
                                                            ByteView signature) {
    return verify_message_digest(public_key, personal_message_digest(message), signature);
}

Result<void, MessageSignatureError> verify_message_digest(ByteView public_key, const Hash32& digest,
                                                          ByteView signature) {
    if (signature.empty()) return unexpected(MessageSignatureError::kUnknownScheme);
    auto scheme = crypto::parse_signature_scheme(signature[0]);
    if (!scheme) return unexpected(MessageSignatureError::kUnknownScheme);
    const auto sizes = crypto::signature_sizes(*scheme);
    if (signature.size() != 1 + sizes.signature) {
        return unexpected(MessageSignatureError::kBadSignatureLength);
    }
    if (public_key.size() != sizes.public_key) {
        return unexpected(MessageSignatureError::kBadPublicKeyLength);
    }
    if (!crypto::verify(*scheme, public_key, digest, as_bytes(kMessageContext),
                        signature.subspan(1))) {
        return unexpected(MessageSignatureError::kInvalidSignature);
    }
    return {};
}

}  // namespace qtm::chain
