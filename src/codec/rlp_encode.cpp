#include "codec/rlp_encode.hpp"

namespace qtm::rlp {
namespace {

constexpr std::uint8_t kShortString = 0x80;
constexpr std::uint8_t kShortList = 0xc0;
constexpr std::size_t kLongThreshold = 56;  // payloads from here on use the long form

unsigned byte_count(std::uint64_t value) noexcept {
    return value == 0 ? 0 : static_cast<unsigned>((64 - __builtin_clzll(value) + 7) / 8);
}

void append_header(Bytes& out, std::size_t payload_size, std::uint8_t short_base) {
    if (payload_size < kLongThreshold) {
        out.push_back(static_cast<std::uint8_t>(short_base + payload_size));
        return;
    }
    const unsigned length_bytes = byte_count(payload_size);
    out.push_back(static_cast<std::uint8_t>(short_base + kLongThreshold - 1 + length_bytes));
    for (unsigned i = length_bytes; i-- > 0;) {
        out.push_back(static_cast<std::uint8_t>(payload_size >> (8 * i)));
    }
}

}  // namespace

std::size_t header_size(std::size_t payload_size) noexcept {
    return payload_size < kLongThreshold ? 1 : 1 + byte_count(payload_size);
}

std::size_t string_size(ByteView bytes) noexcept {
    if (bytes.size() == 1 && bytes[0] < kShortString) return 1;
    return header_size(bytes.size()) + bytes.size();
}

std::size_t uint_size(std::uint64_t value) noexcept {
    return value < kShortString ? 1 : 1 + byte_count(value);
}

std::size_t u256_size(const U256& value) noexcept {
    if (value < U256{kShortString}) return 1;
    return header_size(value.byte_length()) + value.byte_length();
}

void append_string(Bytes& out, ByteView bytes) {
    if (bytes.size() == 1 && bytes[0] < kShortString) {
        out.push_back(bytes[0]);  // a single low byte is its own encoding
        return;
    }
    append_header(out, bytes.size(), kShortString);
    out.insert(out.end(), bytes.begin(), bytes.end());
}

void append_uint(Bytes& out, std::uint64_t value) {
    if (value != 0 && value < kShortString) {
        out.push_back(static_cast<std::uint8_t>(value));
        return;
    }
    const unsigned length = byte_count(value);  // zero is the empty string
    out.push_back(static_cast<std::uint8_t>(kShortString + length));
    for (unsigned i = length; i-- > 0;)
        out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

void append_u256(Bytes& out, const U256& value) {
    if (value.fits_uint64()) {
        append_uint(out, value[0]);
        return;
    }
    const auto bytes = value.to_be_bytes();
    const std::size_t length = value.byte_length();
    append_string(out, ByteView{bytes}.last(length));
}

void append_list_header(Bytes& out, std::size_t payload_size) {
    append_header(out, payload_size, kShortList);
}

void append_list(Bytes& out, ByteView payload) {
    append_list_header(out, payload.size());
    out.insert(out.end(), payload.begin(), payload.end());
}

Bytes encode_string(ByteView bytes) {
    Bytes out;
    out.reserve(string_size(bytes));
    append_string(out, bytes);
    return out;
}

Bytes encode_uint(std::uint64_t value) {
    Bytes out;
    append_uint(out, value);
    return out;
}

Bytes encode_u256(const U256& value) {
    Bytes out;
    append_u256(out, value);
    return out;
}

Bytes encode_list(ByteView payload) {
    Bytes out;
    out.reserve(header_size(payload.size()) + payload.size());
    append_list(out, payload);
    return out;
}

}  // namespace qtm::rlp
