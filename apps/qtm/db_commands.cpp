// `qtm db ...`: the data-directory tools (docs/data-safety.md). They open the database
// themselves; `check` opens it read-only, so it also runs beside a live node.
#include <cstdio>
#include <string>

#include "base/hex.hpp"
#include "chain/db_check.hpp"
#include "chain/db_repair.hpp"
#include "chain/prune_state.hpp"
#include "commands.hpp"
#include "progress.hpp"
#include "storage/database.hpp"
#include "storage/schema.hpp"

namespace qtm::cli {
namespace {

void print_summary(const std::string& datadir, const chain::CheckReport& report) {
    std::printf("database: %s\n", datadir.c_str());
    if (report.schema_version) {
        std::printf("schema version: %u\n", *report.schema_version);
    } else {
        std::printf(
            "schema version: none (version 0, from before versioning; qtmd stamps it "
            "on its next start)\n");
    }
    if (report.head_number) {
        std::printf("head: block %llu %s, state root %s\n",
                    static_cast<unsigned long long>(*report.head_number),
                    to_hex(report.head_hash).c_str(), to_hex(report.head_state_root).c_str());
    }
    if (report.snapshot_base) {
        std::printf("history: starts at block %llu (imported from a state snapshot)\n",
                    static_cast<unsigned long long>(*report.snapshot_base));
    }
    if (report.finalized_number) {
        std::printf("finalized: block %llu\n",
                    static_cast<unsigned long long>(*report.finalized_number));
    }
    std::printf(
        "checked: %llu blocks, %llu transactions, %llu accounts, %llu storage slots, %llu "
        "trie nodes, %llu code and key entries\n",
        static_cast<unsigned long long>(report.blocks),
        static_cast<unsigned long long>(report.transactions),
        static_cast<unsigned long long>(report.accounts),
        static_cast<unsigned long long>(report.storage_slots),
        static_cast<unsigned long long>(report.trie_nodes),
        static_cast<unsigned long long>(report.code_entries));
    if (report.ok()) {
        std::printf("ok: no problems found\n");
        return;
    }
    std::printf("%llu problem%s:\n", static_cast<unsigned long long>(report.issue_count()),
                report.issue_count() == 1 ? "" : "s");
    for (const auto& issue : report.issues)
        std::printf("  %s: %s\n", issue.where.c_str(), issue.what.c_str());
    if (report.issues_not_listed != 0) {
        std::printf("  ... and %llu more not listed (--max-issues)\n",
                    static_cast<unsigned long long>(report.issues_not_listed));
    }
}

}  // namespace

int db_check(const DbCheckOptions& options) {
    storage::OpenOptions open_options;
    open_options.create_if_missing = false;
    open_options.read_only = true;
    auto database = storage::open_rocksdb(options.datadir, open_options);
    if (!database) {
        std::fprintf(stderr, "qtm db check: %s\n", database.error().message.c_str());
        return 1;
    }
    ProgressPrinter printer{options.progress, "checking"};
    chain::CheckOptions check_options;
    check_options.max_issues = options.max_issues;
    check_options.progress = [&printer](const chain::CheckProgress& progress) {
        printer(progress.stage, progress.done, progress.total);
    };
    const chain::CheckReport report = chain::check_database(**database, check_options);
    printer.finish();
    print_summary(options.datadir, report);
    return report.ok() ? 0 : 1;
}

int db_repair(const std::string& datadir, const std::string& spec_name) {
    const auto spec = load_spec(spec_name);
    if (!spec) return 1;
    storage::OpenOptions open_options;
    open_options.create_if_missing = false;
    auto database = storage::open_rocksdb(datadir, open_options);
    if (!database) {
        std::fprintf(stderr, "qtm db repair: %s\n", database.error().message.c_str());
        return 1;
    }
    ProgressPrinter printer{true, "checking"};
    chain::CheckOptions options;
    options.progress = [&printer](const chain::CheckProgress& progress) {
        printer(progress.stage, progress.done, progress.total);
    };
    auto repaired = chain::repair_database(**database, *spec, options);
    printer.finish();
    if (!repaired) {
        std::fprintf(stderr, "qtm db repair: cannot repair %s: %s\n", datadir.c_str(),
                     repaired.error().message.c_str());
        return 1;
    }
    for (const auto& action : repaired->actions)
        std::printf("%s\n", action.c_str());
    const chain::CheckReport report = chain::check_database(**database, options);
    printer.finish();
    if (!repaired->changed) std::printf("nothing to repair\n");
    std::printf("head: block %llu\n", static_cast<unsigned long long>(repaired->head_after));
    if (!report.ok()) {
        print_summary(datadir, report);
        std::fprintf(stderr, "qtm db repair: problems remain that a repair cannot fix\n");
        return 1;
    }
    std::printf("ok: the database is consistent\n");
    return 0;
}

int db_prune_state(const std::string& datadir, std::uint64_t state_history, bool progress) {
    storage::OpenOptions open_options;
    open_options.create_if_missing = false;
    auto database = storage::open_rocksdb(datadir, open_options);
    if (!database) {
        std::fprintf(stderr, "qtm db prune-state: %s\n", database.error().message.c_str());
        return 1;
    }
    if (auto schema = storage::open_schema(**database, datadir); !schema) {
        std::fprintf(stderr, "qtm db prune-state: %s\n", schema.error().message.c_str());
        return 1;
    }
    ProgressPrinter printer{progress, "pruning"};
    chain::PruneOptions options;
    options.state_history = state_history;
    options.progress = [&printer](const chain::PruneProgress& step) {
        printer(step.stage, step.done, step.total);
    };
    auto pruned = chain::prune_state(**database, options);
    printer.finish();
    if (!pruned) {
        std::fprintf(stderr, "qtm db prune-state: %s\n", pruned.error().c_str());
        return 1;
    }
    std::printf(
        "kept the states of blocks %llu to %llu (the head)\n"
        "trie nodes: %llu kept, %llu deleted (%llu bytes)\n",
        static_cast<unsigned long long>(pruned->oldest_retained),
        static_cast<unsigned long long>(pruned->head),
        static_cast<unsigned long long>(pruned->nodes_kept),
        static_cast<unsigned long long>(pruned->nodes_deleted),
        static_cast<unsigned long long>(pruned->bytes_deleted));
    return 0;
}

}  // namespace qtm::cli
