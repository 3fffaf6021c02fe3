// Merkle Patricia Trie: random operations against a std::map model whose root is computed
// by an independent, non-incremental builder; commit/reload; dirty-path commits; proofs.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "base/hex.hpp"
#include "crypto/keccak.hpp"
#include "trie/nibbles.hpp"
#include "trie/rlp_view.hpp"
#include "trie/trie.hpp"

namespace qtm::trie {
namespace {

using Model = std::map<Bytes, Bytes>;

// ---- The reference: the Yellow Paper's definition, built from a sorted key set at once.

Bytes reference_node(const std::vector<std::pair<Nibbles, const Bytes*>>& entries,
                     std::size_t depth);

Bytes reference_child(const std::vector<std::pair<Nibbles, const Bytes*>>& entries,
                      std::size_t depth) {
    if (entries.empty()) return Bytes{0x80};
    Bytes encoded = reference_node(entries, depth);
    if (encoded.size() < 32) return encoded;
    Bytes out;
    append_rlp_string(out, crypto::keccak256(encoded));
    return out;
}

Bytes reference_node(const std::vector<std::pair<Nibbles, const Bytes*>>& entries,
                     std::size_t depth) {
    Bytes payload;
    if (entries.size() == 1) {
        const Nibbles& key = entries[0].first;
        append_rlp_string(payload, hex_prefix_encode(key.data() + depth, key.size() - depth,
                                                     /*is_leaf=*/true));
        append_rlp_string(payload, *entries[0].second);
        return wrap_rlp_list(payload);
    }
    // Longest prefix (from depth) that every key shares.
    std::size_t shared = entries[0].first.size() - depth;
    for (const auto& [key, value] : entries) {
        shared = std::min(shared, common_prefix_length(entries[0].first.data() + depth, shared,
                                                       key.data() + depth, key.size() - depth));
    }
    if (shared > 0) {
        append_rlp_string(payload, hex_prefix_encode(entries[0].first.data() + depth, shared,
                                                     /*is_leaf=*/false));
        const Bytes child = reference_child(entries, depth + shared);
        payload.insert(payload.end(), child.begin(), child.end());
        return wrap_rlp_list(payload);
    }
    Bytes value;
    for (std::uint8_t nibble = 0; nibble < 16; ++nibble) {
        std::vector<std::pair<Nibbles, const Bytes*>> group;
        for (const auto& entry : entries) {
            if (entry.first.size() == depth) {
                value = *entry.second;
            } else if (entry.first[depth] == nibble) {
                group.push_back(entry);
            }
        }
        const Bytes child = reference_child(group, depth + 1);
        payload.insert(payload.end(), child.begin(), child.end());
    }
    append_rlp_string(payload, value);
    return wrap_rlp_list(payload);
}

Hash32 reference_root(const Model& model) {
    if (model.empty()) return kEmptyRoot;
    std::vector<std::pair<Nibbles, const Bytes*>> entries;
    for (const auto& [key, value] : model)
        entries.emplace_back(to_nibbles(key), &value);
    return crypto::keccak256(reference_node(entries, 0));
}

// ---- Helpers

class MapNodeStore : public NodeStore {
public:
    std::optional<Bytes> load_node(const Hash32& hash) const override {
        const auto it = nodes_.find(hash);
        if (it == nodes_.end()) return std::nullopt;
        return it->second;
    }
    void save(std::vector<CommittedNode> nodes) {
        for (auto& node : nodes)
            nodes_[node.hash] = std::move(node.encoded);
    }
    void drop(const Hash32& hash) { nodes_.erase(hash); }
    [[nodiscard]] std::size_t size() const { return nodes_.size(); }

private:
    std::map<Hash32, Bytes> nodes_;
};

Bytes random_bytes(std::mt19937_64& rng, std::size_t min_size, std::size_t max_size) {
    std::uniform_int_distribution<std::size_t> size_dist{min_size, max_size};
    Bytes out(size_dist(rng));
    // Few distinct byte values, so that keys share prefixes and exercise every node kind.
    for (auto& byte : out)
        byte = static_cast<std::uint8_t>(rng() % 4 * 0x11);
    return out;
}

// ---- Tests

TEST(Trie, EmptyRootIsKeccakOfEmptyString) {
    EXPECT_EQ(kEmptyRoot, crypto::keccak256(Bytes{0x80}));
    EXPECT_EQ(to_hex(kEmptyRoot),
              "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
    Trie trie;
    EXPECT_EQ(trie.root_hash(), kEmptyRoot);
    EXPECT_TRUE(trie.commit().empty());
}

TEST(Trie, RandomOperationsMatchTheReferenceModel) {
    std::mt19937_64 rng{20261122};
    for (int round = 0; round < 200; ++round) {
        Trie trie;
        Model model;
        const int operations = 1 + static_cast<int>(rng() % 60);
        for (int op = 0; op < operations; ++op) {
            Bytes key = random_bytes(rng, 0, 4);
            if (rng() % 3 == 0 && !model.empty()) {
                // Delete an existing key (or sometimes an absent one).
                auto it = model.begin();
                std::advance(it, static_cast<long>(rng() % model.size()));
                if (rng() % 4 != 0) key = it->first;
                ASSERT_TRUE(trie.erase(key).has_value());
                model.erase(key);
            } else {
                Bytes value = random_bytes(rng, 1, rng() % 2 == 0 ? 3 : 40);
                ASSERT_TRUE(trie.put(key, value).has_value());
                model[key] = value;
            }
            if (rng() % 5 == 0) {
                ASSERT_EQ(trie.root_hash(), reference_root(model));
            }
        }
        ASSERT_EQ(trie.root_hash(), reference_root(model)) << "round " << round;
        for (const auto& [key, value] : model) {
            auto got = trie.get(key);
            ASSERT_TRUE(got.has_value() && got->has_value());
            EXPECT_EQ(**got, value);
        }
    }
}

TEST(Trie, PutOfEmptyValueDeletes) {
    Trie trie;
    ASSERT_TRUE(trie.put(as_bytes("dog"), as_bytes("puppy")).has_value());
    ASSERT_TRUE(trie.put(as_bytes("dog"), Bytes{}).has_value());
    EXPECT_EQ(trie.root_hash(), kEmptyRoot);
    EXPECT_FALSE(trie.get(as_bytes("dog"))->has_value());
}

TEST(Trie, CommittedTrieReloadsAndKeepsChanging) {
    std::mt19937_64 rng{7};
    MapNodeStore store;
    Model model;
    Hash32 root = kEmptyRoot;
    for (int block = 0; block < 30; ++block) {
        Trie trie{&store, root};  // a fresh trie each block: everything loads from the store
        for (int i = 0; i < 20; ++i) {
            Bytes key = random_bytes(rng, 1, 6);
            if (rng() % 4 == 0 && model.count(key) != 0) {
                ASSERT_TRUE(trie.erase(key).has_value());
                model.erase(key);
            } else {
                Bytes value = random_bytes(rng, 1, 50);
                ASSERT_TRUE(trie.put(key, value).has_value());
                model[key] = value;
            }
        }
        root = trie.root_hash();
        ASSERT_EQ(root, reference_root(model)) << "block " << block;
        store.save(trie.commit());
    }
    Trie reopened{&store, root};
    for (const auto& [key, value] : model) {
        auto got = reopened.get(key);
        ASSERT_TRUE(got.has_value() && got->has_value());
        EXPECT_EQ(**got, value);
    }
    EXPECT_FALSE(reopened.get(as_bytes("absent key"))->has_value());
}

TEST(Trie, CommitWritesOnlyTheDirtyPaths) {
    MapNodeStore store;
    Trie trie{&store};
    std::mt19937_64 rng{99};
    for (int i = 0; i < 5000; ++i) {
        Bytes key(32);
        for (auto& byte : key)
            byte = static_cast<std::uint8_t>(rng());
        ASSERT_TRUE(trie.put(key, Bytes(40, 0xab)).has_value());
    }
    store.save(trie.commit());
    const Hash32 root = trie.root_hash();

    Trie reopened{&store, root};
    Bytes key(32);
    for (auto& byte : key)
        byte = static_cast<std::uint8_t>(rng());
    ASSERT_TRUE(reopened.put(key, Bytes(40, 0xcd)).has_value());
    const auto written = reopened.commit();
    // One new leaf plus the branches above it: about log16(5000) + 2 nodes, never the
    // thousands a full rehash would write.
    EXPECT_GE(written.size(), 2U);
    EXPECT_LE(written.size(), 6U);
}

TEST(Trie, MissingNodeIsATypedError) {
    MapNodeStore store;
    Trie trie{&store};
    for (int i = 0; i < 100; ++i) {
        const Bytes key = to_bytes(crypto::keccak256(Bytes{static_cast<std::uint8_t>(i)}));
        ASSERT_TRUE(trie.put(key, Bytes(40, 1)).has_value());
    }
    const Hash32 root = trie.root_hash();
    store.save(trie.commit());
    store.drop(root);
    Trie broken{&store, root};
    EXPECT_EQ(broken.get(as_bytes("x")).error(), TrieError::kMissingNode);
    EXPECT_EQ(broken.put(as_bytes("x"), as_bytes("y")).error(), TrieError::kMissingNode);
}

TEST(TrieProof, InclusionAndExclusionProofsVerify) {
    std::mt19937_64 rng{5};
    Trie trie;
    Model model;
    for (int i = 0; i < 300; ++i) {
        Bytes key = random_bytes(rng, 1, 8);
        Bytes value = random_bytes(rng, 1, 40);
        ASSERT_TRUE(trie.put(key, value).has_value());
        model[key] = value;
    }
    const Hash32 root = trie.root_hash();
    for (const auto& [key, value] : model) {
        auto proof = trie.prove(key);
        ASSERT_TRUE(proof.has_value());
        auto verified = verify_proof(root, key, *proof);
        ASSERT_TRUE(verified.has_value());
        ASSERT_TRUE(verified->has_value());
        EXPECT_EQ(**verified, value);
    }
    int absent = 0;
    for (int i = 0; i < 300; ++i) {
        Bytes key = random_bytes(rng, 1, 8);
        if (model.count(key) != 0) continue;
        ++absent;
        auto proof = trie.prove(key);
        ASSERT_TRUE(proof.has_value());
        auto verified = verify_proof(root, key, *proof);
        ASSERT_TRUE(verified.has_value());
        EXPECT_FALSE(verified->has_value());
    }
    EXPECT_GT(absent, 10);
}

TEST(TrieProof, TamperedOrIncompleteProofsFail) {
    Trie trie;
    for (int i = 0; i < 200; ++i) {
        const Bytes key = to_bytes(crypto::keccak256(Bytes{static_cast<std::uint8_t>(i)}));
        ASSERT_TRUE(trie.put(key, Bytes(40, static_cast<std::uint8_t>(i))).has_value());
    }
    const Hash32 root = trie.root_hash();
    const Bytes key = to_bytes(crypto::keccak256(Bytes{7}));
    auto proof = *trie.prove(key);
    ASSERT_GE(proof.size(), 2U);

    // Any flipped byte changes a node's hash, so the path breaks.
    for (std::size_t element = 0; element < proof.size(); ++element) {
        auto tampered = proof;
        tampered[element][tampered[element].size() / 2] ^= 0x01;
        auto verified = verify_proof(root, key, tampered);
        EXPECT_FALSE(verified.has_value() && verified->has_value() && **verified == Bytes(40, 7))
            << "element " << element;
    }
    auto truncated = proof;
    truncated.pop_back();
    EXPECT_EQ(verify_proof(root, key, truncated).error(), ProofError::kMissingNode);
    EXPECT_EQ(verify_proof(crypto::keccak256(as_bytes("other root")), key, proof).error(),
              ProofError::kMissingNode);
    EXPECT_EQ(verify_proof(root, key, {}).error(), ProofError::kMissingNode);
    // The empty trie proves every key absent with an empty proof.
    auto empty = verify_proof(kEmptyRoot, key, {});
    ASSERT_TRUE(empty.has_value());
    EXPECT_FALSE(empty->has_value());
}

TEST(HexPrefix, MalformedEncodingsAreTypedErrors) {
    EXPECT_EQ(hex_prefix_decode({}).error(), HexPrefixError::kEmpty);
    EXPECT_EQ(hex_prefix_decode(Bytes{0x40}).error(), HexPrefixError::kInvalidFlag);
    EXPECT_EQ(hex_prefix_decode(Bytes{0x01}).error(), HexPrefixError::kNonZeroPadding);
    EXPECT_EQ(hex_prefix_decode(Bytes{0x2f}).error(), HexPrefixError::kNonZeroPadding);
    auto odd_leaf = hex_prefix_decode(Bytes{0x3a, 0xbc});
    ASSERT_TRUE(odd_leaf.has_value());
    EXPECT_TRUE(odd_leaf->is_leaf);
    EXPECT_EQ(odd_leaf->nibbles, (Nibbles{0xa, 0xb, 0xc}));
}

}  // namespace
}  // namespace qtm::trie
