// `qtm chain import`'s work (docs/data-safety.md): the blocks of a block file imported into a
// node, each re-executed and verified (Node::import_block: signatures, state root, receipts)
// and committed; blocks the node already has are skipped when they are the same, and the
// first block that differs, skips ahead or is invalid stops the import, saying why.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <string>

#include "base/result.hpp"
#include "node/node.hpp"

namespace qtm::node {

struct ChainImportSummary {
    std::uint64_t imported{0};
    std::uint64_t present{0};  // already in the node, identical
};

// Called after each block imported (its number), for a progress display.
using ImportProgress = std::function<void(const ChainImportSummary& so_far, std::uint64_t number)>;

struct ChainImportError {
    std::string message;  // names the block and the file offset; ends with what was imported
    ChainImportSummary summary;
};

[[nodiscard]] Result<ChainImportSummary, ChainImportError> import_chain(
    Node& node, std::istream& in, const std::string& file_name,
    const ImportProgress& progress = {});

// "block N (0x…)".
[[nodiscard]] std::string block_name(std::uint64_t number, const Hash32& hash);

}  // namespace qtm::node
