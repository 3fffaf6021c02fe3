// State pruning: after many blocks of overwrites and deletions, every retained state is
// complete (walked fully from its root, entry for entry what it held before), every node no
// retained state reaches is gone, and an incomplete retained state stops the prune before
// anything is deleted.
#include "chain/prune_state.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "chain/block.hpp"
#include "chain/stored_block.hpp"
#include "state/world_state.hpp"
#include "storage/chain_store.hpp"
#include "storage/state_store.hpp"
#include "trie/walk.hpp"

namespace qtm::chain {
namespace {

using Entries = std::map<Bytes, Bytes>;
using NodeSet = std::set<Hash32>;

Address address_of(std::uint32_t index) {
    Address address{};
    address[0] = 0xa0;
    address[18] = static_cast<std::uint8_t>(index >> 8U);
    address[19] = static_cast<std::uint8_t>(index);
    return address;
}

// A chain whose blocks hold no transactions but whose states change a lot: balances
// overwritten, accounts deleted and created again, storage slots set, changed and cleared.
class PruneStateTest : public ::testing::Test {
protected:
    std::unique_ptr<storage::Database> db_ = storage::make_memory_database();
    std::vector<Hash32> roots_;
    std::mt19937 random_{19};

    void SetUp() override {
        Hash32 root = trie::kEmptyRoot;
        Hash32 parent{};
        for (std::uint64_t number = 0; number < 40; ++number) {
            state::WorldState world{*db_, root};
            for (int i = 0; i < 30; ++i) {
                const Address account = address_of(static_cast<std::uint32_t>(random_() % 200));
                switch (random_() % 4) {
                    case 0:  // delete: an empty touched account goes at the end of the txn
                        if (world.exists(account))
                            world.sub_balance(account, world.balance(account));
                        world.set_nonce(account, 0);
                        world.touch(account);
                        break;
                    case 1:
                        world.set_storage(account, U256{random_() % 8}, U256{0});
                        [[fallthrough]];
                    case 2:
                        world.set_storage(account, U256{random_() % 8}, U256{random_() + 1ULL});
                        world.set_nonce(account, 1);  // keeps it non-empty
                        break;
                    default:
                        world.add_balance(account, U256{random_() % 1000 + 1});
                }
                (void)world.finalize_transaction();
            }
            storage::WriteBatch batch;
            auto committed = world.commit(batch);
            ASSERT_TRUE(committed.has_value());
            root = *committed;
            Header header;
            header.number = number;
            header.parent_hash = parent;
            header.state_root = root;
            const storage::StoredBlock block = stored_empty_block(header);
            storage::ChainStore::add_block(batch, block);
            ASSERT_TRUE(db_->write(batch, false).has_value());
            roots_.push_back(root);
            parent = block.hash;
        }
    }

    // Every entry of the state (accounts, and slots keyed by account key ‖ slot key), and
    // every node it reaches; a failure if it is incomplete.
    Entries walk_state(const Hash32& root, NodeSet* nodes = nullptr) {
        const storage::StateStore store{*db_};
        Entries entries;
        const trie::NodeFilter collect = [nodes](const Hash32& node) {
            if (nodes != nullptr) nodes->insert(node);
            return true;
        };
        std::vector<std::pair<Bytes, Hash32>> storage_roots;
        auto walked = trie::walk(
            store, root,
            [&](ByteView key, ByteView value) {
                entries.emplace(to_bytes(key), to_bytes(value));
                auto account = state::decode_account(value);
                EXPECT_TRUE(account.has_value());
                if (account && account->storage_root != trie::kEmptyRoot) {
                    storage_roots.emplace_back(to_bytes(key), account->storage_root);
                }
                return true;
            },
            collect);
        EXPECT_TRUE(walked.has_value()) << (walked ? "" : walked.error().describe());
        for (const auto& [account_key, storage_root] : storage_roots) {
            auto slots = trie::walk(
                store, storage_root,
                [&, prefix = account_key](ByteView key, ByteView value) {
                    Bytes full = prefix;
                    full.insert(full.end(), key.begin(), key.end());
                    entries.emplace(full, to_bytes(value));
                    return true;
                },
                collect);
            EXPECT_TRUE(slots.has_value()) << (slots ? "" : slots.error().describe());
        }
        return entries;
    }

    std::size_t stored_nodes() {
        std::size_t count = 0;
        EXPECT_TRUE(db_->for_each(storage::Column::kTrieNodes, {}, {},
                                  [&count](ByteView, ByteView) {
                                      ++count;
                                      return true;
                                  })
                        .has_value());
        return count;
    }

    bool has_node(const Hash32& hash) {
        auto stored = db_->get(storage::Column::kTrieNodes, hash);
        return stored && stored->has_value();
    }
};

TEST_F(PruneStateTest, RetainedStatesKeepEveryNodeAndTheRestIsGone) {
    constexpr std::uint64_t kHistory = 10;
    std::map<std::uint64_t, Entries> before;
    NodeSet reachable;
    for (std::uint64_t number = 40 - kHistory; number < 40; ++number)
        before[number] = walk_state(roots_[number], &reachable);
    const std::size_t nodes_before = stored_nodes();
    ASSERT_GT(nodes_before, reachable.size());  // older states hold nodes of their own

    PruneOptions options;
    options.state_history = kHistory;
    auto pruned = prune_state(*db_, options);
    ASSERT_TRUE(pruned.has_value()) << pruned.error();
    EXPECT_EQ(pruned->head, 39U);
    EXPECT_EQ(pruned->oldest_retained, 30U);
    EXPECT_EQ(pruned->nodes_kept, reachable.size());
    EXPECT_EQ(pruned->nodes_deleted, nodes_before - reachable.size());

    // Every retained state walks completely and holds exactly what it held.
    for (const auto& [number, entries] : before) {
        EXPECT_EQ(walk_state(roots_[number]), entries) << "block " << number;
    }
    // What is stored is exactly what the retained states reach.
    EXPECT_EQ(stored_nodes(), reachable.size());
    for (std::uint64_t number = 0; number < 40 - kHistory; ++number) {
        if (!reachable.contains(roots_[number])) {
            EXPECT_FALSE(has_node(roots_[number])) << "block " << number;
        }
    }
    EXPECT_EQ(load_pruned_below(*db_), 30U);
    // Again: nothing more to delete.
    auto again = prune_state(*db_, options);
    ASSERT_TRUE(again.has_value()) << again.error();
    EXPECT_EQ(again->nodes_deleted, 0U);
}

TEST_F(PruneStateTest, AnIncompleteRetainedStateStopsThePruneBeforeAnyDeletion) {
    NodeSet reachable;
    (void)walk_state(roots_[35], &reachable);
    // A node of block 35's state that no later state reaches (those are marked first).
    NodeSet head_nodes;
    for (std::uint64_t number = 36; number < 40; ++number)
        (void)walk_state(roots_[number], &head_nodes);
    std::optional<Hash32> victim;
    for (const auto& node : reachable) {
        if (!head_nodes.contains(node) && node != roots_[35]) victim = node;
    }
    ASSERT_TRUE(victim.has_value());
    storage::WriteBatch batch;
    batch.erase(storage::Column::kTrieNodes, *victim);
    ASSERT_TRUE(db_->write(batch, false).has_value());
    const std::size_t nodes_before = stored_nodes();

    PruneOptions options;
    options.state_history = 10;
    auto pruned = prune_state(*db_, options);
    ASSERT_FALSE(pruned.has_value());
    EXPECT_NE(pruned.error().find("the state of block 35 is incomplete"), std::string::npos)
        << pruned.error();
    EXPECT_NE(pruned.error().find("nothing was deleted"), std::string::npos);
    EXPECT_EQ(stored_nodes(), nodes_before);
}

TEST_F(PruneStateTest, AHistoryOfZeroIsRefusedAndOneKeepsTheHeadOnly) {
    PruneOptions options;
    options.state_history = 0;
    auto refused = prune_state(*db_, options);
    ASSERT_FALSE(refused.has_value());
    EXPECT_NE(refused.error().find("at least 1"), std::string::npos);

    const Entries head = walk_state(roots_[39]);
    options.state_history = 1;
    auto pruned = prune_state(*db_, options);
    ASSERT_TRUE(pruned.has_value()) << pruned.error();
    EXPECT_EQ(pruned->oldest_retained, 39U);
    EXPECT_EQ(walk_state(roots_[39]), head);
    if (roots_[38] != roots_[39]) {
        EXPECT_FALSE(has_node(roots_[38]));
    }
}

}  // namespace
}  // namespace qtm::chain
