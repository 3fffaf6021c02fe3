// RLP encoding (Yellow Paper, Appendix B): byte strings, unsigned integers as minimal
// big-endian strings, and lists whose payload is the concatenation of encoded items.
// Encoders append to a caller's buffer so that a structure is written in one allocation.
#pragma once

#include <cstdint>

#include "base/bytes.hpp"
#include "base/u256.hpp"

namespace qtm::rlp {

// Encoded sizes, for reserving buffers and computing list headers up front.
[[nodiscard]] std::size_t string_size(ByteView bytes) noexcept;
[[nodiscard]] std::size_t uint_size(std::uint64_t value) noexcept;
[[nodiscard]] std::size_t u256_size(const U256& value) noexcept;
[[nodiscard]] std::size_t header_size(std::size_t payload_size) noexcept;

void append_string(Bytes& out, ByteView bytes);
void append_uint(Bytes& out, std::uint64_t value);
void append_u256(Bytes& out, const U256& value);
// The header of a list whose encoded items (appended next by the caller) take
// `payload_size` bytes.
void append_list_header(Bytes& out, std::size_t payload_size);
// A list around already-encoded items.
void append_list(Bytes& out, ByteView payload);

[[nodiscard]] Bytes encode_string(ByteView bytes);
[[nodiscard]] Bytes encode_uint(std::uint64_t value);
[[nodiscard]] Bytes encode_u256(const U256& value);
[[nodiscard]] Bytes encode_list(ByteView payload);

}  // namespace qtm::rlp
