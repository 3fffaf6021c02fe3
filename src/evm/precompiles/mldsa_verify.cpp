// 0x0d01: ML-DSA signature verification (FIPS 204, pure ML-DSA with a context string).
//
// Input: scheme_id (1) || public_key || signature || context_length (1) || context || message,
// the key and signature lengths fixed by the scheme (1 = ML-DSA-44, 2 = -65, 3 = -87).
// Output: 32 bytes, 1 for a valid signature, 0 otherwise. An input that cannot be parsed
// (unknown scheme, too short) is rejected and consumes all gas, so that a caller cannot
// mistake a malformed request for a bad signature.
#include "crypto/mldsa.hpp"
#include "crypto/signature_scheme.hpp"
#include "evm/precompiles.hpp"
#include "evm/precompiles/input.hpp"

namespace qtm::evm::precompile {

namespace {

struct ParsedInput {
    crypto::SignatureScheme scheme;
    ByteView public_key;
    ByteView signature;
    ByteView context;
    ByteView message;
};

std::optional<ParsedInput> parse(ByteView input) {
    if (input.empty()) return std::nullopt;
    const auto scheme = crypto::parse_signature_scheme(input[0]);
    if (!scheme) return std::nullopt;
    const auto sizes = crypto::signature_sizes(*scheme);
    std::size_t offset = 1;
    if (input.size() < offset + sizes.public_key + sizes.signature + 1) return std::nullopt;
    ParsedInput parsed{.scheme = *scheme,
                       .public_key = input.subspan(offset, sizes.public_key),
                       .signature = input.subspan(offset + sizes.public_key, sizes.signature),
                       .context = {},
                       .message = {}};
    offset += sizes.public_key + sizes.signature;
    const std::size_t context_length = input[offset++];
    if (input.size() < offset + context_length) return std::nullopt;
    parsed.context = input.subspan(offset, context_length);
    parsed.message = input.subspan(offset + context_length);
    return parsed;
}

}  // namespace

std::int64_t mldsa_verify_gas(ByteView input) noexcept {
    std::int64_t flat = kMldsaVerifyGas44;
    if (!input.empty()) {
        if (input[0] == crypto::to_byte(crypto::SignatureScheme::kMlDsa65)) {
            flat = kMldsaVerifyGas65;
        } else if (input[0] == crypto::to_byte(crypto::SignatureScheme::kMlDsa87)) {
            flat = kMldsaVerifyGas87;
        }
    }
    return flat + kMldsaVerifyWordGas * words(input);
}

std::optional<Bytes> mldsa_verify(ByteView input) {
    const auto parsed = parse(input);
    if (!parsed) return std::nullopt;
    Bytes out(32, 0);
    if (crypto::verify(parsed->scheme, parsed->public_key, parsed->message, parsed->context,
                       parsed->signature)) {
        out[31] = 1;
    }
    return out;
}

}  // namespace qtm::evm::precompile
