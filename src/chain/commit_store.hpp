// Where a committed block's commit certificate is kept. Block h's certificate travels in
// block h+1's header (parent_commit), so only the head's own certificate needs a record of
// its own: it is written in the same synced batch as the head block (docs/protocol.md,
// "Blocks"), and replaced by the next one. commit_of() answers for any canonical block.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/result.hpp"
#include "chain/consensus/types.hpp"
#include "storage/database.hpp"

namespace qtm::chain {

struct CommitStoreError {
    std::string message;
};

// The head block's certificate, into the batch that commits that block.
void add_head_commit(storage::WriteBatch& batch, const CommitCertificate& certificate);

// The stored head certificate (nullopt on a chain that never ran consensus: a dev chain).
[[nodiscard]] Result<std::optional<CommitCertificate>, CommitStoreError> load_head_commit(
    const storage::ReadView& view);

// The certificate of canonical block `number`: the next block's parent_commit, or the head
// record for the head. nullopt when the block is unknown, is the genesis, or has none.
[[nodiscard]] Result<std::optional<CommitCertificate>, CommitStoreError> commit_of(
    const storage::ReadView& view, std::uint64_t number);

}  // namespace qtm::chain
