// /metrics, /health and /ready of a real `qtmd --dev`: the names an operator's dashboards
// and alerts rely on are there, the values move when a transaction goes through, and the
// probes answer as load balancers and Kubernetes expect.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/hex.hpp"
#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"
#include "chain/transaction.hpp"
#include "metrics_text_support.hpp"
#include "node_support.hpp"

namespace qtm {
namespace {

using test::Json;
using test::QtmdProcess;

// Every family the node exports on a dev chain (docs/operations.md lists them).
const std::vector<std::pair<std::string, std::string>> kFamilies = {
    {"qtm_build_info", "gauge"},
    {"qtm_chain_head_block", "gauge"},
    {"qtm_chain_head_timestamp_seconds", "gauge"},
    {"qtm_chain_finalized_block", "gauge"},
    {"qtm_chain_target_block_time_seconds", "gauge"},
    {"qtm_chain_block_interval_seconds", "histogram"},
    {"qtm_chain_block_transactions", "histogram"},
    {"qtm_chain_block_gas_used", "histogram"},
    {"qtm_chain_transactions_total", "counter"},
    {"qtm_chain_gas_used_total", "counter"},
    {"qtm_chain_blocks_total", "counter"},
    {"qtm_block_build_seconds", "histogram"},
    {"qtm_block_commit_seconds", "histogram"},
    {"qtm_block_excluded_transactions_total", "counter"},
    {"qtm_txpool_transactions_admitted_total", "counter"},
    {"qtm_txpool_transactions_rejected_total", "counter"},
    {"qtm_txpool_pending", "gauge"},
    {"qtm_txpool_queued", "gauge"},
    {"qtm_txpool_bytes", "gauge"},
    {"qtm_txpool_capacity_slots", "gauge"},
    {"qtm_rpc_requests_total", "counter"},
    {"qtm_rpc_request_duration_seconds", "histogram"},
    {"qtm_rpc_rate_limited_total", "counter"},
    {"qtm_rpc_ws_connections", "gauge"},
    {"qtm_rpc_ws_subscriptions", "gauge"},
    {"qtm_db_size_bytes", "gauge"},
    {"qtm_db_memtable_bytes", "gauge"},
    {"qtm_db_pending_compaction_bytes", "gauge"},
    {"qtm_datadir_free_bytes", "gauge"},
    {"qtm_datadir_size_bytes", "gauge"},
    {"qtm_node_ready", "gauge"},
    {"process_cpu_seconds_total", "counter"},
    {"process_resident_memory_bytes", "gauge"},
    {"process_virtual_memory_bytes", "gauge"},
    {"process_start_time_seconds", "gauge"},
    {"process_open_fds", "gauge"},
    {"process_max_fds", "gauge"},
};

chain::Transaction transfer(std::uint64_t nonce, bool include_key) {
    const chain::AccountKey sender{crypto::SignatureScheme::kMlDsa44, chain::dev_account_seed(3)};
    chain::Transaction tx;
    tx.chain_id = 7357;
    tx.nonce = nonce;
    tx.max_priority_fee_per_gas = U256{1'000'000'000};
    tx.max_fee_per_gas = U256{100'000'000'000};
    tx.gas_limit = 100'000;
    Address recipient{};
    recipient.fill(0x22);
    tx.to = recipient;
    tx.value = U256{1};
    chain::sign_transaction(tx, sender, include_key);
    return tx;
}

test::MetricsText scrape(const QtmdProcess& node) {
    const auto [status, body] = node.get(node.metrics_port(), "/metrics");
    EXPECT_EQ(status, 200);
    return test::parse_metrics_text(body);
}

TEST(Metrics, ScrapedFromARealDevNodeAndMoveWithATransaction) {
    test::TestDir dir{"qtm-metrics"};
    QtmdProcess node{dir.path(), {"--block-time", "0.5"}};
    ASSERT_NE(node.metrics_port(), 0) << node.output();
    // The method-labelled RPC families appear with the first request.
    ASSERT_TRUE(node.call("eth_chainId").contains("result"));

    const auto before = scrape(node);
    for (const auto& [name, type] : kFamilies) {
        const auto found = before.families.find(name);
        ASSERT_NE(found, before.families.end()) << name << " is not exported";
        EXPECT_EQ(found->second, type) << name;
    }
    EXPECT_EQ(before.count("qtm_txpool_transactions_admitted_total"), 0);
    // Every rejection reason and transport is there from the start, at 0.
    EXPECT_EQ(before.value("qtm_txpool_transactions_rejected_total{reason=\"pool_full\"}"), 0);
    EXPECT_EQ(before.value("qtm_rpc_rate_limited_total{transport=\"ws\"}"), 0);
    int build_infos = 0;
    for (const auto& [series, value] : before.samples) {
        if (series.starts_with("qtm_build_info{version=\"") && value == 1) ++build_infos;
    }
    EXPECT_EQ(build_infos, 1);
    EXPECT_EQ(before.value("qtm_chain_target_block_time_seconds"), 0.5);
    EXPECT_GT(before.count("process_resident_memory_bytes"), 0);
    EXPECT_GT(before.count("process_open_fds"), 0);
    EXPECT_GT(before.count("qtm_datadir_size_bytes"), 0);

    const auto tx = transfer(0, true);
    const Json sent = node.call("eth_sendRawTransaction", Json::array({to_hex(chain::encode(tx))}));
    ASSERT_TRUE(sent.contains("result")) << sent.dump();
    const Json receipt = test::wait_for_receipt(node, sent.at("result").get<std::string>());
    ASSERT_EQ(receipt.at("status"), "0x1");
    const std::uint64_t mined =
        std::stoull(receipt.at("blockNumber").get<std::string>(), nullptr, 16);
    // Sent again: the pool refuses it (already mined: nonce too low).
    const Json again =
        node.call("eth_sendRawTransaction", Json::array({to_hex(chain::encode(tx))}));
    ASSERT_EQ(again.at("error").at("code"), -32000) << again.dump();
    const Json unknown = node.call("qtm_noSuchMethod");
    ASSERT_EQ(unknown.at("error").at("code"), -32601);

    // An interval needs two blocks committed by this process.
    ASSERT_TRUE(test::wait_until([&] { return scrape(node).count("qtm_chain_blocks_total") >= 2; },
                                 std::chrono::seconds(20)));
    const auto after = scrape(node);
    EXPECT_EQ(after.count("qtm_txpool_transactions_admitted_total"), 1);
    EXPECT_EQ(after.count("qtm_txpool_transactions_rejected_total{reason=\"nonce_too_low\"}"), 1);
    EXPECT_GE(after.count("qtm_chain_head_block"), static_cast<double>(mined));
    EXPECT_EQ(after.count("qtm_chain_finalized_block"), after.count("qtm_chain_head_block"));
    EXPECT_GE(after.count("qtm_chain_transactions_total"), 1);
    EXPECT_GE(after.count("qtm_chain_gas_used_total"), 21'000);
    EXPECT_GT(after.count("qtm_chain_blocks_total"), before.count("qtm_chain_blocks_total"));
    EXPECT_GT(after.count("qtm_block_commit_seconds_count"),
              before.count("qtm_block_commit_seconds_count"));
    EXPECT_GE(after.count("qtm_chain_block_interval_seconds_count"), 1);
    EXPECT_EQ(
        after.count("qtm_rpc_requests_total{method=\"eth_sendRawTransaction\",outcome=\"ok\"}"), 1);
    EXPECT_EQ(after.count("qtm_rpc_requests_total{method=\"eth_sendRawTransaction\",outcome="
                          "\"server_error\"}"),
              1);
    EXPECT_EQ(
        after.count("qtm_rpc_requests_total{method=\"unknown\",outcome=\"method_not_found\"}"), 1);
    EXPECT_GE(after.count("qtm_rpc_requests_total{method=\"eth_getTransactionReceipt\",outcome="
                          "\"ok\"}"),
              1);
    EXPECT_EQ(
        after.count("qtm_rpc_request_duration_seconds_count{method=\"eth_sendRawTransaction\"}"),
        2);
    EXPECT_EQ(after.count("qtm_txpool_pending"), 0);
    EXPECT_GT(after.count("qtm_db_size_bytes") + after.count("qtm_db_memtable_bytes"), 0);
}

TEST(Metrics, HealthAndReadyAnswerProbes) {
    test::TestDir dir{"qtm-probes"};
    QtmdProcess node{dir.path(), {"--block-time", "0.5"}};
    const auto [health_status, health] = node.get(node.metrics_port(), "/health");
    EXPECT_EQ(health_status, 200);
    EXPECT_EQ(Json::parse(health).at("status"), "ok");

    // Ready once the producer runs (it starts right after the banner).
    Json ready;
    EXPECT_TRUE(test::wait_until(
        [&] {
            const auto [status, body] = node.get(node.metrics_port(), "/ready");
            ready = Json::parse(body);
            return status == 200;
        },
        std::chrono::seconds(20)))
        << ready.dump();
    EXPECT_EQ(ready.at("ready"), true);
    EXPECT_EQ(ready.at("failing"), Json::array());
    for (const char* check : {"database_writable", "producing_blocks", "synced"}) {
        EXPECT_EQ(ready.at("checks").at(check).at("ok"), true) << check;
    }
    EXPECT_EQ(scrape(node).value("qtm_node_ready"), 1);
    EXPECT_EQ(node.get(node.metrics_port(), "/nothing-here").first, 404);
}

TEST(Metrics, NoMetricsTurnsTheEndpointOff) {
    test::TestDir dir{"qtm-no-metrics"};
    QtmdProcess node{dir.path(), {"--no-metrics"}};
    EXPECT_EQ(node.metrics_port(), 0);
    EXPECT_NE(node.output().find("Metrics       off"), std::string::npos) << node.output();
}

}  // namespace
}  // namespace qtm
