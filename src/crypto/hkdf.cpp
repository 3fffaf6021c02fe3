#include "crypto/hkdf.hpp"

#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#include "crypto/openssl_support.hpp"

namespace qtm::crypto {
namespace {

// OpenSSL's parameter arrays take non-const pointers even for inputs it only reads.
void* param_data(ByteView bytes) noexcept {
    static std::uint8_t empty = 0;
    return bytes.empty() ? &empty : const_cast<std::uint8_t*>(bytes.data());
}

void run_expand(ByteView prk, ByteView info, MutableByteView out) {
    EVP_KDF* kdf = EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_HKDF, nullptr);
    if (kdf == nullptr) detail::openssl_failure("HKDF fetch");
    const detail::EvpKdfCtx ctx{EVP_KDF_CTX_new(kdf)};
    EVP_KDF_free(kdf);
    if (!ctx) detail::openssl_failure("HKDF context");

    char digest[] = "SHA256";
    int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, param_data(prk), prk.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, param_data(info), info.size()),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
        detail::openssl_failure("HKDF expand");
    }
}

}  // namespace

std::string_view to_string(HkdfError error) noexcept {
    switch (error) {
        case HkdfError::kOutputTooLong:
            return "HKDF output longer than 255 hash lengths";
        case HkdfError::kPrkTooShort:
            return "HKDF pseudorandom key shorter than the hash length";
    }
    return "unknown HKDF error";
}

HkdfPrk hkdf_sha256_extract(ByteView salt, ByteView input_key_material) {
    // Extract is one HMAC. An empty salt is the same HMAC key as HashLen zero bytes (HMAC
    // pads keys with zeros), as RFC 5869 §2.2 asks; an empty IKM is allowed.
    HkdfPrk prk;
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), param_data(salt), static_cast<int>(salt.size()),
             static_cast<const unsigned char*>(param_data(input_key_material)),
             input_key_material.size(), prk.mutable_bytes().data(), &length) == nullptr ||
        length != HkdfPrk::kSize) {
        detail::openssl_failure("HKDF extract");
    }
    return prk;
}

Result<void, HkdfError> hkdf_sha256_expand(ByteView prk, ByteView info, MutableByteView out) {
    if (prk.size() < kHkdfSha256HashSize) return unexpected(HkdfError::kPrkTooShort);
    if (out.size() > kHkdfSha256MaxOutput) return unexpected(HkdfError::kOutputTooLong);
    if (out.empty()) return {};
    run_expand(prk, info, out);
    return {};
}

Result<void, HkdfError> hkdf_sha256(ByteView salt, ByteView input_key_material, ByteView info,
                                    MutableByteView out) {
    if (out.size() > kHkdfSha256MaxOutput) return unexpected(HkdfError::kOutputTooLong);
    const auto prk = hkdf_sha256_extract(salt, input_key_material);
    return hkdf_sha256_expand(prk.bytes(), info, out);
}

}  // namespace qtm::crypto
