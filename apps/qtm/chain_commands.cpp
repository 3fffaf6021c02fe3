// `qtm chain export` and `qtm chain import` (chain/chain_export.hpp, node/chain_import.hpp;
// docs/data-safety.md), with a progress line on long runs.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "chain/chain_export.hpp"
#include "commands.hpp"
#include "node/chain_import.hpp"
#include "node/node.hpp"
#include "progress.hpp"

namespace qtm::cli {
namespace {

int fail(const char* command, const std::string& message) {
    std::fprintf(stderr, "qtm chain %s: %s\n", command, message.c_str());
    return 1;
}

}  // namespace

int chain_export(const ChainExportOptions& options) {
    storage::OpenOptions open_options;
    open_options.create_if_missing = false;
    open_options.read_only = true;
    auto database = storage::open_rocksdb(options.datadir, open_options);
    if (!database) return fail("export", database.error().message);
    std::ofstream out{options.file, std::ios::binary | std::ios::trunc};
    if (!out) return fail("export", "cannot write " + options.file);
    ProgressPrinter printer{true, "exporting"};
    const std::uint64_t from = options.from.value_or(0);
    auto exported =
        chain::export_chain(**database, chain::ChainExportRange{from, options.to}, out,
                            [&](std::uint64_t number) { printer("blocks", number - from + 1, 0); });
    printer.finish();
    if (!exported) return fail("export", exported.error() + " (writing " + options.file + ")");
    std::printf("exported blocks %llu to %llu into %s (%llu bytes)\n",
                static_cast<unsigned long long>(exported->from),
                static_cast<unsigned long long>(exported->to), options.file.c_str(),
                static_cast<unsigned long long>(exported->bytes));
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
    ProgressPrinter printer{true, "importing"};
    auto imported = node::import_chain(
        node, in, file, [&](const node::ChainImportSummary& so_far, std::uint64_t number) {
            printer("blocks (head " + std::to_string(number) + ")", so_far.imported, 0);
        });
    printer.finish();
    if (!imported) return fail("import", imported.error().message);
    std::printf("imported %llu blocks (%llu already present); the head is %s\n",
                static_cast<unsigned long long>(imported->imported),
                static_cast<unsigned long long>(imported->present),
                node::block_name(node.head().number, node.head_hash()).c_str());
    return 0;
}

}  // namespace qtm::cli
