// Strict RLP decoding: only the canonical encoding of a value is accepted, so every value
// has exactly one encoding (and one hash). The decoder reads views into the input; nothing
// is copied until the caller asks for it.
#pragma once

#include <cstdint>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/u256.hpp"
#include "codec/rlp_error.hpp"

namespace qtm::rlp {

struct Header {
    bool is_list{false};
    std::size_t header_size{0};   // bytes of the prefix (0 for a single byte below 0x80)
    std::size_t payload_size{0};  // bytes of the string or the list's items
};

// Decodes the header of the item at the start of `in`, checking that it is canonical and
// that its payload lies within `in`.
[[nodiscard]] Result<Header, RlpError> decode_header(ByteView in);

// Reads a sequence of items: the whole input, or the payload of a list.
class Decoder {
public:
    explicit Decoder(ByteView in) noexcept : rest_{in} {}

    [[nodiscard]] bool at_end() const noexcept { return rest_.empty(); }
    [[nodiscard]] Result<bool, RlpError> next_is_list() const;

    [[nodiscard]] Result<ByteView, RlpError> read_string();
    // The items of the next list, as a decoder over its payload.
    [[nodiscard]] Result<Decoder, RlpError> read_list();
    [[nodiscard]] Result<std::uint64_t, RlpError> read_uint64();
    [[nodiscard]] Result<U256, RlpError> read_u256();
    // A string of exactly N bytes (a hash, an address).
    template <std::size_t N>
    [[nodiscard]] Result<ByteArray<N>, RlpError> read_fixed() {
        auto bytes = read_string();
        if (!bytes) return unexpected(bytes.error());
        if (bytes->size() != N) return unexpected(RlpError::kUnexpectedLength);
        ByteArray<N> out;
        std::copy(bytes->begin(), bytes->end(), out.begin());
        return out;
    }
    // The next item's whole encoding, header included, without interpreting it.
    [[nodiscard]] Result<ByteView, RlpError> read_raw();
    // kTrailingBytes unless every item was read.
    [[nodiscard]] Result<void, RlpError> finish() const;

private:
    ByteView rest_;
};

// A decoded RLP value of any shape: a byte string or a list of values.
struct Item {
    bool is_list{false};
    Bytes bytes;              // a string's bytes
    std::vector<Item> items;  // a list's items

    friend bool operator==(const Item&, const Item&) = default;
};

inline constexpr std::size_t kMaxDepth = 256;

// Decodes one item that must span all of `in`.
[[nodiscard]] Result<Item, RlpError> decode(ByteView in);
void append_item(Bytes& out, const Item& item);
[[nodiscard]] Bytes encode(const Item& item);

}  // namespace qtm::rlp
