// 0x01 ecrecover (libsecp256k1), 0x02 SHA-256 and 0x03 RIPEMD-160 (crypto/digests.hpp), 0x04
// identity.
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <algorithm>
#include <array>
#include <limits>
#include <stdexcept>

#include "base/u256.hpp"
#include "crypto/digests.hpp"
#include "crypto/keccak.hpp"
#include "evm/precompiles.hpp"
#include "evm/precompiles/input.hpp"

namespace qtm::evm::precompile {

namespace {

std::int64_t word_priced(ByteView input, std::int64_t base, std::int64_t per_word) noexcept {
    return base + per_word * words(input);
}

// One verification context for the process, never destroyed (it is immutable once made and
// libsecp256k1 allows concurrent use).
const secp256k1_context* secp_context() {
    static const secp256k1_context* const context =
        secp256k1_context_create(SECP256K1_CONTEXT_VERIFY);
    return context;
}

}  // namespace

std::int64_t ecrecover_gas(ByteView) noexcept {
    return 3000;
}

// Input: hash(32) || v(32) || r(32) || s(32). Any invalid signature gives empty output and
// success, as in every Ethereum client.
std::optional<Bytes> ecrecover(ByteView input) {
    const auto data = padded<128>(input);
    const U256 v = U256::from_be_bytes(ByteView{data}.subspan(32, 32));
    if (v != U256{27} && v != U256{28}) return Bytes{};
    std::array<std::uint8_t, 64> compact{};
    std::copy_n(data.begin() + 64, 64, compact.begin());
    // r and s in [1, n-1]; libsecp256k1 rejects r or s >= n and zero values on parse/recover.
    const auto recovery_id = static_cast<int>(v[0] - 27);
    secp256k1_ecdsa_recoverable_signature signature;
    if (secp256k1_ecdsa_recoverable_signature_parse_compact(secp_context(), &signature,
                                                            compact.data(), recovery_id) != 1) {
        return Bytes{};
    }
    secp256k1_pubkey public_key;
    if (secp256k1_ecdsa_recover(secp_context(), &public_key, &signature, data.data()) != 1) {
        return Bytes{};
    }
    std::array<std::uint8_t, 65> serialized{};
    std::size_t length = serialized.size();
    secp256k1_ec_pubkey_serialize(secp_context(), serialized.data(), &length, &public_key,
                                  SECP256K1_EC_UNCOMPRESSED);
    const Hash32 hash = crypto::keccak256(ByteView{serialized}.subspan(1, 64));
    Bytes out(32, 0);
    std::copy(hash.begin() + 12, hash.end(), out.begin() + 12);
    return out;
}

std::int64_t sha256_gas(ByteView input) noexcept {
    return word_priced(input, 60, 12);
}
std::optional<Bytes> sha256(ByteView input) {
    const auto digest = crypto::sha256(input);
    return Bytes(digest.begin(), digest.end());
}

std::int64_t ripemd160_gas(ByteView input) noexcept {
    return word_priced(input, 600, 120);
}
std::optional<Bytes> ripemd160(ByteView input) {
    // The 20-byte digest, left-padded to a 32-byte word.
    const auto digest = crypto::ripemd160(input);
    Bytes out(12, 0);
    out.insert(out.end(), digest.begin(), digest.end());
    return out;
}

std::int64_t identity_gas(ByteView input) noexcept {
    return word_priced(input, 15, 3);
}
std::optional<Bytes> identity(ByteView input) {
    return to_bytes(input);
}

}  // namespace qtm::evm::precompile
