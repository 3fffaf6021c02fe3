#include "crypto/digests.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto/openssl_support.hpp"

namespace qtm::crypto {
namespace {

template <std::size_t N>
ByteArray<N> digest(const EVP_MD* md, ByteView data, const char* what) {
    ByteArray<N> out{};
    unsigned int length = 0;
    if (md == nullptr ||
        EVP_Digest(data.data(), data.size(), out.data(), &length, md, nullptr) != 1 ||
        length != N) {
        detail::openssl_failure(what);  // a broken installation, not bad input
    }
    return out;
}

}  // namespace

ByteArray<32> sha256(ByteView data) {
    return digest<32>(EVP_sha256(), data, "SHA-256");
}

ByteArray<20> ripemd160(ByteView data) {
    return digest<20>(EVP_ripemd160(), data, "RIPEMD-160");
}

ByteArray<32> hmac_sha256(ByteView key, ByteView message) {
    ByteArray<32> mac{};
    unsigned int length = 0;
    static const std::uint8_t kEmpty = 0;
    if (HMAC(EVP_sha256(), key.empty() ? &kEmpty : key.data(), static_cast<int>(key.size()),
             message.empty() ? &kEmpty : message.data(), message.size(), mac.data(),
             &length) == nullptr ||
        length != mac.size()) {
        detail::openssl_failure("HMAC-SHA-256");
    }
    return mac;
}

}  // namespace qtm::crypto
