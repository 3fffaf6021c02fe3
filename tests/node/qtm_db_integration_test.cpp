// `qtm db check / repair / backup / restore` against real `qtmd --dev` processes: a check
// beside a running node, damage found and repaired after it stops, and an online backup
// taken under transaction load that restores into a new data directory on which a node
// starts with the same head, state root and receipts, and goes on producing.
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "base/hex.hpp"
#include "chain/block_file.hpp"
#include "node_support.hpp"
#include "storage/database.hpp"

namespace qtm {
namespace {

using test::Json;
using test::QtmdProcess;

constexpr const char* kRecipient = "0x2222222222222222222222222222222222222222";

Json block_at(const QtmdProcess& node, std::uint64_t number) {
    std::ostringstream hex;
    hex << "0x" << std::hex << number;
    return node.call("eth_getBlockByNumber", Json::array({hex.str(), false})).at("result");
}

class QtmDb : public ::testing::Test {
protected:
    test::TestDir dir_{"qtm-db"};
    std::filesystem::path data() const { return dir_.path() / "data"; }
};

TEST_F(QtmDb, CheckBesideARunningNodeThenDamageFoundAndRepaired) {
    std::string hash;
    {
        QtmdProcess node{data(), {"--block-time", "0.5"}};
        const std::string from = node.call("eth_accounts").at("result").at(0).get<std::string>();
        hash = test::send_value(node, from, kRecipient, "0x1");
        ASSERT_FALSE(hash.empty());
        ASSERT_FALSE(test::wait_for_receipt(node, hash).is_null());
        const auto live = test::run_qtm("db check --quiet " + data().string());
        EXPECT_EQ(live.status, 0) << live.out << live.err;
        EXPECT_NE(live.out.find("ok: no problems found"), std::string::npos) << live.out;
        EXPECT_EQ(node.terminate(SIGTERM), 0);
    }
    // Lose the receipts of the block holding the transfer.
    std::string block_hash;
    {
        auto db = *storage::open_rocksdb(data().string(), {.create_if_missing = false});
        Bytes txn = *from_hex(hash);
        auto location = *db->get(storage::Column::kTxnLookup, txn);
        ASSERT_TRUE(location.has_value());
        Bytes number(location->begin(), location->begin() + 8);
        const Bytes block = **db->get(storage::Column::kCanonical, number);
        block_hash = to_hex(block);
        storage::WriteBatch batch;
        batch.erase(storage::Column::kReceipts, block);
        ASSERT_TRUE(db->write(batch, true).has_value());
    }
    const auto damaged = test::run_qtm("db check --quiet " + data().string());
    EXPECT_EQ(damaged.status, 1);
    EXPECT_NE(damaged.out.find(block_hash + "): receipts missing from the receipts column"),
              std::string::npos)
        << damaged.out;
    EXPECT_NE(damaged.out.find("1 problem:"), std::string::npos) << damaged.out;

    const auto repaired = test::run_qtm("db repair " + data().string());
    EXPECT_EQ(repaired.status, 0) << repaired.out << repaired.err;
    EXPECT_NE(repaired.out.find("replayed blocks"), std::string::npos) << repaired.out;
    EXPECT_NE(repaired.out.find("ok: the database is consistent"), std::string::npos);
    const auto again = test::run_qtm("db check --quiet " + data().string());
    EXPECT_EQ(again.status, 0) << again.out;

    QtmdProcess node{data(), {"--block-time", "0.5"}};
    const Json receipt = node.call("eth_getTransactionReceipt", Json::array({hash})).at("result");
    ASSERT_TRUE(receipt.is_object()) << receipt.dump();
    EXPECT_EQ(receipt.at("status"), "0x1");
}

TEST_F(QtmDb, OnlineBackupUnderLoadRestoresToANodeThatGoesOn) {
    const auto secret = dir_.path() / "jwt.hex";
    QtmdProcess node{
        data(),
        {"--block-time", "0.5", "--authrpc-port", "0", "--authrpc-jwtsecret", secret.string()}};
    ASSERT_NE(node.admin_port(), 0);
    const Json accounts = node.call("eth_accounts").at("result");
    std::atomic<bool> stop{false};
    std::vector<std::string> sent;
    std::thread load{[&] {
        for (std::size_t i = 0; !stop; ++i) {
            auto hash = test::send_value(node, accounts.at(i % accounts.size()).get<std::string>(),
                                         kRecipient, "0x1");
            if (!hash.empty()) sent.push_back(hash);
            std::this_thread::sleep_for(std::chrono::milliseconds{20});
        }
    }};
    ASSERT_TRUE(
        test::wait_until([&] { return test::block_number(node) >= 3; }, std::chrono::seconds{30}));
    const auto backup_dir = dir_.path() / "backup";
    const auto backup =
        test::run_qtm("db backup --rpc http://127.0.0.1:" + std::to_string(node.admin_port()) +
                      " --jwt-secret " + secret.string() + " " + backup_dir.string());
    ASSERT_EQ(backup.status, 0) << backup.out << backup.err;
    std::smatch match;
    ASSERT_TRUE(std::regex_search(backup.out, match, std::regex{"block +(0x[0-9a-f]+)"}))
        << backup.out;
    const std::uint64_t backed_up = std::stoull(match[1].str(), nullptr, 16);
    // The node went on meanwhile; let it make a few more blocks under load, then stop it.
    ASSERT_TRUE(test::wait_until([&] { return test::block_number(node) >= backed_up + 2; },
                                 std::chrono::seconds{30}));
    stop = true;
    load.join();
    const Json original = block_at(node, backed_up);
    std::vector<Json> receipts;
    for (const auto& hash : sent) {
        const Json receipt =
            node.call("eth_getTransactionReceipt", Json::array({hash})).at("result");
        if (receipt.is_object() &&
            std::stoull(receipt.at("blockNumber").get<std::string>(), nullptr, 16) <= backed_up) {
            receipts.push_back(receipt);
        }
    }
    EXPECT_FALSE(receipts.empty()) << "the backup should hold some of the load's transactions";
    EXPECT_EQ(node.terminate(SIGTERM), 0);

    const auto restored_dir = dir_.path() / "restored";
    const auto restore =
        test::run_qtm("db restore " + backup_dir.string() + " " + restored_dir.string());
    ASSERT_EQ(restore.status, 0) << restore.out << restore.err;
    EXPECT_NE(restore.out.find("restored block " + std::to_string(backed_up)), std::string::npos)
        << restore.out;
    // Restoring over an existing data directory is refused.
    const auto twice =
        test::run_qtm("db restore " + backup_dir.string() + " " + restored_dir.string());
    EXPECT_EQ(twice.status, 1);
    EXPECT_NE(twice.err.find("exists and is not empty"), std::string::npos) << twice.err;

    // A backup with a truncated table file is refused by the check and by restore.
    const auto damaged_dir = dir_.path() / "damaged";
    std::filesystem::copy(backup_dir, damaged_dir, std::filesystem::copy_options::recursive);
    std::filesystem::path largest;
    for (const auto& entry : std::filesystem::directory_iterator{damaged_dir}) {
        if (entry.path().extension() == ".sst" &&
            (largest.empty() || entry.file_size() > std::filesystem::file_size(largest))) {
            largest = entry.path();
        }
    }
    ASSERT_FALSE(largest.empty()) << "a checkpoint holds flushed table files";
    std::filesystem::resize_file(largest, std::filesystem::file_size(largest) / 2);
    const auto truncated = test::run_qtm("db check --quiet " + damaged_dir.string());
    EXPECT_EQ(truncated.status, 1);
    EXPECT_NE((truncated.out + truncated.err).find("corrupt"), std::string::npos)
        << truncated.out << truncated.err;
    const auto refused =
        test::run_qtm("db restore " + damaged_dir.string() + " " + (dir_.path() / "x").string());
    EXPECT_EQ(refused.status, 1);
    EXPECT_FALSE(std::filesystem::exists(dir_.path() / "x"));

    QtmdProcess copy{restored_dir, {"--block-time", "0.5"}};
    const Json restored = block_at(copy, backed_up);
    EXPECT_EQ(restored.at("hash"), original.at("hash"));
    EXPECT_EQ(restored.at("stateRoot"), original.at("stateRoot"));
    for (const auto& receipt : receipts) {
        const Json again =
            copy.call("eth_getTransactionReceipt", Json::array({receipt.at("transactionHash")}))
                .at("result");
        EXPECT_EQ(again, receipt);
    }
    // It goes on producing, with new transactions.
    const auto hash = test::send_value(copy, accounts.at(0).get<std::string>(), kRecipient, "0x1");
    ASSERT_FALSE(hash.empty());
    EXPECT_FALSE(test::wait_for_receipt(copy, hash).is_null());
    EXPECT_GT(test::block_number(copy), backed_up);
}

// Incremental backups (qtm db backup --incremental) of a node under load: the second copies
// less than the first, `qtm db backups` lists both with their blocks, and each restores to
// exactly its block.
TEST_F(QtmDb, IncrementalBackupsUnderLoadRestoreEachToItsBlock) {
    const auto secret = dir_.path() / "jwt.hex";
    QtmdProcess node{
        data(),
        {"--block-time", "0.3", "--authrpc-port", "0", "--authrpc-jwtsecret", secret.string()}};
    const Json accounts = node.call("eth_accounts").at("result");
    std::atomic<bool> stop{false};
    std::thread load{[&] {
        for (std::size_t i = 0; !stop; ++i) {
            (void)test::send_value(node, accounts.at(i % accounts.size()).get<std::string>(),
                                   kRecipient, "0x1");
            std::this_thread::sleep_for(std::chrono::milliseconds{10});
        }
    }};
    const auto backups = dir_.path() / "backups";
    const auto backup_once = [&](std::uint64_t& number, std::uint64_t& added) {
        const auto made = test::run_qtm(
            "db backup --incremental --rpc http://127.0.0.1:" + std::to_string(node.admin_port()) +
            " --jwt-secret " + secret.string() + " " + backups.string());
        ASSERT_EQ(made.status, 0) << made.out << made.err;
        std::smatch match;
        ASSERT_TRUE(std::regex_search(made.out, match, std::regex{"block +(0x[0-9a-f]+)"}))
            << made.out;
        number = std::stoull(match[1].str(), nullptr, 16);
        ASSERT_TRUE(std::regex_search(made.out, match, std::regex{"added +([0-9]+) bytes"}))
            << made.out;
        added = std::stoull(match[1].str());
    };
    ASSERT_TRUE(
        test::wait_until([&] { return test::block_number(node) >= 3; }, std::chrono::seconds{30}));
    std::uint64_t first = 0;
    std::uint64_t first_added = 0;
    backup_once(first, first_added);
    ASSERT_TRUE(test::wait_until([&] { return test::block_number(node) >= first + 3; },
                                 std::chrono::seconds{30}));
    std::uint64_t second = 0;
    std::uint64_t second_added = 0;
    backup_once(second, second_added);
    stop = true;
    load.join();
    EXPECT_GT(second, first);
    EXPECT_GT(first_added, 0U);
    EXPECT_LT(second_added, first_added) << "the second backup should share the first's files";
    const Json first_block = block_at(node, first);
    const Json second_block = block_at(node, second);
    EXPECT_EQ(node.terminate(SIGTERM), 0);

    const auto listed = test::run_qtm("db backups " + backups.string());
    ASSERT_EQ(listed.status, 0) << listed.out << listed.err;
    EXPECT_NE(listed.out.find("block " + std::to_string(first) + " " +
                              first_block.at("hash").get<std::string>()),
              std::string::npos)
        << listed.out;
    EXPECT_NE(listed.out.find("block " + std::to_string(second) + " "), std::string::npos)
        << listed.out;

    const auto restore = [&](const std::string& extra, const std::string& name,
                             std::uint64_t number, const Json& block) {
        const auto restored = test::run_qtm("db restore " + extra + backups.string() + " " +
                                            (dir_.path() / name).string());
        ASSERT_EQ(restored.status, 0) << restored.out << restored.err;
        EXPECT_NE(restored.out.find("restored block " + std::to_string(number) + " (" +
                                    block.at("hash").get<std::string>() + ")"),
                  std::string::npos)
            << restored.out;
    };
    restore("--backup-id 1 ", "old", first, first_block);
    restore("", "latest", second, second_block);
    const auto unknown = test::run_qtm("db restore --backup-id 9 " + backups.string() + " " +
                                       (dir_.path() / "none").string());
    EXPECT_EQ(unknown.status, 1);
    EXPECT_NE(unknown.err.find("has no backup 9 (it has 1, 2)"), std::string::npos) << unknown.err;
    EXPECT_FALSE(std::filesystem::exists(dir_.path() / "none"));

    // Keeping the newest one: backup 1 is gone, the latest still restores.
    const auto kept = test::run_qtm("db backups --keep 1 " + backups.string());
    ASSERT_EQ(kept.status, 0) << kept.out << kept.err;
    EXPECT_NE(kept.out.find("deleted 1 old backups"), std::string::npos) << kept.out;
    EXPECT_EQ(kept.out.find("block " + std::to_string(first) + " "), std::string::npos) << kept.out;
    restore("", "latest-again", second, second_block);

    QtmdProcess old_node{dir_.path() / "old", {"--block-time", "0.3"}};
    EXPECT_EQ(block_at(old_node, first).at("stateRoot"), first_block.at("stateRoot"));
}

TEST_F(QtmDb, ExportThenImportReexecutesAndStopsAtTheFirstInvalidBlock) {
    std::string hash;
    std::uint64_t head = 0;
    {
        QtmdProcess node{data(), {"--block-time", "0.5"}};
        const std::string from = node.call("eth_accounts").at("result").at(0).get<std::string>();
        hash = test::send_value(node, from, kRecipient, "0x1");
        ASSERT_FALSE(test::wait_for_receipt(node, hash).is_null());
        EXPECT_EQ(node.terminate(SIGTERM), 0);
    }
    const auto file = dir_.path() / "blocks.rlp";
    const auto exported = test::run_qtm("chain export " + data().string() + " " + file.string());
    ASSERT_EQ(exported.status, 0) << exported.err;
    std::smatch match;
    ASSERT_TRUE(std::regex_search(exported.out, match, std::regex{"blocks 0 to ([0-9]+)"}));
    head = std::stoull(match[1].str());

    const auto imported_dir = dir_.path() / "imported";
    const auto imported =
        test::run_qtm("chain import " + file.string() + " " + imported_dir.string());
    ASSERT_EQ(imported.status, 0) << imported.out << imported.err;
    EXPECT_NE(imported.out.find("imported " + std::to_string(head) + " blocks (1 already present)"),
              std::string::npos)
        << imported.out;
    const auto checked = test::run_qtm("db check --quiet " + imported_dir.string());
    EXPECT_EQ(checked.status, 0) << checked.out;
    // Importing the same file again finds every block present.
    const auto again = test::run_qtm("chain import " + file.string() + " " + imported_dir.string());
    EXPECT_EQ(again.status, 0) << again.err;
    EXPECT_NE(
        again.out.find("imported 0 blocks (" + std::to_string(head + 1) + " already present)"),
        std::string::npos)
        << again.out;

    // A file whose transfer was altered (its value) after signing.
    std::vector<chain::Block> blocks;
    {
        std::ifstream in{file, std::ios::binary};
        chain::BlockFileReader reader{in};
        for (auto next = reader.next(); next && *next; next = reader.next())
            blocks.push_back(**next);
    }
    ASSERT_EQ(blocks.size(), head + 1);
    std::uint64_t altered = 0;
    for (auto& block : blocks) {
        if (block.transactions.empty()) continue;
        block.transactions[0].value = block.transactions[0].value + U256{1};
        altered = block.header.number;
        break;
    }
    ASSERT_NE(altered, 0U);
    const auto bad_file = dir_.path() / "altered.rlp";
    {
        std::ofstream out{bad_file, std::ios::binary};
        for (const auto& block : blocks)
            chain::write_block_frame(out, block);
    }
    const auto refused =
        test::run_qtm("chain import " + bad_file.string() + " " + (dir_.path() / "other").string());
    EXPECT_EQ(refused.status, 1);
    const std::string expected = "block " + std::to_string(altered) + " (" +
                                 to_hex(chain::block_hash(blocks[altered].header)) +
                                 ") is invalid: invalid block: transaction 0: ";
    EXPECT_NE(refused.err.find(expected), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("; imported " + std::to_string(altered - 1) + " blocks"),
              std::string::npos)
        << refused.err;
}

}  // namespace
}  // namespace qtm
