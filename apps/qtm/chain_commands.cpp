// `qtm chain export` and `qtm chain import` (chain/block_file.hpp; docs/data-safety.md).
#include <spdlog/spdlog.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "base/hex.hpp"
#include "chain/block_file.hpp"
#include "chain/stored_head.hpp"
#include "commands.hpp"
#include "node/node.hpp"
#include "storage/chain_store.hpp"

namespace qtm::cli {
namespace {

int fail(const char* command, const std::string& message) {
    std::fprintf(stderr, "qtm chain %s: %s\n", command, message.c_str());
    return 1;
}

std::string block_name(std::uint64_t number, const Hash32& hash) {
    return "block " + std::to_string(number) + " (" + to_hex(hash) + ")";
}

}  // namespace

int chain_export(const ChainExportOptions& options) {
    storage::OpenOptions open_options;
    open_options.create_if_missing = false;
    open_options.read_only = true;
    auto database = storage::open_rocksdb(options.datadir, open_options);
    if (!database) return fail("export", database.error().message);
    const storage::ChainStore store{**database};
    auto head = chain::load_head(**database);
    if (!head) return fail("export", head.error() + " (run qtm db check)");
    const std::uint64_t from = options.from.value_or(0);
    const std::uint64_t to = options.to.value_or(head->header.number);
    if (from > to || to > head->header.number) {
        return fail("export", "the range " + std::to_string(from) + " to " + std::to_string(to) +
                                  " is not within blocks 0 to " +
                                  std::to_string(head->header.number));
    }
    std::ofstream out{options.file, std::ios::binary | std::ios::trunc};
    if (!out) return fail("export", "cannot write " + options.file);
    for (std::uint64_t number = from; number <= to; ++number) {
        auto hash = store.canonical_hash(number);
        if (!hash || !*hash)
            return fail("export", "block " + std::to_string(number) + " is missing");
        auto header_bytes = store.load_header(**hash);
        auto body_bytes = store.load_body(**hash);
        if (!header_bytes || !*header_bytes || !body_bytes || !*body_bytes) {
            return fail("export",
                        block_name(number, **hash) + ": header or body missing (run qtm db check)");
        }
        auto header = chain::decode_header(**header_bytes);
        auto body = chain::decode_body(**body_bytes);
        if (!header || !body) {
            return fail("export",
                        block_name(number, **hash) + " does not decode (run qtm db check)");
        }
        chain::write_block_frame(
            out, chain::Block{*header, std::move(body->transactions), std::move(body->evidence)});
    }
    out.flush();
    if (!out) return fail("export", "writing " + options.file + " failed (disk full?)");
    std::printf("exported blocks %llu to %llu into %s (%llu bytes)\n",
                static_cast<unsigned long long>(from), static_cast<unsigned long long>(to),
                options.file.c_str(), static_cast<unsigned long long>(out.tellp()));
    return 0;
}

int chain_import(const std::string& file, const std::string& datadir,
                 const std::string& spec_name) {
    const auto spec = load_spec(spec_name);
    if (!spec) return 1;
    std::ifstream in{file, std::ios::binary};
    if (!in) return fail("import", "cannot read " + file);
    spdlog::set_level(spdlog::level::warn);  // one line per block would bury the summary
    node::NodeOptions options;
    options.datadir = datadir;
    options.spec = *spec;
    auto opened = node::Node::open(std::move(options));
    if (!opened) return fail("import", opened.error().message);
    node::Node& node = **opened;
    const storage::ChainStore store{node.database()};
    chain::BlockFileReader reader{in};
    std::uint64_t imported = 0;
    std::uint64_t present = 0;
    const auto summary = [&] {
        return "imported " + std::to_string(imported) + " blocks (" + std::to_string(present) +
               " already present); the head is " + block_name(node.head().number, node.head_hash());
    };
    for (;;) {
        auto next = reader.next();
        if (!next) return fail("import", file + " " + next.error() + "; " + summary());
        if (!*next) break;
        const chain::Block& block = **next;
        const Hash32 hash = chain::block_hash(block.header);
        const std::uint64_t number = block.header.number;
        const std::uint64_t head = node.head().number;
        if (number <= head) {
            auto stored = store.canonical_hash(number);
            if (stored && *stored && **stored == hash) {
                ++present;
                continue;
            }
            return fail("import", block_name(number, hash) + " differs from block " +
                                      std::to_string(number) + " of " + datadir + "; " + summary());
        }
        if (number != head + 1) {
            return fail("import", block_name(number, hash) + " does not follow the head (block " +
                                      std::to_string(head) + "): the file skips blocks; " +
                                      summary());
        }
        if (auto added = node.import_block(block); !added) {
            return fail("import", block_name(number, hash) +
                                      " is invalid: " + added.error().message + "; " + summary());
        }
        ++imported;
    }
    std::printf("%s\n", summary().c_str());
    return 0;
}

}  // namespace qtm::cli
