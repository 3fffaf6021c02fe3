// `qtm snapshot export / import` against real `qtmd --dev` processes: a snapshot taken
// beside a running node (with a registered key, a transfer and the staking contract's
// storage in its state) imports into a new data directory that `qtm db check` passes, on
// which a node starts from the snapshot's block, serves the same balances, and goes on
// producing and mining; damaged, truncated and reordered files are refused naming the
// chunk, and nothing is left behind.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "base/endian.hpp"
#include "base/hex.hpp"
#include "node_support.hpp"

namespace qtm {
namespace {

using test::Json;
using test::QtmdProcess;

constexpr const char* kRecipient = "0x3333333333333333333333333333333333333333";

Bytes read_file(const std::filesystem::path& path) {
    std::ifstream in{path, std::ios::binary};
    return Bytes(std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{});
}

void write_file(const std::filesystem::path& path, const Bytes& bytes) {
    std::ofstream out{path, std::ios::binary | std::ios::trunc};
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
}

// Byte offsets of the chunk frames (after the magic and the manifest frame).
std::vector<std::pair<std::size_t, std::size_t>> chunk_frames(const Bytes& file) {
    std::vector<std::pair<std::size_t, std::size_t>> frames;
    std::size_t at = 8 + 4 + load_be32(file.data() + 8);
    while (at + 4 <= file.size()) {
        const std::size_t length = load_be32(file.data() + at);
        frames.emplace_back(at, 4 + length);
        at += 4 + length;
    }
    return frames;
}

class QtmSnapshot : public ::testing::Test {
protected:
    test::TestDir dir_{"qtm-snapshot"};
    std::filesystem::path path(const char* name) const { return dir_.path() / name; }
};

TEST_F(QtmSnapshot, ExportBesideARunningNodeImportAndContinue) {
    std::uint64_t height = 0;
    std::string balance;
    std::string from;
    std::string block_hash;
    {
        QtmdProcess node{path("data"), {"--block-time", "0.3"}};
        from = node.call("eth_accounts").at("result").at(0).get<std::string>();
        const std::string hash = test::send_value(node, from, kRecipient, "0x7");
        ASSERT_FALSE(hash.empty());
        ASSERT_FALSE(test::wait_for_receipt(node, hash).is_null());
        const auto exported =
            test::run_qtm("snapshot export --quiet --chunk-bytes 1024 " + path("data").string() +
                          " " + path("state.snap").string());
        ASSERT_EQ(exported.status, 0) << exported.out << exported.err;
        std::smatch match;
        ASSERT_TRUE(std::regex_search(exported.out, match, std::regex{"exported block ([0-9]+)"}))
            << exported.out;
        height = std::stoull(match[1]);
        EXPECT_NE(exported.out.find("code and keys 1,"), std::string::npos) << exported.out;
        balance = node.call("eth_getBalance", Json::array({kRecipient, test::hex_quantity(height)}))
                      .at("result")
                      .get<std::string>();
        block_hash =
            node.call("eth_getBlockByNumber", Json::array({test::hex_quantity(height), false}))
                .at("result")
                .at("hash")
                .get<std::string>();
        EXPECT_EQ(node.terminate(SIGTERM), 0);
    }
    ASSERT_NE(balance, "0x0");

    // The trust anchor: another block's hash is refused before anything is kept; a malformed
    // one is refused as such; the node's own hash for that height is accepted.
    const std::string other_hash = "0x" + std::string(64, '1');
    const auto untrusted =
        test::run_qtm("snapshot import --quiet --block-hash " + other_hash + " " +
                      path("state.snap").string() + " " + path("copy").string());
    EXPECT_NE(untrusted.status, 0);
    EXPECT_NE(untrusted.err.find("not of the trusted block " + other_hash), std::string::npos)
        << untrusted.err;
    EXPECT_FALSE(std::filesystem::exists(path("copy")) && !std::filesystem::is_empty(path("copy")));
    const auto malformed = test::run_qtm("snapshot import --quiet --block-hash 0x12 " +
                                         path("state.snap").string() + " " + path("copy").string());
    EXPECT_NE(malformed.status, 0);
    EXPECT_NE(malformed.err.find("is not a 32-byte hex hash"), std::string::npos) << malformed.err;
    const auto imported = test::run_qtm("snapshot import --quiet --block-hash " + block_hash + " " +
                                        path("state.snap").string() + " " + path("copy").string());
    ASSERT_EQ(imported.status, 0) << imported.out << imported.err;
    EXPECT_NE(imported.out.find("trust      the block hash is the one given with --block-hash"),
              std::string::npos)
        << imported.out;
    EXPECT_NE(imported.out.find("imported block " + std::to_string(height) + " "),
              std::string::npos)
        << imported.out;
    EXPECT_FALSE(std::filesystem::exists(path("copy").string() + ".importing"));
    const auto checked = test::run_qtm("db check --quiet " + path("copy").string());
    EXPECT_EQ(checked.status, 0) << checked.out << checked.err;
    EXPECT_NE(checked.out.find("history: starts at block " + std::to_string(height)),
              std::string::npos)
        << checked.out;

    QtmdProcess node{path("copy"), {"--block-time", "0.3"}};
    EXPECT_GE(test::block_number(node), height);
    EXPECT_EQ(node.call("eth_getBalance", Json::array({kRecipient, "latest"})).at("result"),
              balance);
    // The registered key came with the snapshot: the sender's next transfer needs it.
    const std::string hash = test::send_value(node, from, kRecipient, "0x7");
    ASSERT_FALSE(hash.empty());
    const Json receipt = test::wait_for_receipt(node, hash);
    ASSERT_FALSE(receipt.is_null());
    EXPECT_GT(std::stoull(receipt.at("blockNumber").get<std::string>(), nullptr, 16), height);
    EXPECT_EQ(receipt.at("status"), "0x1");
    EXPECT_EQ(node.terminate(SIGTERM), 0);
}

TEST_F(QtmSnapshot, DamagedTruncatedAndReorderedFilesAreRefusedNamingTheChunk) {
    {
        QtmdProcess node{path("data"), {"--block-time", "0.2"}};
        ASSERT_TRUE(test::wait_until([&] { return test::block_number(node) >= 2; },
                                     std::chrono::seconds{30}));
        EXPECT_EQ(node.terminate(SIGTERM), 0);
    }
    const auto exported = test::run_qtm("snapshot export --quiet --chunk-bytes 512 " +
                                        path("data").string() + " " + path("good.snap").string());
    ASSERT_EQ(exported.status, 0) << exported.out << exported.err;
    const Bytes good = read_file(path("good.snap"));
    const auto frames = chunk_frames(good);
    ASSERT_GE(frames.size(), 3U);
    const std::string count = std::to_string(frames.size());

    const auto refused = [&](const Bytes& bytes, const std::string& expected) {
        write_file(path("bad.snap"), bytes);
        const auto run = test::run_qtm("snapshot import --quiet " + path("bad.snap").string() +
                                       " " + path("target").string());
        EXPECT_EQ(run.status, 1);
        EXPECT_NE(run.err.find(expected), std::string::npos) << run.err;
        EXPECT_NE(run.err.find("nothing imported"), std::string::npos) << run.err;
        EXPECT_FALSE(std::filesystem::exists(path("target")));
        EXPECT_FALSE(std::filesystem::exists(path("target").string() + ".importing"));
    };
    Bytes damaged = good;
    damaged[frames[1].first + frames[1].second / 2] ^= 0x40;
    refused(damaged, "chunk 1 of " + count + ": its hash");

    Bytes truncated(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(frames[2].first + 10));
    refused(truncated, "chunk 2 of " + count + ": the file ends after");

    Bytes reordered(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(frames[0].first));
    for (const std::size_t i : {1UL, 0UL}) {
        reordered.insert(
            reordered.end(), good.begin() + static_cast<std::ptrdiff_t>(frames[i].first),
            good.begin() + static_cast<std::ptrdiff_t>(frames[i].first + frames[i].second));
    }
    reordered.insert(reordered.end(), good.begin() + static_cast<std::ptrdiff_t>(frames[2].first),
                     good.end());
    refused(reordered, "chunk 0 of " + count + ": its hash");

    // The good file still imports after all that.
    const auto imported = test::run_qtm("snapshot import --quiet " + path("good.snap").string() +
                                        " " + path("target").string());
    EXPECT_EQ(imported.status, 0) << imported.out << imported.err;
}

}  // namespace
}  // namespace qtm
