// scrypt (RFC 7914) through OpenSSL 3: the password KDF of keystore files.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/bytes.hpp"
#include "base/result.hpp"

namespace qtm::crypto {

struct ScryptCost {
    std::uint64_t n{0};  // CPU/memory cost, a power of two > 1
    std::uint32_t r{0};
    std::uint32_t p{0};
};

// The memory scrypt needs for these parameters: 128 * r * (n + p + 2) bytes.
[[nodiscard]] std::uint64_t scrypt_memory(const ScryptCost& cost) noexcept;

enum class ScryptError {
    kTooMuchMemory,  // more than the caller's limit
    kFailed,         // OpenSSL refused the parameters (not a power of two, too large here)
};

// Derives out.size() bytes from `password` and `salt`, refusing parameters that need more
// than `max_memory` bytes.
[[nodiscard]] Result<void, ScryptError> scrypt(std::string_view password, ByteView salt,
                                               const ScryptCost& cost, std::uint64_t max_memory,
                                               MutableByteView out);

}  // namespace qtm::crypto
