#include "codec/rlp_decode.hpp"

#include "codec/rlp_encode.hpp"

namespace qtm::rlp {

std::string_view to_string(RlpError error) noexcept {
    switch (error) {
        case RlpError::kInputTooShort:
            return "RLP input ends inside an item header";
        case RlpError::kLengthPastInput:
            return "RLP length runs past the end of the input";
        case RlpError::kNonCanonicalSize:
            return "RLP length is not minimal (long form for a short payload, or leading zeros)";
        case RlpError::kNonCanonicalSingleByte:
            return "RLP single byte below 0x80 must be encoded as itself";
        case RlpError::kLengthOverflow:
            return "RLP length is too large";
        case RlpError::kTrailingBytes:
            return "RLP input has bytes after the item";
        case RlpError::kUnexpectedList:
            return "RLP list found where a string was expected";
        case RlpError::kUnexpectedString:
            return "RLP string found where a list was expected";
        case RlpError::kLeadingZeros:
            return "RLP integer has leading zero bytes";
        case RlpError::kIntegerOverflow:
            return "RLP integer is too large for its field";
        case RlpError::kUnexpectedLength:
            return "RLP string has the wrong length for its field";
        case RlpError::kTooDeep:
            return "RLP lists are nested too deeply";
    }
    return "unknown RLP error";
}

Result<Header, RlpError> decode_header(ByteView in) {
    if (in.empty()) return unexpected(RlpError::kInputTooShort);
    const std::uint8_t prefix = in[0];
    Header header;
    if (prefix < 0x80) {
        header.payload_size = 1;  // the byte itself; header_size stays 0
        return header;
    }
    header.is_list = prefix >= 0xc0;
    const std::uint8_t base = header.is_list ? 0xc0 : 0x80;
    const std::size_t short_size = prefix - base;
    if (short_size < 56) {
        header.header_size = 1;
        header.payload_size = short_size;
        if (in.size() - 1 < short_size) return unexpected(RlpError::kLengthPastInput);
        if (!header.is_list && short_size == 1 && in[1] < 0x80) {
            return unexpected(RlpError::kNonCanonicalSingleByte);
        }
        return header;
    }
    const std::size_t length_bytes = short_size - 55;  // 1..8
    if (in.size() - 1 < length_bytes) return unexpected(RlpError::kInputTooShort);
    if (in[1] == 0) return unexpected(RlpError::kNonCanonicalSize);
    std::uint64_t length = 0;
    for (std::size_t i = 0; i < length_bytes; ++i)
        length = (length << 8) | in[1 + i];
    if (length < 56) return unexpected(RlpError::kNonCanonicalSize);
    header.header_size = 1 + length_bytes;
    if (length > in.size() - header.header_size) {
        // Distinguish absurd lengths (no input could hold them) from plain truncation.
        return unexpected(length > (std::uint64_t{1} << 48) ? RlpError::kLengthOverflow
                                                            : RlpError::kLengthPastInput);
    }
    header.payload_size = static_cast<std::size_t>(length);
    return header;
}

Result<bool, RlpError> Decoder::next_is_list() const {
    auto header = decode_header(rest_);
    if (!header) return unexpected(header.error());
    return header->is_list;
}

Result<ByteView, RlpError> Decoder::read_raw() {
    auto header = decode_header(rest_);
    if (!header) return unexpected(header.error());
    const std::size_t size = header->header_size + header->payload_size;
    const ByteView item = rest_.first(size);
    rest_ = rest_.subspan(size);
    return item;
}

Result<ByteView, RlpError> Decoder::read_string() {
    auto header = decode_header(rest_);
    if (!header) return unexpected(header.error());
    if (header->is_list) return unexpected(RlpError::kUnexpectedList);
    const ByteView payload = rest_.subspan(header->header_size, header->payload_size);
    rest_ = rest_.subspan(header->header_size + header->payload_size);
    return payload;
}

Result<Decoder, RlpError> Decoder::read_list() {
    auto header = decode_header(rest_);
    if (!header) return unexpected(header.error());
    if (!header->is_list) return unexpected(RlpError::kUnexpectedString);
    const ByteView payload = rest_.subspan(header->header_size, header->payload_size);
    rest_ = rest_.subspan(header->header_size + header->payload_size);
    return Decoder{payload};
}

Result<std::uint64_t, RlpError> Decoder::read_uint64() {
    auto bytes = read_string();
    if (!bytes) return unexpected(bytes.error());
    if (bytes->size() > 8) return unexpected(RlpError::kIntegerOverflow);
    if (!bytes->empty() && (*bytes)[0] == 0) return unexpected(RlpError::kLeadingZeros);
    std::uint64_t value = 0;
    for (const std::uint8_t byte : *bytes)
        value = (value << 8) | byte;
    return value;
}

Result<U256, RlpError> Decoder::read_u256() {
    auto bytes = read_string();
    if (!bytes) return unexpected(bytes.error());
    if (bytes->size() > 32) return unexpected(RlpError::kIntegerOverflow);
    if (!bytes->empty() && (*bytes)[0] == 0) return unexpected(RlpError::kLeadingZeros);
    return U256::from_be_bytes(*bytes);
}

Result<void, RlpError> Decoder::finish() const {
    if (!rest_.empty()) return unexpected(RlpError::kTrailingBytes);
    return {};
}

namespace {

Result<Item, RlpError> decode_item(Decoder& decoder, std::size_t depth) {
    if (depth > kMaxDepth) return unexpected(RlpError::kTooDeep);
    auto is_list = decoder.next_is_list();
    if (!is_list) return unexpected(is_list.error());
    Item item;
    item.is_list = *is_list;
    if (!item.is_list) {
        auto bytes = decoder.read_string();
        if (!bytes) return unexpected(bytes.error());
        item.bytes = to_bytes(*bytes);
        return item;
    }
    auto list = decoder.read_list();
    if (!list) return unexpected(list.error());
    while (!list->at_end()) {
        auto child = decode_item(*list, depth + 1);
        if (!child) return unexpected(child.error());
        item.items.push_back(std::move(*child));
    }
    return item;
}

std::size_t payload_size(const Item& item) {
    if (!item.is_list) return item.bytes.size();
    std::size_t size = 0;
    for (const Item& child : item.items) {
        const std::size_t child_payload = payload_size(child);
        size +=
            child.is_list ? header_size(child_payload) + child_payload : string_size(child.bytes);
    }
    return size;
}

}  // namespace

Result<Item, RlpError> decode(ByteView in) {
    Decoder decoder{in};
    auto item = decode_item(decoder, 0);
    if (!item) return item;
    if (auto finished = decoder.finish(); !finished) return unexpected(finished.error());
    return item;
}

void append_item(Bytes& out, const Item& item) {
    if (!item.is_list) {
        append_string(out, item.bytes);
        return;
    }
    append_list_header(out, payload_size(item));
    for (const Item& child : item.items)
        append_item(out, child);
}

Bytes encode(const Item& item) {
    Bytes out;
    append_item(out, item);
    return out;
}

}  // namespace qtm::rlp
