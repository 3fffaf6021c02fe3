#include "node/chain_import.hpp"

#include "base/hex.hpp"
#include "chain/block_file.hpp"
#include "storage/chain_store.hpp"

namespace qtm::node {

std::string block_name(std::uint64_t number, const Hash32& hash) {
    return "block " + std::to_string(number) + " (" + to_hex(hash) + ")";
}

Result<ChainImportSummary, ChainImportError> import_chain(Node& node, std::istream& in,
                                                          const std::string& file_name,
                                                          const ImportProgress& progress) {
    const storage::ChainStore store{node.database()};
    chain::BlockFileReader reader{in};
    ChainImportSummary summary;
    const auto stop = [&](const std::string& why) {
        return unexpected(ChainImportError{why + "; imported " + std::to_string(summary.imported) +
                                               " blocks (" + std::to_string(summary.present) +
                                               " already present); the head is " +
                                               block_name(node.head().number, node.head_hash()),
                                           summary});
    };
    for (;;) {
        auto next = reader.next();
        if (!next) return stop(file_name + " " + next.error());
        if (!*next) break;
        const chain::Block& block = **next;
        const Hash32 hash = chain::block_hash(block.header);
        const std::uint64_t number = block.header.number;
        const std::uint64_t head = node.head().number;
        if (number <= head) {
            auto stored = store.canonical_hash(number);
            if (stored && *stored && **stored == hash) {
                ++summary.present;
                continue;
            }
            return stop(block_name(number, hash) + " differs from block " + std::to_string(number) +
                        " of the node");
        }
        if (number != head + 1) {
            return stop(block_name(number, hash) + " does not follow the head (block " +
                        std::to_string(head) + "): the file skips blocks");
        }
        if (auto added = node.import_block(block); !added) {
            return stop(block_name(number, hash) + " is invalid: " + added.error().message);
        }
        ++summary.imported;
        if (progress) progress(summary, number);
    }
    return summary;
}

}  // namespace qtm::node
