// RAII holders for the OpenSSL objects the crypto wrappers use (private to src/crypto).
#pragma once

#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <memory>
#include <stdexcept>

namespace qtm::crypto::detail {

struct EvpPkeyFree {
    void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
};
struct EvpPkeyCtxFree {
    void operator()(EVP_PKEY_CTX* ctx) const noexcept { EVP_PKEY_CTX_free(ctx); }
};
struct EvpCipherCtxFree {
    void operator()(EVP_CIPHER_CTX* ctx) const noexcept { EVP_CIPHER_CTX_free(ctx); }
};
struct EvpKdfCtxFree {
    void operator()(EVP_KDF_CTX* ctx) const noexcept { EVP_KDF_CTX_free(ctx); }
};

using EvpPkey = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;
using EvpPkeyCtx = std::unique_ptr<EVP_PKEY_CTX, EvpPkeyCtxFree>;
using EvpCipherCtx = std::unique_ptr<EVP_CIPHER_CTX, EvpCipherCtxFree>;
using EvpKdfCtx = std::unique_ptr<EVP_KDF_CTX, EvpKdfCtxFree>;

// OpenSSL failing on valid, size-checked arguments means a broken library or no memory:
// a start-up class failure, not bad input, so it throws.
[[noreturn]] inline void openssl_failure(const char* what) {
    throw std::runtime_error(std::string{"OpenSSL failure: "} + what);
}

}  // namespace qtm::crypto::detail
