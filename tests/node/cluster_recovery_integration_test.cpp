// Recovery of a real validator network (four qtmd processes from `qtm testnet init`):
// - a full node started from an empty data directory syncs to the head from the validators
//   and keeps following;
// - a validator killed (SIGKILL) while transfers flow catches up after a restart, and no
//   evidence appears against it (it is not slashed, not jailed); every database passes
//   `qtm db check` after a clean stop;
// - a few crash cycles of random validators under load (the bounded run of
//   cluster_crash_slow_test.cpp);
// - a twin (a second process with validator k's keystore) double-signs: the evidence is
//   gossiped and included, k is slashed and tombstoned (Slashed and Tombstoned logs from the
//   staking address, jailed in qtm_getValidators), and the other three go on without it.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <string>
#include <thread>

#include "base/hex.hpp"
#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"
#include "chain/staking/contract.hpp"
#include "chain/transaction.hpp"
#include "cluster_support.hpp"
#include "recovery_support.hpp"

namespace qtm {
namespace {

using test::Json;
namespace signature = chain::staking::signature;

constexpr std::uint64_t kChainId = 9944;

test::ClusterOptions options(std::uint32_t base_port, const std::string& prefix) {
    return test::ClusterOptions{.validators = 4,
                                .chain_id = kChainId,
                                .block_time_ms = 1000,
                                .base_port = base_port,
                                .prefix = prefix};
}

std::string lower(std::string text) {
    for (char& c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// The 32-byte topic of an address (left-padded), lower-case hex.
std::string address_topic(const std::string& address) {
    return "0x000000000000000000000000" + lower(address).substr(2);
}

TEST(ClusterRecovery, FullNodeSyncsFromScratchAndFollows) {
    test::Cluster net{options(23600, "qtm-recovery-full")};
    test::start_all_nodes(net);
    ASSERT_TRUE(net.all_reach({0, 1, 2, 3}, 10, std::chrono::seconds{120})) << net.logs();

    // No validator keystore, its own ports, data directory and node key; the validators
    // as persistent peers.
    const auto toml = test::write_extra_node(net, "full", 23640);
    auto full = test::start_extra_node(toml, 23640);
    EXPECT_NE(full->output().find("full node"), std::string::npos) << full->output();
    EXPECT_NE(full->output().find("Validator     none"), std::string::npos);
    EXPECT_NE(full->output().find("Head          block 0 "), std::string::npos);

    const std::uint64_t head = test::block_number(net.node(0));
    ASSERT_TRUE(test::wait_until([&] { return test::block_number(*full) >= head; },
                                 std::chrono::seconds{60}))
        << "full node at " << test::block_number(*full) << ", head " << head << "\n"
        << full->current_output() << net.logs();
    for (std::uint64_t number = 1; number <= head; ++number)
        EXPECT_EQ(test::block_hash_at(*full, number), net.hash_at(0, number)) << number;

    // It follows: later blocks appear on it too, the same ones.
    const std::uint64_t later = test::block_number(net.node(0)) + 3;
    ASSERT_TRUE(test::wait_until([&] { return test::block_number(*full) >= later; },
                                 std::chrono::seconds{60}))
        << full->current_output();
    EXPECT_EQ(test::block_hash_at(*full, later), net.hash_at(1, later));

    // A transfer sent to the full node reaches the validators and is included.
    const chain::AccountKey sender{crypto::SignatureScheme::kMlDsa44, chain::dev_account_seed(0)};
    Address recipient{};
    recipient.fill(0x3c);
    const chain::Transaction tx = test::signed_transfer(sender, kChainId, 0, recipient, 99);
    const Json sent =
        full->call("eth_sendRawTransaction", Json::array({to_hex(chain::encode(tx))}));
    ASSERT_TRUE(sent.contains("result")) << sent.dump();
    Json receipt;
    ASSERT_TRUE(test::wait_until(
        [&] {
            receipt =
                net.node(2).call("eth_getTransactionReceipt", Json::array({sent.at("result")}));
            return receipt.contains("result") && !receipt.at("result").is_null();
        },
        std::chrono::seconds{60}))
        << full->current_output() << net.logs();
    EXPECT_EQ(receipt.at("result").at("status"), "0x1");
    const std::uint64_t included =
        std::stoull(receipt.at("result").at("blockNumber").get<std::string>(), nullptr, 16);
    ASSERT_TRUE(test::wait_until([&] { return test::block_number(*full) >= included; },
                                 std::chrono::seconds{60}));
    EXPECT_EQ(test::block_hash_at(*full, included), net.hash_at(2, included));

    const std::string output = full->current_output();
    EXPECT_EQ(full->terminate(SIGTERM), 0) << output;
    test::expect_db_check_passes(toml.parent_path() / "data");
}

TEST(ClusterRecovery, ValidatorKilledUnderLoadCatchesUpWithoutEvidence) {
    test::Cluster net{options(23700, "qtm-recovery-kill")};
    test::start_all_nodes(net);
    ASSERT_TRUE(net.all_reach({0, 1, 2, 3}, 3, std::chrono::seconds{120})) << net.logs();
    constexpr int kVictim = 2;
    test::TransferLoad load{net, kChainId, 1, 0};
    ASSERT_TRUE(test::wait_until([&] { return load.accepted() >= 5; }, std::chrono::seconds{60}));

    // Killed while transfers flow (to node 0, gossiped to all, in every proposal).
    net.kill(kVictim);
    const std::uint64_t at_kill = test::block_number(net.node(0));
    ASSERT_TRUE(net.all_reach({0, 1, 3}, at_kill + 5)) << net.logs();
    const std::uint64_t accepted_while_down = load.accepted();

    test::start_node(net, kVictim);
    const std::uint64_t target = test::block_number(net.node(0)) + 3;
    ASSERT_TRUE(net.all_reach({0, 1, 2, 3}, target)) << net.logs();
    for (std::uint64_t number : {at_kill, at_kill + 5, target})
        net.expect_same_block({0, 1, 2, 3}, number);
    load.stop();
    EXPECT_GT(load.accepted(), accepted_while_down) << "refused: " << load.refused();
    // The transfers were included: the sender's nonce moved on node 2 too.
    const Json count =
        net.node(kVictim).call("eth_getTransactionCount", Json::array({load.sender(), "latest"}));
    ASSERT_TRUE(count.contains("result")) << count.dump();
    EXPECT_GE(std::stoull(count.at("result").get<std::string>(), nullptr, 16), 5u);

    // No evidence against it: nobody saw it double-sign, nothing slashed, not jailed.
    for (int i = 0; i < 4; ++i) {
        EXPECT_FALSE(test::reports_double_signing(net.node(i).current_output())) << "node " << i;
        EXPECT_EQ(test::staking_logs(net.node(i), signature::kSlashed), Json::array());
        EXPECT_EQ(test::staking_logs(net.node(i), signature::kTombstoned), Json::array());
    }
    const Json entry = test::validator_entry(net.node(0), test::validator_address(net, kVictim));
    ASSERT_FALSE(entry.is_null());
    EXPECT_EQ(entry.at("jailed"), false) << entry.dump();
    EXPECT_EQ(entry.at("tombstoned"), false) << entry.dump();

    // Stopped cleanly, every data directory is consistent.
    for (int i = 0; i < 4; ++i) {
        EXPECT_EQ(net.stop(i, SIGTERM), 0) << "node " << i;
        test::expect_db_check_passes(net.node_dir(i) / "data");
    }
}

// The bounded run of the slow crash test (cluster_crash_slow_test.cpp): three cycles.
TEST(ClusterRecovery, CrashCyclesUnderLoad) {
    test::Cluster net{options(23650, "qtm-recovery-cycles")};
    test::run_crash_cycles(net, test::CrashCycles{.cycles = 3, .seed = 7, .chain_id = kChainId});
}

TEST(ClusterRecovery, TwinValidatorIsSlashedAndTheOthersGoOn) {
    test::Cluster net{options(23800, "qtm-recovery-twin")};
    test::start_all_nodes(net);
    ASSERT_TRUE(net.all_reach({0, 1, 2, 3}, 3, std::chrono::seconds{120})) << net.logs();
    constexpr int kTwin = 1;
    const std::string address = test::validator_address(net, kTwin);
    const Json before = test::validator_entry(net.node(0), address);
    ASSERT_FALSE(before.is_null());
    EXPECT_EQ(before.at("jailed"), false);
    const std::string operator_topic = address_topic(before.at("operator").get<std::string>());

    // Transfers sent to the original: the twin's pool lags it, so that their proposals
    // (and the votes for them) differ.
    test::TransferLoad load{net, kChainId, 3, kTwin, std::chrono::milliseconds{50}};
    const auto toml = test::write_extra_node(net, "twin", 23840, kTwin);
    auto twin = test::start_extra_node(toml, 23840);
    EXPECT_NE(twin->output().find("(genesis validator 1)"), std::string::npos) << twin->output();
    // And, so that the two never build the same block when validator 1 proposes: for each
    // nonce of one account, one transfer to the original and a different one (same nonce,
    // same fee) to the twin. Each pool keeps the one it saw first (the other is an
    // underpriced replacement), so the two copies' pools differ for as long as it runs.
    std::atomic<bool> stop_pairs{false};
    std::thread pairs{[&] {
        const chain::AccountKey key{crypto::SignatureScheme::kMlDsa44, chain::dev_account_seed(6)};
        const Json sender = to_hex(key.address());
        Address to_original{};
        to_original.fill(0x61);
        Address to_twin{};
        to_twin.fill(0x62);
        while (!stop_pairs) {
            try {
                const Json count =
                    net.node(0).call("eth_getTransactionCount", Json::array({sender, "latest"}));
                const std::uint64_t nonce =
                    std::stoull(count.at("result").get<std::string>(), nullptr, 16);
                const auto make = [&](const Address& to) {
                    chain::Transaction tx = test::signed_transfer(key, kChainId, nonce, to, 1);
                    if (nonce > 0) {  // the key travels with the account's first transfer only
                        tx.public_key.clear();
                        chain::sign_transaction(tx, key, /*include_key=*/false);
                    }
                    return to_hex(chain::encode(tx));
                };
                (void)net.node(kTwin).call("eth_sendRawTransaction",
                                           Json::array({make(to_original)}));
                (void)twin->call("eth_sendRawTransaction", Json::array({make(to_twin)}));
            } catch (const std::exception&) {  // a node restarting or gone: try again
            }
            std::this_thread::sleep_for(std::chrono::milliseconds{200});
        }
    }};
    struct JoinPairs {
        std::atomic<bool>& stop;
        std::thread& thread;
        ~JoinPairs() {
            stop = true;
            if (thread.joinable()) thread.join();
        }
    } join_pairs{stop_pairs, pairs};

    Json slashed;
    ASSERT_TRUE(test::wait_until(
        [&] {
            slashed = test::staking_logs(net.node(0), signature::kSlashed);
            return !slashed.empty();
        },
        std::chrono::seconds{120}))
        << twin->current_output() << net.logs();
    load.stop();
    stop_pairs = true;
    pairs.join();
    ASSERT_EQ(slashed.size(), 1u) << slashed.dump();
    EXPECT_EQ(lower(slashed[0].at("topics").at(1).get<std::string>()), operator_topic)
        << slashed.dump();
    const Json tombstoned = test::staking_logs(net.node(0), signature::kTombstoned);
    ASSERT_EQ(tombstoned.size(), 1u) << tombstoned.dump();
    EXPECT_EQ(lower(tombstoned[0].at("topics").at(1).get<std::string>()), operator_topic);
    EXPECT_EQ(tombstoned[0].at("blockNumber"), slashed[0].at("blockNumber"));
    // Found by the driver of some node from the conflicting votes, gossiped, included.
    bool found = test::reports_double_signing(twin->current_output());
    for (int i = 0; i < 4; ++i)
        found = found || test::reports_double_signing(net.node(i).current_output());
    EXPECT_TRUE(found) << net.logs();

    const std::uint64_t at_slash =
        std::stoull(slashed[0].at("blockNumber").get<std::string>(), nullptr, 16);
    // Every honest node holds the block that slashed it, and sees it jailed for ever.
    ASSERT_TRUE(net.all_reach({0, 2, 3}, at_slash));
    net.expect_same_block({0, 2, 3}, at_slash);
    for (int i : {0, 2, 3}) {
        const Json entry = test::validator_entry(net.node(i), address);
        // Still in the active set until its epoch ends, marked; or already out of it.
        if (entry.is_null()) continue;
        EXPECT_EQ(entry.at("jailed"), true) << entry.dump();
        EXPECT_EQ(entry.at("tombstoned"), true) << entry.dump();
    }

    // The chain goes on with the three honest validators alone (3 of 4 > 2/3).
    twin->kill_hard();
    net.kill(kTwin);
    const std::uint64_t at_stop = test::block_number(net.node(0));
    ASSERT_TRUE(net.all_reach({0, 2, 3}, at_stop + 3)) << net.logs();
    net.expect_same_block({0, 2, 3}, at_stop + 3);
}

}  // namespace
}  // namespace qtm
