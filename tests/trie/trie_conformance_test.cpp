// ethereum/tests TrieTests and BasicTests/hexencodetest.json, every case counted.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "base/hex.hpp"
#include "crypto/keccak.hpp"
#include "trie/nibbles.hpp"
#include "trie/trie.hpp"

namespace qtm::trie {
namespace {

const std::string kEthereumTests = std::string{QTM_TESTDATA_DIR} + "/ethereum/";

nlohmann::json load_json(const std::string& path) {
    std::ifstream in{path};
    EXPECT_TRUE(in.good()) << "cannot open " << path;
    return nlohmann::json::parse(in);
}

// TrieTests strings are raw text unless they start with 0x, then hex.
Bytes decode_text(const nlohmann::json& value) {
    const auto text = value.get<std::string>();
    if (text.rfind("0x", 0) == 0) {
        auto bytes = from_hex(text, HexPrefix::kRequired);
        EXPECT_TRUE(bytes.has_value()) << "bad hex in fixture: " << text;
        return bytes ? *bytes : Bytes{};
    }
    return Bytes(text.begin(), text.end());
}

struct Counts {
    int passed{0};
    int failed{0};
    int skipped{0};
    void print(const std::string& file) const {
        std::cout << "[counts] TrieTests/" << file << ": " << passed << " passed, " << failed
                  << " failed, " << skipped << " skipped\n";
    }
};

void apply(Trie& trie, const Bytes& key, const nlohmann::json& value, bool secure) {
    const Bytes effective_key = secure ? to_bytes(crypto::keccak256(key)) : key;
    if (value.is_null()) {
        ASSERT_TRUE(trie.erase(effective_key).has_value());
    } else {
        ASSERT_TRUE(trie.put(effective_key, decode_text(value)).has_value());
    }
}

// Runs every case of one file: `in` is a list of [key, value] pairs applied in order, or
// an object (any order).
Counts run_file(const std::string& file, bool secure) {
    Counts counts;
    const auto fixtures = load_json(kEthereumTests + "TrieTests/" + file);
    for (const auto& [name, fixture] : fixtures.items()) {
        Trie trie;
        if (fixture["in"].is_array()) {
            for (const auto& pair : fixture["in"])
                apply(trie, decode_text(pair[0]), pair[1], secure);
        } else {
            for (const auto& [key, value] : fixture["in"].items()) {
                apply(trie, decode_text(nlohmann::json(key)), value, secure);
            }
        }
        const auto expected = from_hex_fixed<32>(fixture["root"].get<std::string>());
        const bool ok = expected.has_value() && trie.root_hash() == *expected;
        EXPECT_TRUE(ok) << file << " / " << name << ": root " << to_hex(trie.root_hash());
        ok ? ++counts.passed : ++counts.failed;
    }
    counts.print(file);
    return counts;
}

TEST(TrieTests, PlainTrieInOrder) {
    EXPECT_EQ(run_file("trietest.json", false).failed, 0);
}
TEST(TrieTests, PlainTrieAnyOrder) {
    EXPECT_EQ(run_file("trieanyorder.json", false).failed, 0);
}
TEST(TrieTests, SecureTrieInOrder) {
    EXPECT_EQ(run_file("trietest_secureTrie.json", true).failed, 0);
}
TEST(TrieTests, SecureTrieAnyOrder) {
    EXPECT_EQ(run_file("trieanyorder_secureTrie.json", true).failed, 0);
}
TEST(TrieTests, HexEncodedSecureTrie) {
    // Keys and values are hex here; decode_text handles the 0x prefix.
    EXPECT_EQ(run_file("hex_encoded_securetrie_test.json", true).failed, 0);
}

TEST(TrieTests, NextPrevIsSkippedWithReason) {
    const auto fixtures = load_json(kEthereumTests + "TrieTests/trietestnextprev.json");
    Counts counts;
    counts.skipped = static_cast<int>(fixtures.size());
    std::cout << "[skipped] trietestnextprev.json: go-ethereum iterator test; src/trie has no "
                 "ordered iterator (the flat state in src/storage is iterated instead)\n";
    counts.print("trietestnextprev.json");
    EXPECT_GT(counts.skipped, 0);
}

TEST(BasicTests, HexPrefixEncoding) {
    Counts counts;
    const auto fixtures = load_json(kEthereumTests + "BasicTests/hexencodetest.json");
    for (const auto& [name, fixture] : fixtures.items()) {
        Nibbles nibbles;
        for (const auto& nibble : fixture["seq"])
            nibbles.push_back(nibble.get<std::uint8_t>());
        const bool is_leaf = fixture["term"].get<bool>();
        const Bytes encoded = hex_prefix_encode(nibbles, is_leaf);
        const auto decoded = hex_prefix_decode(encoded);
        const bool ok = to_hex(encoded, false) == fixture["out"].get<std::string>() &&
                        decoded.has_value() && decoded->nibbles == nibbles &&
                        decoded->is_leaf == is_leaf;
        EXPECT_TRUE(ok) << name;
        ok ? ++counts.passed : ++counts.failed;
    }
    std::cout << "[counts] BasicTests/hexencodetest.json: " << counts.passed << " passed, "
              << counts.failed << " failed, 0 skipped\n";
    EXPECT_GT(counts.passed, 0);
}

}  // namespace
}  // namespace qtm::trie
