// Big- and little-endian loads and stores of fixed-width integers (wire formats, hashes).
#pragma once

#include <cstdint>
#include <cstring>

namespace qtm {

inline std::uint64_t load_be64(const std::uint8_t* in) noexcept {
    std::uint64_t value;
    std::memcpy(&value, in, 8);
    return __builtin_bswap64(value);
}
inline std::uint32_t load_be32(const std::uint8_t* in) noexcept {
    std::uint32_t value;
    std::memcpy(&value, in, 4);
    return __builtin_bswap32(value);
}
inline void store_be64(std::uint8_t* out, std::uint64_t value) noexcept {
    value = __builtin_bswap64(value);
    std::memcpy(out, &value, 8);
}
inline void store_be32(std::uint8_t* out, std::uint32_t value) noexcept {
    value = __builtin_bswap32(value);
    std::memcpy(out, &value, 4);
}
inline std::uint64_t load_le64(const std::uint8_t* in) noexcept {
    std::uint64_t value;
    std::memcpy(&value, in, 8);
    return value;
}
inline void store_le64(std::uint8_t* out, std::uint64_t value) noexcept {
    std::memcpy(out, &value, 8);
}

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "QTM targets little-endian x86-64");

}  // namespace qtm
