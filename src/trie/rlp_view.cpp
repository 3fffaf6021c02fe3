#include "trie/rlp_view.hpp"

#include "codec/rlp.hpp"

namespace qtm::trie {

void append_rlp_string(Bytes& out, ByteView bytes) {
    rlp::append_string(out, bytes);
}

Bytes wrap_rlp_list(ByteView payload) {
    return rlp::encode_list(payload);
}

Result<std::vector<RlpItem>, RlpViewError> split_rlp_list(ByteView encoded) {
    rlp::Decoder outer{encoded};
    auto list = outer.read_list();
    if (!list || !outer.finish()) return unexpected(RlpViewError::kMalformed);
    std::vector<RlpItem> items;
    while (!list->at_end()) {
        auto raw = list->read_raw();
        if (!raw) return unexpected(RlpViewError::kMalformed);
        const auto header = rlp::decode_header(*raw);  // cannot fail: read_raw checked it
        items.push_back({header->is_list, raw->subspan(header->header_size), *raw});
    }
    return items;
}

}  // namespace qtm::trie
