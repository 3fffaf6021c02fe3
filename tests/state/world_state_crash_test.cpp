// A process commits world-state blocks to RocksDB (state and head pointer in one synced
// batch) and is killed with SIGKILL at a random moment. Reopened, the database must hold
// exactly the state of its recorded head: the same root as a replay of blocks 1..head in
// memory, the same balances, nonces, storage, code and registered keys from the flat tables
// and from the tries, and it must accept the next block.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "base/endian.hpp"
#include "state/world_state.hpp"
#include "storage/database.hpp"
#include "trie/trie.hpp"

namespace qtm::state {
namespace {

constexpr std::uint32_t kAccounts = 300;
const Bytes kHeadKey = {'t', 'e', 's', 't', '-', 'h', 'e', 'a', 'd'};

Address address_of(std::uint32_t n) {
    Address address{};
    address[0] = 0xc0;
    store_be64(address.data() + 12, n);
    return address;
}

// Block n's changes: a deterministic function of n, touching balances, nonces, storage,
// code and keys of a spread of accounts.
void apply_block(WorldState& state, std::uint64_t n) {
    std::mt19937_64 rng{n};
    for (int i = 0; i < 200; ++i) {
        const Address a = address_of(static_cast<std::uint32_t>(rng() % kAccounts));
        state.add_balance(a, rng() % 1'000'000 + 1);
        state.set_nonce(a, state.nonce(a) + 1);
        state.set_storage(a, rng() % 16, rng() % 4 == 0 ? U256{} : U256{rng(), rng(), 0, n});
        if (rng() % 50 == 0) state.set_code(a, Bytes(1 + rng() % 64, static_cast<std::uint8_t>(n)));
        if (rng() % 40 == 0 && !state.registered_key(a)) {
            state.register_key(a, RegisteredKey{.scheme = 1, .public_key = Bytes(1312, 7)});
        }
        (void)state.finalize_transaction();
    }
}

struct Head {
    std::uint64_t number{0};
    Hash32 root{trie::kEmptyRoot};
};

Bytes encode_head(const Head& head) {
    Bytes out(40);
    store_be64(out.data(), head.number);
    std::copy(head.root.begin(), head.root.end(), out.begin() + 8);
    return out;
}

Head read_head(const storage::Database& db) {
    const auto value = db.get(storage::Column::kMetadata, kHeadKey);
    if (!value || !*value) return {};
    Head head;
    head.number = load_be64((*value)->data());
    std::copy_n((*value)->begin() + 8, 32, head.root.begin());
    return head;
}

// Commits blocks until killed; signals `ready_fd` after its first block so that the kill
// lands after at least one commit even on a slow (sanitized, loaded) machine.
[[noreturn]] void writer(const std::string& path, int ready_fd) {
    auto db = storage::open_rocksdb(path);
    if (!db) _exit(2);
    Head head = read_head(**db);
    for (;;) {
        WorldState state{**db, head.root};
        apply_block(state, head.number + 1);
        storage::WriteBatch batch;
        auto root = state.commit(batch);
        if (!root) _exit(3);
        head = {head.number + 1, *root};
        batch.put(storage::Column::kMetadata, kHeadKey, encode_head(head));
        if (!(*db)->write(batch, true)) _exit(4);
        if (ready_fd >= 0) {
            const char ready = 1;
            if (::write(ready_fd, &ready, 1) != 1) _exit(5);
            ::close(ready_fd);
            ready_fd = -1;
        }
    }
}

class TemporaryDirectory {
public:
    TemporaryDirectory() {
        std::string pattern = (std::filesystem::temp_directory_path() / "qtm-state-XXXXXX");
        path_ = mkdtemp(pattern.data());
    }
    ~TemporaryDirectory() { std::filesystem::remove_all(path_); }
    TemporaryDirectory(const TemporaryDirectory&) = delete;
    TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
    [[nodiscard]] std::string db() const { return (path_ / "db").string(); }

private:
    std::filesystem::path path_;
};

TEST(WorldStateCrash, SigkillLeavesTheLastCommittedStateIntact) {
    TemporaryDirectory directory;
    std::mt19937 rng{std::random_device{}()};
    std::uint64_t previous_head = 0;
    for (int run = 0; run < 3; ++run) {
        int ready[2];
        ASSERT_EQ(::pipe(ready), 0);
        const pid_t child = fork();
        ASSERT_GE(child, 0);
        if (child == 0) writer(directory.db(), ready[1]);
        ::close(ready[1]);
        char byte = 0;
        ASSERT_EQ(::read(ready[0], &byte, 1), 1) << "the writer died before its first block";
        ::close(ready[0]);
        std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 500));
        ASSERT_EQ(kill(child, SIGKILL), 0);
        int status = 0;
        ASSERT_EQ(waitpid(child, &status, 0), child);
        ASSERT_TRUE(WIFSIGNALED(status)) << "the writer exited by itself: " << status;

        auto reopened = storage::open_rocksdb(directory.db(), {.create_if_missing = false});
        ASSERT_TRUE(reopened.has_value()) << reopened.error().message;
        auto& db = **reopened;
        const Head head = read_head(db);
        std::cout << "[counts] crash run " << run << ": head block " << head.number << '\n';
        EXPECT_GE(head.number, previous_head);
        previous_head = head.number;

        // Replay in memory.
        auto memory = storage::make_memory_database();
        Hash32 root = trie::kEmptyRoot;
        for (std::uint64_t n = 1; n <= head.number; ++n) {
            WorldState state{*memory, root};
            apply_block(state, n);
            storage::WriteBatch batch;
            root = *state.commit(batch);
            ASSERT_TRUE(memory->write(batch, false).has_value());
        }
        ASSERT_EQ(head.root, root) << "the recorded root is not the replayed one";

        WorldState expected{*memory, root};
        for (const auto mode : {WorldState::ReadMode::kFlat, WorldState::ReadMode::kTrie}) {
            WorldState actual{db, head.root, nullptr, mode};
            for (std::uint32_t i = 0; i < kAccounts; ++i) {
                const Address a = address_of(i);
                ASSERT_EQ(actual.balance(a), expected.balance(a));
                ASSERT_EQ(actual.nonce(a), expected.nonce(a));
                ASSERT_EQ(actual.code_hash(a), expected.code_hash(a));
                ASSERT_EQ(*actual.code(a), *expected.code(a));
                ASSERT_EQ(actual.registered_key(a).has_value(),
                          expected.registered_key(a).has_value());
                for (std::uint64_t slot = 0; slot < 16; ++slot) {
                    ASSERT_EQ(actual.storage(a, slot), expected.storage(a, slot));
                }
            }
            EXPECT_FALSE(actual.error().has_value());
        }

        // And the chain goes on from there.
        WorldState next{db, head.root};
        apply_block(next, head.number + 1);
        storage::WriteBatch batch;
        const auto next_root = next.commit(batch);
        ASSERT_TRUE(next_root.has_value());
        WorldState replay{*memory, root};
        apply_block(replay, head.number + 1);
        storage::WriteBatch replay_batch;
        EXPECT_EQ(*next_root, *replay.commit(replay_batch));
        // Not written: the next run's writer resumes from the recorded head.
    }
}

}  // namespace
}  // namespace qtm::state
