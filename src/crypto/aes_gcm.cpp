#include "crypto/aes_gcm.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <stdexcept>

#include "crypto/openssl_support.hpp"

namespace qtm::crypto {
namespace {

void check_sizes(ByteView key, ByteView iv, std::size_t in, std::size_t out, std::size_t tag) {
    if (key.size() != kAesGcmKeySize || iv.size() != kAesGcmIvSize || in != out ||
        tag != kAesGcmTagSize) {
        throw std::invalid_argument("AES-256-GCM: wrong key, IV, output or tag size");
    }
}

int int_size(std::size_t size) {
    if (size > 0x7fffffff) throw std::invalid_argument("AES-256-GCM: input too large");
    return static_cast<int>(size);
}

}  // namespace

void aes256_gcm_seal(ByteView key, ByteView iv, ByteView associated_data, ByteView plaintext,
                     MutableByteView ciphertext, MutableByteView tag) {
    check_sizes(key, iv, plaintext.size(), ciphertext.size(), tag.size());
    const detail::EvpCipherCtx ctx{EVP_CIPHER_CTX_new()};
    int length = 0;
    if (!ctx ||
        EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), iv.data()) != 1 ||
        (!associated_data.empty() &&
         EVP_EncryptUpdate(ctx.get(), nullptr, &length, associated_data.data(),
                           int_size(associated_data.size())) != 1) ||
        EVP_EncryptUpdate(ctx.get(), ciphertext.data(), &length, plaintext.data(),
                          int_size(plaintext.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), ciphertext.data() + length, &length) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, int_size(tag.size()), tag.data()) !=
            1) {
        detail::openssl_failure("AES-256-GCM encryption");
    }
}

Result<void, AeadError> aes256_gcm_open(ByteView key, ByteView iv, ByteView associated_data,
                                        ByteView ciphertext, ByteView tag,
                                        MutableByteView plaintext) {
    check_sizes(key, iv, ciphertext.size(), plaintext.size(), tag.size());
    const detail::EvpCipherCtx ctx{EVP_CIPHER_CTX_new()};
    if (!ctx) detail::openssl_failure("AES-256-GCM context");
    int length = 0;
    // OpenSSL's tag setter takes a non-const pointer; it only reads the tag.
    auto* tag_data = const_cast<std::uint8_t*>(tag.data());
    const bool ok =
        EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), iv.data()) == 1 &&
        (associated_data.empty() ||
         EVP_DecryptUpdate(ctx.get(), nullptr, &length, associated_data.data(),
                           int_size(associated_data.size())) == 1) &&
        EVP_DecryptUpdate(ctx.get(), plaintext.data(), &length, ciphertext.data(),
                          int_size(ciphertext.size())) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, int_size(tag.size()), tag_data) == 1 &&
        EVP_DecryptFinal_ex(ctx.get(), plaintext.data() + length, &length) == 1;
    if (!ok) {
        OPENSSL_cleanse(plaintext.data(), plaintext.size());
        return unexpected(AeadError::kAuthenticationFailed);
    }
    return {};
}

}  // namespace qtm::crypto
