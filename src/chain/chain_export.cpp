#include "chain/chain_export.hpp"

#include "base/hex.hpp"
#include "chain/block.hpp"
#include "chain/block_file.hpp"
#include "chain/stored_head.hpp"
#include "storage/chain_store.hpp"

namespace qtm::chain {

namespace {
std::string block_name(std::uint64_t number, const Hash32& hash) {
    return "block " + std::to_string(number) + " (" + to_hex(hash) + ")";
}
}  // namespace

Result<ChainExportSummary, std::string> export_chain(const storage::ReadView& view,
                                                     const ChainExportRange& range,
                                                     std::ostream& out,
                                                     const ExportProgress& progress) {
    const storage::ChainStore store{view};
    auto head = load_head(view);
    if (!head) return unexpected(head.error() + " (run qtm db check)");
    const std::uint64_t from = range.from;
    const std::uint64_t to = range.to.value_or(head->header.number);
    if (from > to || to > head->header.number) {
        return unexpected("the range " + std::to_string(from) + " to " + std::to_string(to) +
                          " is not within blocks 0 to " + std::to_string(head->header.number));
    }
    const auto start = out.tellp();
    for (std::uint64_t number = from; number <= to; ++number) {
        auto hash = store.canonical_hash(number);
        if (!hash || !*hash) return unexpected("block " + std::to_string(number) + " is missing");
        auto header_bytes = store.load_header(**hash);
        auto body_bytes = store.load_body(**hash);
        if (!header_bytes || !*header_bytes || !body_bytes || !*body_bytes) {
            return unexpected(block_name(number, **hash) +
                              ": header or body missing (run qtm db check)");
        }
        auto header = decode_header(**header_bytes);
        auto body = decode_body(**body_bytes);
        if (!header || !body) {
            return unexpected(block_name(number, **hash) + " does not decode (run qtm db check)");
        }
        write_block_frame(out,
                          Block{*header, std::move(body->transactions), std::move(body->evidence)});
        if (!out)
            return unexpected("writing block " + std::to_string(number) + " failed (disk full?)");
        if (progress) progress(number);
    }
    out.flush();
    if (!out) return unexpected(std::string{"the final write failed (disk full?)"});
    return ChainExportSummary{from, to, static_cast<std::uint64_t>(out.tellp() - start)};
}

}  // namespace qtm::chain
