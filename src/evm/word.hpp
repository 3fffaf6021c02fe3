// Conversions between 256-bit stack words and the byte forms the EVM uses (big-endian memory
// words, 20-byte addresses, 32-byte hashes). Keeps the interpreter's use of qtm::U256 in one
// place.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

#include "base/bytes.hpp"
#include "base/u256.hpp"

namespace qtm::evm {

[[nodiscard]] inline U256 load_word(const std::uint8_t* bytes32) noexcept {
    return U256::from_be_bytes(ByteView{bytes32, 32});
}

[[nodiscard]] inline U256 word_from_bytes(ByteView bytes) noexcept {
    return U256::from_be_bytes(bytes);
}

inline void store_word(std::uint8_t* out32, const U256& value) noexcept {
    value.to_be_bytes(out32);
}

[[nodiscard]] inline Hash32 to_hash(const U256& value) noexcept {
    return value.to_be_bytes();
}

[[nodiscard]] inline U256 from_hash(const Hash32& hash) noexcept {
    return U256::from_be_bytes(hash);
}

[[nodiscard]] inline Address to_address(const U256& value) noexcept {
    const auto bytes = value.to_be_bytes();
    Address address{};
    std::copy(bytes.begin() + 12, bytes.end(), address.begin());
    return address;
}

[[nodiscard]] inline U256 from_address(const Address& address) noexcept {
    return U256::from_be_bytes(address);
}

[[nodiscard]] inline std::uint64_t low_u64(const U256& value) noexcept {
    return value[0];
}

[[nodiscard]] inline bool fits_u64(const U256& value) noexcept {
    return (value[1] | value[2] | value[3]) == 0;
}

// Values used as sizes, offsets or gas: anything that does not fit saturates, which every
// caller then treats as "too large" (out of gas, or clamped to the gas available).
[[nodiscard]] inline std::uint64_t saturate_u64(const U256& value) noexcept {
    return fits_u64(value) ? value[0] : std::numeric_limits<std::uint64_t>::max();
}

[[nodiscard]] inline U256 from_bool(bool flag) noexcept {
    return U256{flag ? 1u : 0u};
}

}  // namespace qtm::evm
