// `qtm snapshot export` and `qtm snapshot import` (chain/snapshot/snapshot.hpp;
// docs/data-safety.md, docs/protocol.md "State snapshots").
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "base/hex.hpp"
#include "chain/snapshot/snapshot.hpp"
#include "chain/stored_head.hpp"
#include "commands.hpp"
#include "progress.hpp"
#include "storage/database.hpp"
#include "storage/schema.hpp"

namespace qtm::cli {
namespace {

int fail(const char* command, const std::string& message) {
    std::fprintf(stderr, "qtm snapshot %s: %s\n", command, message.c_str());
    return 1;
}

void print_summary(const char* verb, const chain::snapshot::Summary& summary) {
    std::printf(
        "%s block %llu (%s)\nstate root %s\nsnapshot   %s (keccak256 of the manifest)\n"
        "accounts %llu, storage slots %llu, code and keys %llu, in %llu chunks\n",
        verb, static_cast<unsigned long long>(summary.height), to_hex(summary.block_hash).c_str(),
        to_hex(summary.state_root).c_str(), to_hex(summary.manifest_hash).c_str(),
        static_cast<unsigned long long>(summary.accounts),
        static_cast<unsigned long long>(summary.slots),
        static_cast<unsigned long long>(summary.blobs),
        static_cast<unsigned long long>(summary.chunks));
}

}  // namespace

int snapshot_export(const SnapshotExportOptions& options) {
    storage::OpenOptions open_options;
    open_options.create_if_missing = false;
    open_options.read_only = true;
    auto database = storage::open_rocksdb(options.datadir, open_options);
    if (!database) return fail("export", database.error().message);
    chain::snapshot::ExportOptions export_options;
    if (options.height) {
        export_options.height = *options.height;
    } else {
        auto head = chain::load_head(**database);
        if (!head) return fail("export", head.error() + " (run qtm db check)");
        export_options.height = head->header.number;
    }
    if (options.chunk_bytes) export_options.chunk_bytes = *options.chunk_bytes;
    ProgressPrinter printer{options.progress, "exporting"};
    export_options.progress = [&printer](const chain::snapshot::Progress& progress) {
        printer(progress.stage, progress.done, progress.total);
    };
    auto exported = chain::snapshot::export_snapshot(**database, options.file, export_options);
    printer.finish();
    if (!exported) return fail("export", exported.error());
    print_summary("exported", *exported);
    std::printf("file       %s (%llu bytes)\n", options.file.c_str(),
                static_cast<unsigned long long>(exported->bytes));
    return 0;
}

int snapshot_import(const std::string& file, const std::string& datadir,
                    const std::string& spec_name, bool progress,
                    const std::string& trusted_block_hash) {
    namespace fs = std::filesystem;
    const auto spec = load_spec(spec_name);
    if (!spec) return 1;
    std::optional<Hash32> trusted;
    if (!trusted_block_hash.empty()) {
        const auto parsed = from_hex_fixed<32>(trusted_block_hash);
        if (!parsed) {
            return fail("import", "--block-hash " + trusted_block_hash +
                                      " is not a 32-byte hex hash (0x followed by 64 digits)");
        }
        trusted = *parsed;
    }
    std::ifstream in{file, std::ios::binary};
    if (!in) return fail("import", "cannot read " + file);
    std::error_code error;
    if (fs::exists(datadir, error) && !fs::is_empty(datadir, error)) {
        return fail("import", datadir +
                                  " exists and is not empty; import into a new data directory "
                                  "(nothing was changed)");
    }
    // Built beside the target and renamed into place only once the state root is proved:
    // a refused or interrupted import never leaves a half-built data directory.
    const fs::path staging = fs::path{datadir}.string() + ".importing";
    fs::remove_all(staging, error);
    Result<chain::snapshot::Summary, std::string> imported = unexpected(std::string{});
    {
        auto database = storage::open_rocksdb(staging.string());
        if (!database) return fail("import", database.error().message);
        if (auto schema = storage::open_schema(**database, datadir); !schema) {
            return fail("import", schema.error().message);
        }
        ProgressPrinter printer{progress, "importing"};
        chain::snapshot::ImportOptions import_options;
        import_options.progress = [&printer](const chain::snapshot::Progress& step) {
            printer(step.stage, step.done, step.total);
        };
        import_options.trusted_block_hash = trusted;
        imported = chain::snapshot::import_snapshot(in, *spec, **database, import_options);
        printer.finish();
    }
    if (!imported) {
        fs::remove_all(staging, error);
        return fail("import", file + ": " + imported.error() + "; nothing imported");
    }
    fs::remove(datadir, error);  // an empty directory, if it was there
    fs::rename(staging, datadir, error);
    if (error)
        return fail("import",
                    "moving " + staging.string() + " to " + datadir + ": " + error.message());
    print_summary("imported", *imported);
    std::printf("datadir    %s (qtmd --datadir %s continues from block %llu)\n", datadir.c_str(),
                datadir.c_str(), static_cast<unsigned long long>(imported->height));
    if (trusted) {
        std::printf("trust      the block hash is the one given with --block-hash\n");
    } else {
        std::printf(
            "trust      NOT CHECKED: the state is the one block %llu's header commits to, but "
            "nothing proved that header is the chain's; compare the block hash above with one "
            "you trust, or pass --block-hash next time\n",
            static_cast<unsigned long long>(imported->height));
    }
    return 0;
}

}  // namespace qtm::cli
