#include "cheap_signer.hpp"

#include <algorithm>

#include "base/bytes.hpp"
#include "crypto/keccak.hpp"

namespace qtm::sim {

namespace {
constexpr auto kSizes = crypto::signature_sizes(crypto::SignatureScheme::kMlDsa65);
}

Hash32 cheap_tag(const Hash32& secret, ByteView message, std::string_view context) {
    crypto::Keccak256 hasher;
    const std::uint8_t context_size = static_cast<std::uint8_t>(context.size());
    hasher.update(secret).update(ByteView{&context_size, 1});
    hasher.update(ByteView{reinterpret_cast<const std::uint8_t*>(context.data()), context.size()});
    hasher.update(message);
    return hasher.finalize();
}

CheapSigner::CheapSigner(const Hash32& secret)
    : secret_{secret}, public_key_(kSizes.public_key, 0) {
    const Hash32 key = crypto::keccak256(secret_);
    std::copy(key.begin(), key.end(), public_key_.begin());
}

Bytes CheapSigner::sign(ByteView message, std::string_view context) const {
    const Hash32 tag = cheap_tag(secret_, message, context);
    Bytes signature(kSizes.signature, 0);
    std::copy(tag.begin(), tag.end(), signature.begin());
    return signature;
}

void CheapVerifier::add(const Hash32& secret) {
    secret_by_key_.emplace(crypto::keccak256(secret), secret);
}

bool CheapVerifier::verify(crypto::SignatureScheme scheme, ByteView public_key, ByteView message,
                           std::string_view context, ByteView signature) const noexcept {
    if (scheme != crypto::SignatureScheme::kMlDsa65 || public_key.size() != kSizes.public_key ||
        signature.size() != kSizes.signature) {
        return false;
    }
    Hash32 key{};
    std::copy_n(public_key.begin(), key.size(), key.begin());
    const auto found = secret_by_key_.find(key);
    if (found == secret_by_key_.end()) return false;
    const Hash32 expected = cheap_tag(found->second, message, context);
    if (!std::equal(expected.begin(), expected.end(), signature.begin())) return false;
    return std::all_of(signature.begin() + static_cast<std::ptrdiff_t>(expected.size()),
                       signature.end(), [](std::uint8_t byte) { return byte == 0; });
}

}  // namespace qtm::sim
