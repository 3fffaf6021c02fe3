// The head block as stored: the head pointer, the header under it (hashing to the pointer
// and decoding) and the canonical entry at its height naming it. Every tool that starts from
// the head (repair, export, the online backup) reads it through here.
#pragma once

#include <string>

#include "base/result.hpp"
#include "chain/block.hpp"
#include "storage/database.hpp"

namespace qtm::chain {

struct StoredHead {
    Hash32 hash{};
    Header header;
};

// The error says which of the above does not hold.
[[nodiscard]] Result<StoredHead, std::string> load_head(const storage::ReadView& view);

}  // namespace qtm::chain
