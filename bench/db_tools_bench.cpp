// Data-safety tools on a large state (docs/data-safety.md): grows a dev chain whose block 1
// holds --accounts funded accounts (written as the executor writes state: WorldState commits
// of 100,000 accounts each), then times, on that database:
//   check    chain::check_database (every trie node walked and compared with the flat tables)
//   backup   Database::checkpoint (what admin_backup runs), and its size on disk
//   restore  what `qtm db restore` does: copy the checkpoint, open it, check it
//   repair   chain::repair_database after one flat account is damaged (the flat tables
//            rebuilt from the head's trie)
//   snapshot export / import   chain::snapshot (the state in 4 MiB chunks, then rebuilt
//            into a new database and its root checked), and the file's size
//   chain export / import   --blocks blocks of --txs-per-block ML-DSA-44-signed transfers to
//            new accounts are built on the large state by the executor, then what `qtm chain
//            export` / `import` run: chain::export_chain of blocks 0 to the head, and
//            node::import_chain of that file into a copy of the database at block 1 (a
//            node::Node: every block re-executed, signatures verified, committed synced)
//   prune    chain::prune_state keeping the head's state only (the full mark walk and the
//            sweep scan; it deletes genesis's state and the intermediate roots of growing)
// and prints one table row per step.
//
//   build/bin/qtm-bench-db-tools [--accounts 1000000] [--blocks 100] [--txs-per-block 500]
//                                [--datadir DIR]
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "base/endian.hpp"
#include "bench_support.hpp"
#include "chain/block.hpp"
#include "chain/chain_export.hpp"
#include "chain/chain_spec.hpp"
#include "chain/db_check.hpp"
#include "chain/db_repair.hpp"
#include "chain/executor.hpp"
#include "chain/keys.hpp"
#include "chain/prune_state.hpp"
#include "chain/snapshot/snapshot.hpp"
#include "chain/stored_block.hpp"
#include "chain/stored_head.hpp"
#include "chain/transaction.hpp"
#include "node/chain_import.hpp"
#include "node/node.hpp"
#include "state/account.hpp"
#include "state/world_state.hpp"
#include "storage/chain_store.hpp"
#include "storage/schema.hpp"

namespace {

using namespace qtm;
using Clock = std::chrono::steady_clock;

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "qtm-bench-db-tools: %s\n", what.c_str());
    std::exit(1);
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

Address account_address(std::uint64_t i) {
    Address address{};
    address[0] = 0x51;
    store_be64(address.data() + 12, i);
    return address;
}

// Genesis of the dev spec, then block 1 carrying the grown state (no transactions).
void grow_chain(storage::Database& db, const chain::ChainSpec& spec, std::uint64_t accounts) {
    if (!storage::open_schema(db, "bench")) fail("schema");
    storage::WriteBatch genesis_batch;
    auto genesis = chain::build_genesis(spec, db, genesis_batch);
    if (!genesis) fail(genesis.error().message);
    storage::ChainStore::add_block(genesis_batch, chain::stored_empty_block(genesis->block.header));
    if (!db.write(genesis_batch, true)) fail("genesis write");

    Hash32 root = genesis->block.header.state_root;
    for (std::uint64_t grown = 0; grown < accounts;) {
        state::WorldState world{db, root};
        const std::uint64_t end = std::min(accounts, grown + 100'000);
        for (; grown < end; ++grown)
            world.add_balance(account_address(grown), U256{grown + 1});
        world.finalize_transaction();
        storage::WriteBatch batch;
        auto committed = world.commit(batch);
        if (!committed) fail(committed.error().message);
        if (!db.write(batch, true)) fail("state write");
        root = *committed;
    }
    chain::Header header = genesis->block.header;
    header.parent_hash = genesis->hash;
    header.number = 1;
    header.timestamp += 2;
    header.state_root = root;
    header.transactions_root = chain::transactions_root({});
    header.receipts_root = chain::receipts_root({});
    header.gas_used = 0;
    header.base_fee = chain::next_base_fee(spec, genesis->block.header);
    if (!storage::ChainStore{db}.save_block(chain::stored_empty_block(header))) fail("block write");
}

// `blocks` blocks of `per_block` transfers from the ten dev accounts to new accounts (numbered
// from `first_recipient`), built by the executor on the head and written; returns the number
// of transactions.
std::uint64_t build_blocks(storage::Database& db, const chain::ChainSpec& spec,
                           std::uint64_t blocks, std::uint64_t per_block,
                           std::uint64_t first_recipient) {
    std::vector<chain::AccountKey> keys;
    for (std::uint32_t i = 0; i < 10; ++i) {
        keys.emplace_back(crypto::SignatureScheme::kMlDsa44, chain::dev_account_seed(i));
    }
    std::vector<std::uint64_t> nonces(keys.size(), 0);
    auto head = chain::load_head(db);
    if (!head) fail(head.error());
    chain::Header parent = head->header;
    chain::BlockExecutor executor{spec, db};
    std::uint64_t sent = 0;
    for (std::uint64_t b = 0; b < blocks; ++b) {
        std::vector<chain::Transaction> txs;
        for (std::uint64_t t = 0; t < per_block; ++t, ++sent) {
            const std::size_t from = sent % keys.size();
            chain::Transaction tx;
            tx.chain_id = spec.chain_id;
            tx.nonce = nonces[from]++;
            tx.max_priority_fee_per_gas = U256{1'000'000'000};
            tx.max_fee_per_gas = U256{50'000'000'000};
            tx.to = account_address(first_recipient + sent);
            tx.value = U256{1};
            const bool first = tx.nonce == 0;
            const auto scheme = crypto::SignatureScheme::kMlDsa44;
            tx.gas_limit = static_cast<std::uint64_t>(chain::intrinsic_gas(
                {}, false, {}, scheme, first ? crypto::signature_sizes(scheme).public_key : 0));
            chain::sign_transaction(tx, keys[from], first);
            txs.push_back(std::move(tx));
        }
        std::vector<chain::Rejection> rejected;
        auto built = executor.build(parent, parent.timestamp + 2, Address{}, txs, &rejected);
        if (!built) fail("block build: " + built.error().message);
        if (!rejected.empty()) fail("block build left out a transaction: " + rejected[0].reason);
        if (!db.write(built->batch, true)) fail("block write");
        parent = built->block.header;
    }
    return sent;
}

void expect_clean(const storage::ReadView& view, const char* what) {
    const auto report = chain::check_database(view);
    if (!report.ok()) {
        fail(std::string{what} + ": " + report.issues.front().where + ": " +
             report.issues.front().what);
    }
}

}  // namespace

int main(int argc, char** argv) {
    spdlog::set_level(spdlog::level::warn);  // the importing node logs each block otherwise
    std::uint64_t accounts = 1'000'000;
    std::uint64_t blocks = 100;
    std::uint64_t per_block = 500;
    std::string datadir;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--accounts") {
            accounts = std::strtoull(argv[i + 1], nullptr, 10);
        } else if (flag == "--blocks") {
            blocks = std::strtoull(argv[i + 1], nullptr, 10);
        } else if (flag == "--txs-per-block") {
            per_block = std::strtoull(argv[i + 1], nullptr, 10);
        } else if (flag == "--datadir") {
            datadir = argv[i + 1];
        } else {
            fail("unknown flag " + flag + " (see the comment at the top of the source)");
        }
    }
    namespace fs = std::filesystem;
    const fs::path root =
        datadir.empty() ? fs::temp_directory_path() / "qtm-bench-db-tools" : fs::path{datadir};
    fs::remove_all(root);
    fs::create_directories(root);
    const std::string data = (root / "data").string();
    const auto spec = *chain::builtin_chain_spec("dev");

    auto opened = storage::open_rocksdb(data);
    if (!opened) fail(opened.error().message);
    storage::Database& db = **opened;
    auto start = Clock::now();
    grow_chain(db, spec, accounts);
    const double grow = seconds_since(start);

    std::printf("| step (%llu accounts) | seconds | size MB |\n|---|---|---|\n",
                static_cast<unsigned long long>(accounts));
    std::printf("| grow (not a tool) | %.2f | |\n", grow);

    start = Clock::now();
    expect_clean(db, "check");
    std::printf("| check | %.2f | |\n", seconds_since(start));

    const fs::path backup = root / "backup";
    start = Clock::now();
    if (auto made = db.checkpoint(backup.string()); !made) fail(made.error().message);
    std::printf("| backup (checkpoint, hard links) | %.2f | %.1f |\n", seconds_since(start),
                static_cast<double>(qtm::bench::directory_bytes(backup)) / 1e6);

    const fs::path restored = root / "restored";
    start = Clock::now();
    fs::copy(backup, restored, fs::copy_options::recursive);
    {
        auto copy = storage::open_rocksdb(restored.string(), {.create_if_missing = false});
        if (!copy) fail(copy.error().message);
        expect_clean(**copy, "restore");
    }
    std::printf("| restore (copy + open + check) | %.2f | %.1f |\n", seconds_since(start),
                static_cast<double>(qtm::bench::directory_bytes(restored)) / 1e6);

    const fs::path snapshot_file = root / "state.snap";
    start = Clock::now();
    chain::snapshot::ExportOptions export_options;
    export_options.height = 1;
    auto exported = chain::snapshot::export_snapshot(db, snapshot_file.string(), export_options);
    if (!exported) fail(exported.error());
    std::printf("| snapshot export (%llu chunks) | %.2f | %.1f |\n",
                static_cast<unsigned long long>(exported->chunks), seconds_since(start),
                static_cast<double>(exported->bytes) / 1e6);
    const fs::path imported_dir = root / "imported";
    start = Clock::now();
    {
        auto target = storage::open_rocksdb(imported_dir.string());
        if (!target) fail(target.error().message);
        if (!storage::open_schema(**target, "bench")) fail("schema");
        std::ifstream in{snapshot_file, std::ios::binary};
        auto imported = chain::snapshot::import_snapshot(in, spec, **target);
        if (!imported) fail(imported.error());
    }
    std::printf("| snapshot import (tries rebuilt, root checked) | %.2f | %.1f |\n",
                seconds_since(start),
                static_cast<double>(qtm::bench::directory_bytes(imported_dir)) / 1e6);
    fs::remove_all(imported_dir);
    fs::remove(snapshot_file);

    // Chain export and import: real blocks on the large state; the import target is the
    // backup taken at block 1.
    if (blocks > 0) {
        start = Clock::now();
        const std::uint64_t txs = build_blocks(db, spec, blocks, per_block, accounts);
        std::printf("| build %llu blocks of %llu transfers (not a tool) | %.2f | |\n",
                    static_cast<unsigned long long>(blocks),
                    static_cast<unsigned long long>(per_block), seconds_since(start));
        const fs::path chain_file = root / "chain.blocks";
        start = Clock::now();
        chain::ChainExportSummary exported_chain;
        {
            std::ofstream out{chain_file, std::ios::binary | std::ios::trunc};
            auto written = chain::export_chain(db, chain::ChainExportRange{}, out);
            if (!written) fail(written.error());
            exported_chain = *written;
        }
        const double export_seconds = seconds_since(start);
        std::printf("| chain export (blocks 0-%llu) | %.2f | %.1f |\n",
                    static_cast<unsigned long long>(exported_chain.to), export_seconds,
                    static_cast<double>(exported_chain.bytes) / 1e6);
        const fs::path target = root / "import-target";
        fs::copy(backup, target, fs::copy_options::recursive);
        start = Clock::now();
        {
            node::NodeOptions options;
            options.datadir = target.string();
            options.spec = spec;
            auto importer = node::Node::open(std::move(options));
            if (!importer) fail(importer.error().message);
            std::ifstream in{chain_file, std::ios::binary};
            auto imported = node::import_chain(**importer, in, chain_file.string());
            if (!imported) fail(imported.error().message);
            const auto source_head = chain::load_head(db);
            if (imported->imported != blocks || !source_head ||
                (*importer)->head_hash() != source_head->hash) {
                fail("the import did not reach the exported head");
            }
        }
        const double import_seconds = seconds_since(start);
        std::printf("| chain import (%llu blocks re-executed, %.0f tx/s) | %.2f | |\n",
                    static_cast<unsigned long long>(blocks),
                    static_cast<double>(txs) / import_seconds, import_seconds);
        fs::remove_all(target);
        fs::remove(chain_file);
    }

    start = Clock::now();
    chain::PruneOptions prune_options;
    prune_options.state_history = 1;
    prune_options.compact = false;
    if (auto pruned = chain::prune_state(db, prune_options); !pruned) fail(pruned.error());
    std::printf("| prune-state --state-history 1 (mark + sweep) | %.2f | |\n",
                seconds_since(start));

    // One flat account damaged; the repair rebuilds the flat tables from the head's trie.
    const Address damaged = account_address(accounts / 2);
    state::Account account =
        *state::decode_account(**db.get(storage::Column::kFlatAccounts, damaged));
    account.balance = U256{0};
    storage::WriteBatch batch;
    batch.put(storage::Column::kFlatAccounts, damaged, state::encode_account(account));
    if (!db.write(batch, true)) fail("damage write");
    start = Clock::now();
    auto repaired = chain::repair_database(db, spec);
    if (!repaired) fail(repaired.error().message);
    std::printf("| repair (flat state rebuilt from the trie) | %.2f | |\n", seconds_since(start));
    expect_clean(db, "after repair");
    fs::remove_all(root);
    return 0;
}
