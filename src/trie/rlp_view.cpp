#include "trie/rlp_view.hpp"

namespace qtm::trie {
namespace {

void append_header(Bytes& out, std::size_t length, std::uint8_t short_base) {
    if (length < 56) {
        out.push_back(static_cast<std::uint8_t>(short_base + length));
        return;
    }
    std::uint8_t be[8];
    int count = 0;
    for (std::size_t rest = length; rest != 0; rest >>= 8)
        be[count++] = static_cast<std::uint8_t>(rest);
    out.push_back(static_cast<std::uint8_t>(short_base + 55 + count));
    while (count > 0)
        out.push_back(be[--count]);
}

// Parses one item at the start of `in`; canonical forms only.
Result<RlpItem, RlpViewError> parse_item(ByteView in) {
    if (in.empty()) return unexpected(RlpViewError::kMalformed);
    const std::uint8_t prefix = in[0];
    RlpItem item;
    std::size_t header = 1;
    std::size_t length = 0;
    if (prefix < 0x80) {
        item.payload = in.first(1);
        item.encoded = in.first(1);
        return item;
    }
    if (prefix < 0xb8 || (prefix >= 0xc0 && prefix < 0xf8)) {
        length = prefix - (prefix < 0xc0 ? 0x80u : 0xc0u);
    } else {
        const std::size_t length_bytes = prefix - (prefix < 0xc0 ? 0xb7u : 0xf7u);
        if (length_bytes > 8 || in.size() < 1 + length_bytes || in[1] == 0) {
            return unexpected(RlpViewError::kMalformed);
        }
        for (std::size_t i = 0; i < length_bytes; ++i)
            length = (length << 8) | in[1 + i];
        if (length < 56) return unexpected(RlpViewError::kMalformed);
        header += length_bytes;
    }
    item.is_list = prefix >= 0xc0;
    if (in.size() - header < length) return unexpected(RlpViewError::kMalformed);
    item.payload = in.subspan(header, length);
    item.encoded = in.first(header + length);
    if (!item.is_list && length == 1 && item.payload[0] < 0x80) {
        return unexpected(RlpViewError::kMalformed);
    }
    return item;
}

}  // namespace

void append_rlp_string(Bytes& out, ByteView bytes) {
    if (bytes.size() == 1 && bytes[0] < 0x80) {
        out.push_back(bytes[0]);
        return;
    }
    append_header(out, bytes.size(), 0x80);
    out.insert(out.end(), bytes.begin(), bytes.end());
}

Bytes wrap_rlp_list(ByteView payload) {
    Bytes out;
    out.reserve(payload.size() + 9);
    append_header(out, payload.size(), 0xc0);
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

Result<std::vector<RlpItem>, RlpViewError> split_rlp_list(ByteView encoded) {
    auto list = parse_item(encoded);
    if (!list || !list->is_list || list->encoded.size() != encoded.size()) {
        return unexpected(RlpViewError::kMalformed);
    }
    std::vector<RlpItem> items;
    ByteView rest = list->payload;
    while (!rest.empty()) {
        auto item = parse_item(rest);
        if (!item) return unexpected(item.error());
        rest = rest.subspan(item->encoded.size());
        items.push_back(*item);
    }
    return items;
}

}  // namespace qtm::trie
