// The node's metrics in process: what a block, a pool decision and an RPC request change in
// the exposition, and what /ready says of a node whose producer is not running.
#include "node/metrics.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <set>

#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"
#include "metrics_text_support.hpp"
#include "node/node.hpp"
#include "node_support.hpp"

namespace qtm::node {
namespace {

using namespace std::chrono_literals;

TEST(NodeMetrics, BlocksPoolAndRpcMoveTheirSeries) {
    NodeMetrics metrics{2000ms, 5120};
    metrics.add_sampler([](MetricsSample& sample) {
        sample.head_block = 7;
        sample.pool = chain::TxPoolStatus{3, 2, 999};
        sample.ws_subscriptions = 4;
        sample.ready = false;
    });
    metrics.on_block_committed({7, 1'700'000'000, 2, 42'000, 1, 3ms, 5ms});
    metrics.on_block_committed({8, 1'700'000'002, 0, 0, 0, 1ms, 1ms});
    metrics.on_transaction_admitted();
    metrics.on_transaction_rejected(rejection_label(chain::TxPoolError::kPoolFull));
    metrics.on_transaction_rejected(rejection_label(chain::TxPoolError::kPoolFull));
    metrics.on_transaction_rejected(kRejectedUndecodable);
    metrics.on_request("eth_call", rpc::RpcOutcome::kReverted, 2ms);
    metrics.on_request("eth_call", rpc::RpcOutcome::kOk, 1ms);
    metrics.on_request("eth_call", rpc::RpcOutcome::kOk, 1ms);
    metrics.on_rate_limited("ws");
    metrics.on_ws_connection_opened();
    metrics.on_ws_connection_opened();
    metrics.on_ws_connection_closed();

    const auto text = test::parse_metrics_text(metrics.render());
    // The sampler's head wins over the last block's: it is read at scrape time.
    EXPECT_EQ(text.value("qtm_chain_head_block"), 7);
    EXPECT_EQ(text.value("qtm_chain_head_timestamp_seconds"), 1'700'000'002);
    EXPECT_EQ(text.value("qtm_chain_target_block_time_seconds"), 2);
    EXPECT_EQ(text.value("qtm_chain_blocks_total"), 2);
    EXPECT_EQ(text.value("qtm_chain_transactions_total"), 2);
    EXPECT_EQ(text.value("qtm_chain_gas_used_total"), 42'000);
    EXPECT_EQ(text.value("qtm_chain_block_interval_seconds_count"), 1);  // two blocks, one gap
    EXPECT_EQ(text.value("qtm_block_excluded_transactions_total"), 1);
    EXPECT_EQ(text.value("qtm_block_commit_seconds_count"), 2);
    EXPECT_NEAR(*text.value("qtm_block_commit_seconds_sum"), 0.006, 1e-9);
    EXPECT_EQ(text.value("qtm_block_commit_seconds_bucket{le=\"0.005\"}"), 2);
    EXPECT_EQ(text.value("qtm_block_build_seconds_bucket{le=\"0.0025\"}"), 1);
    EXPECT_EQ(text.value("qtm_chain_block_gas_used_bucket{le=\"0\"}"), 1);
    EXPECT_EQ(text.value("qtm_txpool_transactions_admitted_total"), 1);
    EXPECT_EQ(text.value("qtm_txpool_transactions_rejected_total{reason=\"pool_full\"}"), 2);
    EXPECT_EQ(text.value("qtm_txpool_transactions_rejected_total{reason=\"undecodable\"}"), 1);
    EXPECT_EQ(text.value("qtm_txpool_pending"), 3);
    EXPECT_EQ(text.value("qtm_txpool_queued"), 2);
    EXPECT_EQ(text.value("qtm_txpool_bytes"), 999);
    EXPECT_EQ(text.value("qtm_txpool_capacity_slots"), 5120);
    EXPECT_EQ(text.value("qtm_rpc_requests_total{method=\"eth_call\",outcome=\"ok\"}"), 2);
    EXPECT_EQ(text.value("qtm_rpc_requests_total{method=\"eth_call\",outcome=\"reverted\"}"), 1);
    EXPECT_EQ(text.value("qtm_rpc_request_duration_seconds_count{method=\"eth_call\"}"), 3);
    EXPECT_EQ(text.value("qtm_rpc_rate_limited_total{transport=\"ws\"}"), 1);
    EXPECT_EQ(text.value("qtm_rpc_ws_connections"), 1);
    EXPECT_EQ(text.value("qtm_rpc_ws_subscriptions"), 4);
    EXPECT_EQ(text.value("qtm_node_ready"), 0);
    EXPECT_EQ(text.families.at("qtm_rpc_request_duration_seconds"), "histogram");
}

TEST(NodeMetrics, RejectionLabelsAreDistinctMetricNames) {
    std::set<std::string_view> labels;
    for (int i = 0; i <= static_cast<int>(chain::TxPoolError::kAccountLimit); ++i) {
        const auto label = rejection_label(static_cast<chain::TxPoolError>(i));
        EXPECT_TRUE(labels.insert(label).second) << label;
        for (const char c : label)
            EXPECT_TRUE(std::islower(c) || c == '_') << label;
    }
}

TEST(NodeReadiness, NamesTheFailingCheck) {
    test::TestDir dir{"qtm-readiness"};
    NodeOptions options;
    options.datadir = dir.path().string();
    options.spec = *chain::builtin_chain_spec("dev");
    options.proposer =
        chain::AccountKey{crypto::SignatureScheme::kMlDsa65, chain::dev_validator_seed(0)}
            .address();
    options.block_time = 100ms;
    options.node_cache_bytes = 8u << 20;
    auto opened = Node::open(std::move(options));
    ASSERT_TRUE(opened) << opened.error().message;
    Node& node = **opened;

    const HealthReport idle = node.readiness();
    EXPECT_FALSE(idle.ok());
    const auto body = nlohmann::json::parse(idle.to_json());
    EXPECT_EQ(body.at("ready"), false);
    EXPECT_EQ(body.at("failing"), nlohmann::json::array({"producing_blocks"}));
    EXPECT_EQ(body.at("checks").at("database_writable").at("ok"), true);
    EXPECT_NE(body.at("checks")
                  .at("producing_blocks")
                  .at("detail")
                  .get<std::string>()
                  .find("not running"),
              std::string::npos);

    node.start_producing();
    EXPECT_TRUE(node.readiness().ok()) << node.readiness().to_json();
    node.stop();
    EXPECT_FALSE(node.readiness().ok());
}

}  // namespace
}  // namespace qtm::node
