// WorldState: journal and nested reverts, EIP-2929 warm sets, EIP-1153 transient storage,
// EIP-6780 SELFDESTRUCT, EIP-161 touched-empty deletion, key registration, and commit:
// the root equals a reference secure-trie root over the encoded accounts, reads after a
// commit agree between the flat tables and the tries, and committing in several steps
// gives the same root as in one.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "crypto/keccak.hpp"
#include "state/account.hpp"
#include "state/world_state.hpp"
#include "storage/database.hpp"
#include "trie/trie.hpp"

namespace qtm::state {
namespace {

Address address_of(std::uint32_t n) {
    Address address{};
    address[0] = 0xaa;
    address[16] = static_cast<std::uint8_t>(n >> 24);
    address[17] = static_cast<std::uint8_t>(n >> 16);
    address[18] = static_cast<std::uint8_t>(n >> 8);
    address[19] = static_cast<std::uint8_t>(n);
    return address;
}

Hash32 commit_to(storage::Database& db, WorldState& state) {
    storage::WriteBatch batch;
    auto root = state.commit(batch);
    EXPECT_TRUE(root.has_value());
    EXPECT_TRUE(db.write(batch, false).has_value());
    return root ? *root : Hash32{};
}

TEST(WorldState, EmptyStateHasTheEmptyTrieRoot) {
    auto db = storage::make_memory_database();
    WorldState state{*db, trie::kEmptyRoot};
    EXPECT_EQ(commit_to(*db, state), trie::kEmptyRoot);
}

TEST(WorldState, NestedSnapshotsRevertOnlyTheirOwnChanges) {
    auto db = storage::make_memory_database();
    WorldState state{*db, trie::kEmptyRoot};
    const Address a = address_of(1);
    state.add_balance(a, 100);
    const auto outer = state.snapshot();
    state.add_balance(a, 10);
    state.set_storage(a, 1, 7);
    const auto inner = state.snapshot();
    state.set_storage(a, 1, 8);
    state.set_nonce(a, 5);
    state.revert(inner);
    EXPECT_EQ(state.storage(a, 1), U256{7});
    EXPECT_EQ(state.nonce(a), 0u);
    EXPECT_EQ(state.balance(a), U256{110});
    state.revert(outer);
    EXPECT_EQ(state.storage(a, 1), U256{0});
    EXPECT_EQ(state.balance(a), U256{100});
}

TEST(WorldState, WarmSetsAndTransientStorageAreTransactionScopedAndJournaled) {
    auto db = storage::make_memory_database();
    WorldState state{*db, trie::kEmptyRoot};
    const Address a = address_of(2);
    EXPECT_TRUE(state.warm_account(a));   // was cold
    EXPECT_FALSE(state.warm_account(a));  // now warm
    const auto snapshot = state.snapshot();
    EXPECT_TRUE(state.warm_storage(a, 3));
    state.set_transient_storage(a, 9, 99);
    state.revert(snapshot);
    EXPECT_TRUE(state.warm_storage(a, 3));  // the revert made it cold again
    EXPECT_EQ(state.transient_storage(a, 9), U256{0});
    state.set_transient_storage(a, 9, 42);
    (void)state.finalize_transaction();
    EXPECT_EQ(state.transient_storage(a, 9), U256{0});
    EXPECT_TRUE(state.warm_account(a));  // cold again in the next transaction
}

TEST(WorldState, OriginalStorageIsTheValueAtTheStartOfTheTransaction) {
    auto db = storage::make_memory_database();
    WorldState state{*db, trie::kEmptyRoot};
    const Address a = address_of(3);
    state.add_balance(a, 1);
    state.set_storage(a, 1, 5);
    EXPECT_EQ(state.original_storage(a, 1), U256{0});
    (void)state.finalize_transaction();
    state.set_storage(a, 1, 6);
    EXPECT_EQ(state.original_storage(a, 1), U256{5});
    EXPECT_EQ(state.storage(a, 1), U256{6});
}

TEST(WorldState, SelfdestructDeletesOnlyAccountsCreatedInTheSameTransaction) {
    auto db = storage::make_memory_database();
    WorldState state{*db, trie::kEmptyRoot};
    const Address old_contract = address_of(4);
    const Address new_contract = address_of(5);
    const Address beneficiary = address_of(6);
    state.add_balance(old_contract, 50);
    state.set_code(old_contract, Bytes{0x00});
    (void)state.finalize_transaction();
    (void)commit_to(*db, state);

    state.create_contract(new_contract);
    state.add_balance(new_contract, 20);
    state.set_storage(new_contract, 1, 1);
    EXPECT_TRUE(state.selfdestruct(new_contract, beneficiary));
    EXPECT_FALSE(state.selfdestruct(old_contract, beneficiary));  // not marked for deletion
    (void)state.finalize_transaction();
    EXPECT_FALSE(state.exists(new_contract));  // created in this transaction: deleted
    EXPECT_TRUE(state.exists(old_contract));   // EIP-6780: only its balance moves
    EXPECT_EQ(state.balance(old_contract), U256{0});
    EXPECT_EQ(state.code(old_contract)->size(), 1u);
    EXPECT_EQ(state.balance(beneficiary), U256{70});
}

TEST(WorldState, TouchedEmptyAccountsAreDeletedAtTheEndOfTheTransaction) {
    auto db = storage::make_memory_database();
    WorldState state{*db, trie::kEmptyRoot};
    const Address empty = address_of(7);
    state.add_balance(empty, 0);  // creates and touches
    EXPECT_TRUE(state.exists(empty));
    (void)state.finalize_transaction();
    EXPECT_FALSE(state.exists(empty));
    EXPECT_EQ(commit_to(*db, state), trie::kEmptyRoot);
}

TEST(WorldState, RegisteredKeysArePartOfTheAccountAndSurviveCommit) {
    auto db = storage::make_memory_database();
    WorldState state{*db, trie::kEmptyRoot};
    const Address a = address_of(8);
    state.add_balance(a, 1000);
    const Hash32 without_key = [&] {
        auto copy_db = storage::make_memory_database();
        WorldState copy{*copy_db, trie::kEmptyRoot};
        copy.add_balance(a, 1000);
        (void)copy.finalize_transaction();
        return commit_to(*copy_db, copy);
    }();
    state.register_key(a, RegisteredKey{.scheme = 1, .public_key = Bytes(1312, 0x5a)});
    (void)state.finalize_transaction();
    const Hash32 root = commit_to(*db, state);
    EXPECT_NE(root, without_key);  // the key hash is part of the state root

    WorldState reopened{*db, root};
    const auto key = reopened.registered_key(a);
    ASSERT_TRUE(key.has_value());
    EXPECT_EQ(key->scheme, 1);
    EXPECT_EQ(key->public_key, Bytes(1312, 0x5a));
    EXPECT_FALSE(reopened.registered_key(address_of(9)).has_value());
}

// A reference model: address -> (account fields, storage), applied to WorldState in random
// blocks; after each commit the root must equal a secure trie built from scratch, and the
// reads (flat and trie) must equal the model.
struct ModelAccount {
    std::uint64_t nonce{0};
    U256 balance{};
    std::map<U256, U256> storage;
};

Hash32 reference_root(const std::map<Address, ModelAccount>& model) {
    std::vector<std::pair<Bytes, Bytes>> entries;
    for (const auto& [address, account] : model) {
        std::vector<std::pair<Bytes, Bytes>> slots;
        for (const auto& [key, value] : account.storage) {
            if (value.is_zero()) continue;
            const auto key_bytes = key.to_be_bytes();
            const auto value_bytes = value.to_be_bytes();
            Bytes minimal(value_bytes.begin() + (32 - value.byte_length()), value_bytes.end());
            // Storage values are RLP strings of the minimal big-endian form.
            Bytes rlp;
            if (minimal.size() == 1 && minimal[0] < 0x80) {
                rlp = minimal;
            } else {
                rlp.push_back(static_cast<std::uint8_t>(0x80 + minimal.size()));
                rlp.insert(rlp.end(), minimal.begin(), minimal.end());
            }
            const Hash32 hashed = crypto::keccak256(key_bytes);
            slots.emplace_back(Bytes(hashed.begin(), hashed.end()), rlp);
        }
        Account encoded{.nonce = account.nonce, .balance = account.balance};
        encoded.storage_root = trie::compute_root(slots);
        const Hash32 hashed = crypto::keccak256(address);
        entries.emplace_back(Bytes(hashed.begin(), hashed.end()), encode_account(encoded));
    }
    return trie::compute_root(entries);
}

TEST(WorldState, RandomBlocksMatchAReferenceTrieAndReadBackFromFlatAndTrie) {
    auto db = storage::make_memory_database();
    std::mt19937_64 rng{20261122};
    std::map<Address, ModelAccount> model;
    Hash32 root = trie::kEmptyRoot;
    for (int block = 0; block < 12; ++block) {
        WorldState state{*db, root};
        for (int change = 0; change < 60; ++change) {
            const Address a = address_of(static_cast<std::uint32_t>(rng() % 40));
            switch (rng() % 4) {
                case 0: {
                    const U256 amount{rng() % 1000 + 1};
                    state.add_balance(a, amount);
                    model[a].balance += amount;
                    break;
                }
                case 1: {
                    const auto nonce = rng() % 100 + 1;
                    state.set_nonce(a, nonce);
                    model[a].nonce = nonce;
                    break;
                }
                default: {
                    if (!state.exists(a)) {
                        state.add_balance(a, 1);
                        model[a].balance += 1;
                    }
                    const U256 key{rng() % 8};
                    const U256 value{rng() % 3 == 0 ? 0 : rng()};
                    state.set_storage(a, key, value);
                    model[a].storage[key] = value;
                    break;
                }
            }
            (void)state.finalize_transaction();
        }
        root = commit_to(*db, state);
        ASSERT_EQ(root, reference_root(model)) << "block " << block;
    }
    for (const auto mode : {WorldState::ReadMode::kFlat, WorldState::ReadMode::kTrie}) {
        WorldState reader{*db, root, nullptr, mode};
        for (const auto& [address, account] : model) {
            EXPECT_EQ(reader.balance(address), account.balance);
            EXPECT_EQ(reader.nonce(address), account.nonce);
            for (const auto& [key, value] : account.storage) {
                EXPECT_EQ(reader.storage(address, key), value);
            }
        }
        EXPECT_FALSE(reader.error().has_value());
    }
}

TEST(WorldState, OneCommitEqualsManyCommits) {
    auto apply = [](WorldState& state, int from, int to) {
        for (int i = from; i < to; ++i) {
            const Address a = address_of(static_cast<std::uint32_t>(i % 13));
            state.add_balance(a, static_cast<std::uint64_t>(i + 1));
            state.set_storage(a, static_cast<std::uint64_t>(i % 5),
                              static_cast<std::uint64_t>(i * 31));
            (void)state.finalize_transaction();
        }
    };
    auto single_db = storage::make_memory_database();
    WorldState single{*single_db, trie::kEmptyRoot};
    apply(single, 0, 90);
    const Hash32 single_root = commit_to(*single_db, single);

    auto many_db = storage::make_memory_database();
    Hash32 root = trie::kEmptyRoot;
    for (int step = 0; step < 90; step += 30) {
        WorldState state{*many_db, root};
        apply(state, step, step + 30);
        root = commit_to(*many_db, state);
    }
    EXPECT_EQ(root, single_root);
}

TEST(WorldState, DeletedAccountsStorageDoesNotComeBackWhenRecreated) {
    auto db = storage::make_memory_database();
    const Address a = address_of(11);
    Hash32 root;
    {
        WorldState state{*db, trie::kEmptyRoot};
        state.create_contract(a);
        state.set_storage(a, 1, 1);
        (void)state.finalize_transaction();
        root = commit_to(*db, state);
    }
    WorldState state{*db, root};
    state.create_contract(address_of(12));  // unrelated
    state.create_contract(a);               // pretend a collision-free recreation after a delete
    EXPECT_TRUE(state.selfdestruct(a, address_of(13)));
    (void)state.finalize_transaction();
    EXPECT_FALSE(state.exists(a));
    state.add_balance(a, 5);
    (void)state.finalize_transaction();
    EXPECT_EQ(state.storage(a, 1), U256{0});
    root = commit_to(*db, state);
    WorldState reopened{*db, root};
    EXPECT_EQ(reopened.storage(a, 1), U256{0});
    EXPECT_FALSE(reopened.has_storage(a));
}

}  // namespace
}  // namespace qtm::state
