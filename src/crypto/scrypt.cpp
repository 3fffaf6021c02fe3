#include "crypto/scrypt.hpp"

#include <openssl/evp.h>

namespace qtm::crypto {

std::uint64_t scrypt_memory(const ScryptCost& cost) noexcept {
    return 128ull * cost.r * (cost.n + cost.p + 2);
}

Result<void, ScryptError> scrypt(std::string_view password, ByteView salt, const ScryptCost& cost,
                                 std::uint64_t max_memory, MutableByteView out) {
    const std::uint64_t memory = scrypt_memory(cost);
    if (memory > max_memory) return unexpected(ScryptError::kTooMuchMemory);
    // OpenSSL's own limit is set a little above the need, which it computes slightly
    // differently; the caller's limit above is the one that matters.
    if (EVP_PBE_scrypt(password.data(), password.size(), salt.data(), salt.size(), cost.n, cost.r,
                       cost.p, memory + (1u << 20), out.data(), out.size()) != 1) {
        return unexpected(ScryptError::kFailed);
    }
    return {};
}

}  // namespace qtm::crypto
