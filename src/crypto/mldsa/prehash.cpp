// The message formatting of FIPS 204 Algorithms 2-5: pure M' and HashML-DSA's pre-hashed M'
// (SHA-2 through OpenSSL's EVP interface, SHA-3 and SHAKE through our own sponge).
#include <openssl/evp.h>

#include "crypto/keccak.hpp"
#include "crypto/mldsa/internal.hpp"
#include "crypto/mldsa/params.hpp"

namespace qtm::crypto::mldsa {
namespace {

struct PreHashInfo {
    std::string_view name;  // as ACVP spells it
    std::uint8_t oid_last;  // the last byte of the DER OID 2.16.840.1.101.3.4.2.x
};

constexpr PreHashInfo kPreHashes[] = {
    {"SHA2-224", 0x04},     {"SHA2-256", 0x01},     {"SHA2-384", 0x02},  {"SHA2-512", 0x03},
    {"SHA2-512/224", 0x05}, {"SHA2-512/256", 0x06}, {"SHA3-224", 0x07},  {"SHA3-256", 0x08},
    {"SHA3-384", 0x09},     {"SHA3-512", 0x0A},     {"SHAKE-128", 0x0B}, {"SHAKE-256", 0x0C},
};

Bytes evp_digest(const EVP_MD* md, ByteView message) {
    Bytes out(static_cast<std::size_t>(EVP_MD_get_size(md)));
    unsigned int length = 0;
    if (EVP_Digest(message.data(), message.size(), out.data(), &length, md, nullptr) != 1)
        out.clear();  // cannot happen for these digests; an empty digest fails verification
    out.resize(length);
    return out;
}

// A FIPS 202 hash through our sponge: rate = 200 - 2 * output bytes for SHA-3.
Bytes sponge_digest(std::size_t rate, std::uint8_t domain, std::size_t length, ByteView message) {
    KeccakSponge sponge{rate, domain};
    sponge.absorb(message);
    Bytes out(length);
    sponge.squeeze(out);
    return out;
}

Bytes pre_hash_digest(PreHash pre_hash, ByteView message) {
    switch (pre_hash) {
        case PreHash::kSha2_224:
            return evp_digest(EVP_sha224(), message);
        case PreHash::kSha2_256:
            return evp_digest(EVP_sha256(), message);
        case PreHash::kSha2_384:
            return evp_digest(EVP_sha384(), message);
        case PreHash::kSha2_512:
            return evp_digest(EVP_sha512(), message);
        case PreHash::kSha2_512_224:
            return evp_digest(EVP_sha512_224(), message);
        case PreHash::kSha2_512_256:
            return evp_digest(EVP_sha512_256(), message);
        case PreHash::kSha3_224:
            return sponge_digest(144, 0x06, 28, message);
        case PreHash::kSha3_256:
            return sponge_digest(136, 0x06, 32, message);
        case PreHash::kSha3_384:
            return sponge_digest(104, 0x06, 48, message);
        case PreHash::kSha3_512:
            return sponge_digest(72, 0x06, 64, message);
        case PreHash::kShake128:  // 256-bit output, as FIPS 204 §5.4.1 fixes
            return sponge_digest(168, 0x1f, 32, message);
        case PreHash::kShake256:  // 512-bit output
            return sponge_digest(136, 0x1f, 64, message);
    }
    return {};
}

}  // namespace

Result<PreHash, MlDsaError> parse_pre_hash(std::string_view name) {
    for (std::size_t i = 0; i < std::size(kPreHashes); ++i) {
        if (kPreHashes[i].name == name) return static_cast<PreHash>(i);
    }
    return unexpected(MlDsaError::kUnknownPreHash);
}

Result<Bytes, MlDsaError> format_message(ByteView message, ByteView context) {
    if (context.size() > kMaxContext) return unexpected(MlDsaError::kContextTooLong);
    Bytes out;
    out.reserve(2 + context.size() + message.size());
    out.push_back(0);  // domain separator: pure ML-DSA
    out.push_back(static_cast<std::uint8_t>(context.size()));
    out.insert(out.end(), context.begin(), context.end());
    out.insert(out.end(), message.begin(), message.end());
    return out;
}

Result<Bytes, MlDsaError> format_pre_hashed_message(ByteView message, ByteView context,
                                                    PreHash pre_hash) {
    if (context.size() > kMaxContext) return unexpected(MlDsaError::kContextTooLong);
    const Bytes digest = pre_hash_digest(pre_hash, message);
    Bytes out;
    out.push_back(1);  // domain separator: HashML-DSA
    out.push_back(static_cast<std::uint8_t>(context.size()));
    out.insert(out.end(), context.begin(), context.end());
    const std::uint8_t oid[11] = {0x06,
                                  0x09,
                                  0x60,
                                  0x86,
                                  0x48,
                                  0x01,
                                  0x65,
                                  0x03,
                                  0x04,
                                  0x02,
                                  kPreHashes[static_cast<std::size_t>(pre_hash)].oid_last};
    out.insert(out.end(), std::begin(oid), std::end(oid));
    out.insert(out.end(), digest.begin(), digest.end());
    return out;
}

Result<Bytes, MlDsaError> hash_sign(SignatureScheme scheme, ByteView sk, ByteView message,
                                    ByteView context, PreHash pre_hash, const ByteArray<32>& rnd) {
    auto formatted = format_pre_hashed_message(message, context, pre_hash);
    if (!formatted) return unexpected(formatted.error());
    return sign_internal(scheme, sk, *formatted, rnd);
}

bool hash_verify(SignatureScheme scheme, ByteView pk, ByteView message, ByteView context,
                 PreHash pre_hash, ByteView signature) noexcept {
    try {
        auto formatted = format_pre_hashed_message(message, context, pre_hash);
        return formatted && verify_internal(scheme, pk, *formatted, signature);
    } catch (...) {
        return false;
    }
}

}  // namespace qtm::crypto::mldsa
