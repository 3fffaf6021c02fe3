// Disk used by the state per 100,000 transfers, with and without pruning
// (docs/data-safety.md, "Pruning"). Two RocksDB databases get the same chain: --accounts
// funded accounts, then blocks of --per-block transfers between random accounts (sender's
// balance and nonce, recipient's balance: what a transfer does to the state), written as
// the executor writes state (one WorldState commit and one synced batch per block, header
// and canonical entry with it). One keeps every state (archive); the other runs
// chain::prune_state with --state-history every --prune-every blocks (offline pruning, as
// `qtm db prune-state` does it). Prints, per 100,000 transfers, the trie nodes stored and
// their bytes, and the database's size on disk after a compaction of the trie column.
//
//   build/bin/qtm-bench-prune [--transfers 100000] [--accounts 10000] [--per-block 1000]
//                             [--state-history 128] [--prune-every 64] [--datadir DIR]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "base/endian.hpp"
#include "bench_support.hpp"
#include "chain/block.hpp"
#include "chain/prune_state.hpp"
#include "chain/stored_block.hpp"
#include "state/world_state.hpp"
#include "storage/chain_store.hpp"

namespace {

using namespace qtm;

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "qtm-bench-prune: %s\n", what.c_str());
    std::exit(1);
}

Address account_address(std::uint64_t i) {
    Address address{};
    address[0] = 0x52;
    store_be64(address.data() + 12, i);
    return address;
}

struct Options {
    std::uint64_t transfers{100'000};
    std::uint64_t accounts{10'000};
    std::uint64_t per_block{1'000};
    std::uint64_t state_history{chain::kDefaultStateHistory};
    std::uint64_t prune_every{64};
};

struct Row {
    std::uint64_t blocks{0};
    std::uint64_t nodes{0};
    std::uint64_t node_bytes{0};
    std::uintmax_t disk_bytes{0};
    double seconds{0};
    double prune_seconds{0};
};

void write_block(storage::Database& db, storage::WriteBatch& batch, std::uint64_t number,
                 const Hash32& root, Hash32& parent) {
    chain::Header header;
    header.number = number;
    header.parent_hash = parent;
    header.state_root = root;
    const storage::StoredBlock block = chain::stored_empty_block(header);
    storage::ChainStore::add_block(batch, block);
    if (!db.write(batch, true)) fail("block write");
    parent = block.hash;
}

Row run(const std::filesystem::path& path, const Options& options, bool prune) {
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    auto opened = storage::open_rocksdb(path.string());
    if (!opened) fail(opened.error().message);
    storage::Database& db = **opened;
    std::mt19937_64 random{7};  // the same transfers in both runs
    Hash32 root = trie::kEmptyRoot;
    Hash32 parent{};
    Row row;
    const auto commit = [&](state::WorldState& world) {
        storage::WriteBatch batch;
        auto committed = world.commit(batch);
        if (!committed) fail(committed.error().message);
        root = *committed;
        write_block(db, batch, row.blocks++, root, parent);
    };
    {
        state::WorldState world{db, root};
        for (std::uint64_t i = 0; i < options.accounts; ++i)
            world.add_balance(account_address(i), U256{1'000'000'000});
        (void)world.finalize_transaction();
        commit(world);
    }
    for (std::uint64_t done = 0; done < options.transfers;) {
        state::WorldState world{db, root};
        for (std::uint64_t i = 0; i < options.per_block && done < options.transfers; ++i, ++done) {
            const Address from = account_address(random() % options.accounts);
            const Address to = account_address(random() % options.accounts);
            world.sub_balance(from, U256{1});
            world.set_nonce(from, world.nonce(from) + 1);
            world.add_balance(to, U256{1});
            (void)world.finalize_transaction();
        }
        commit(world);
        if (prune && row.blocks % options.prune_every == 0) {
            const auto prune_start = Clock::now();
            chain::PruneOptions prune_options;
            prune_options.state_history = options.state_history;
            prune_options.compact = false;
            auto pruned = chain::prune_state(db, prune_options);
            if (!pruned) fail(pruned.error());
            row.prune_seconds += std::chrono::duration<double>(Clock::now() - prune_start).count();
        }
    }
    if (prune) {
        chain::PruneOptions prune_options;
        prune_options.state_history = options.state_history;
        auto pruned = chain::prune_state(db, prune_options);  // and compacts
        if (!pruned) fail(pruned.error());
    } else if (!db.compact(storage::Column::kTrieNodes)) {
        fail("compaction");
    }
    (void)db.for_each(storage::Column::kTrieNodes, {}, {}, [&row](ByteView key, ByteView value) {
        ++row.nodes;
        row.node_bytes += key.size() + value.size();
        return true;
    });
    row.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    opened->reset();
    row.disk_bytes = qtm::bench::directory_bytes(path);
    return row;
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    std::string datadir;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        const std::uint64_t value = std::strtoull(argv[i + 1], nullptr, 10);
        if (flag == "--transfers") {
            options.transfers = value;
        } else if (flag == "--accounts") {
            options.accounts = value;
        } else if (flag == "--per-block") {
            options.per_block = value;
        } else if (flag == "--state-history") {
            options.state_history = value;
        } else if (flag == "--prune-every") {
            options.prune_every = value;
        } else if (flag == "--datadir") {
            datadir = argv[i + 1];
        } else {
            fail("unknown flag " + flag + " (see the comment at the top of the source)");
        }
    }
    if (options.per_block == 0 || options.accounts == 0 || options.prune_every == 0) {
        fail("--per-block, --accounts and --prune-every must be positive");
    }
    namespace fs = std::filesystem;
    const fs::path root =
        datadir.empty() ? fs::temp_directory_path() / "qtm-bench-prune" : fs::path{datadir};
    fs::remove_all(root);
    fs::create_directories(root);
    const Row archive = run(root / "archive", options, false);
    const Row pruned = run(root / "pruned", options, true);
    fs::remove_all(root);

    const double per =
        100'000.0 / static_cast<double>(std::max<std::uint64_t>(1, options.transfers));
    std::printf(
        "%llu transfers among %llu accounts, %llu per block (%llu blocks); pruned: "
        "--state-history %llu, every %llu blocks\n\n",
        static_cast<unsigned long long>(options.transfers),
        static_cast<unsigned long long>(options.accounts),
        static_cast<unsigned long long>(options.per_block),
        static_cast<unsigned long long>(archive.blocks),
        static_cast<unsigned long long>(options.state_history),
        static_cast<unsigned long long>(options.prune_every));
    std::printf(
        "| mode | trie nodes | trie MB | database MB on disk | per 100,000 transfers: trie MB | "
        "run s | of which pruning s |\n|---|---|---|---|---|---|---|\n");
    for (const auto& [name, row] : {std::pair{"archive", archive}, std::pair{"pruned", pruned}}) {
        std::printf(
            "| %s | %llu | %.1f | %.1f | %.1f | %.1f | %.1f |\n", name,
            static_cast<unsigned long long>(row.nodes), static_cast<double>(row.node_bytes) / 1e6,
            static_cast<double>(row.disk_bytes) / 1e6,
            static_cast<double>(row.node_bytes) / 1e6 * per, row.seconds, row.prune_seconds);
    }
    return 0;
}
