// The slice of RLP that trie nodes need: strings, lists of already-encoded items, and the
// items of one list as views: a thin adapter over src/codec.
#pragma once

#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"

namespace qtm::trie {

struct RlpItem {
    bool is_list{false};
    ByteView payload;  // the string's bytes, or the list's payload
    ByteView encoded;  // the whole item, header included
};

void append_rlp_string(Bytes& out, ByteView bytes);
[[nodiscard]] Bytes wrap_rlp_list(ByteView payload);

enum class RlpViewError { kMalformed };
// The items of the canonical RLP list that spans all of `encoded`.
[[nodiscard]] Result<std::vector<RlpItem>, RlpViewError> split_rlp_list(ByteView encoded);

}  // namespace qtm::trie
