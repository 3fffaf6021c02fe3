// `qtm chain export`'s work (docs/data-safety.md): blocks [from, to] of a database's canonical
// chain written as a block file (block_file.hpp), as geth's export.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include "base/result.hpp"
#include "storage/database.hpp"

namespace qtm::chain {

struct ChainExportRange {
    std::uint64_t from{0};
    std::optional<std::uint64_t> to;  // default: the head
};

struct ChainExportSummary {
    std::uint64_t from{0};
    std::uint64_t to{0};
    std::uint64_t bytes{0};
};

// Called after each block written (its number), for a progress display.
using ExportProgress = std::function<void(std::uint64_t number)>;

// An error names the block that is missing or does not decode, or the range outside the
// chain, or a failed write.
[[nodiscard]] Result<ChainExportSummary, std::string> export_chain(
    const storage::ReadView& view, const ChainExportRange& range, std::ostream& out,
    const ExportProgress& progress = {});

}  // namespace qtm::chain
