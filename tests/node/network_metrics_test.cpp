// The validator network's metrics text: valid exposition format that parses, every family
// declared once with its type, and each figure under its own series.
#include "node/network_metrics.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "metrics_text_support.hpp"
#include "node/metrics.hpp"

namespace qtm::node {
namespace {

TEST(NetworkMetrics, EveryFigureHasItsSeries) {
    ConsensusProgress progress;
    progress.height = 120;
    progress.round = 2;
    progress.validator = true;
    progress.pending_evidence = 1;
    progress.driver.commits = 119;
    progress.driver.proposals_built = 30;
    progress.driver.invalid_messages = 4;
    progress.driver.evidence_found = 1;
    progress.driver.catch_up_imports = 7;
    progress.driver.duplicates_not_reverified = 11;
    progress.service.decode_errors = 3;
    progress.service.dropped_inputs = 5;
    p2p::HostCountersSnapshot host;
    host.inbound_peers = 2;
    host.outbound_peers = 1;
    host.bytes_sent[static_cast<std::size_t>(p2p::Channel::kConsensus)] = 1000;
    host.bytes_received[static_cast<std::size_t>(p2p::Channel::kTransactions)] = 2000;
    host.messages_sent[static_cast<std::size_t>(p2p::Channel::kBlocks)] = 9;
    host.bans = 6;
    host.send_dropped[static_cast<std::size_t>(p2p::Channel::kTransactions)] = 8;

    const test::MetricsText text = test::parse_metrics_text(render_network_metrics(progress, host));
    EXPECT_EQ(text.value("qtm_consensus_height"), 120);
    EXPECT_EQ(text.value("qtm_consensus_round"), 2);
    EXPECT_EQ(text.value("qtm_consensus_validator"), 1);
    EXPECT_EQ(text.value("qtm_consensus_pending_evidence"), 1);
    EXPECT_EQ(text.value("qtm_consensus_commits_total"), 119);
    EXPECT_EQ(text.value("qtm_consensus_proposals_built_total"), 30);
    EXPECT_EQ(text.value("qtm_consensus_invalid_messages_total"), 4);
    EXPECT_EQ(text.value("qtm_consensus_double_sign_evidence_total"), 1);
    EXPECT_EQ(text.value("qtm_consensus_catch_up_imports_total"), 7);
    EXPECT_EQ(text.value("qtm_consensus_duplicates_not_reverified_total"), 11);
    EXPECT_EQ(text.value("qtm_p2p_send_dropped_total{channel=\"transactions\"}"), 8);
    EXPECT_EQ(text.value("qtm_p2p_send_dropped_total{channel=\"consensus\"}"), 0);
    EXPECT_EQ(text.value("qtm_network_decode_errors_total"), 3);
    EXPECT_EQ(text.value("qtm_network_dropped_inputs_total"), 5);
    EXPECT_EQ(text.value("qtm_p2p_peers{direction=\"inbound\"}"), 2);
    EXPECT_EQ(text.value("qtm_p2p_peers{direction=\"outbound\"}"), 1);
    EXPECT_EQ(text.value("qtm_p2p_message_bytes_total{channel=\"consensus\",direction=\"sent\"}"),
              1000);
    EXPECT_EQ(
        text.value("qtm_p2p_message_bytes_total{channel=\"transactions\",direction=\"received\"}"),
        2000);
    EXPECT_EQ(text.value("qtm_p2p_messages_total{channel=\"blocks\",direction=\"sent\"}"), 9);
    EXPECT_EQ(text.value("qtm_p2p_messages_total{channel=\"status\",direction=\"received\"}"), 0);
    EXPECT_EQ(text.value("qtm_p2p_bans_total"), 6);
    EXPECT_EQ(text.families.at("qtm_p2p_peers"), "gauge");
    EXPECT_EQ(text.families.at("qtm_p2p_message_bytes_total"), "counter");
    EXPECT_EQ(text.families.at("qtm_consensus_height"), "gauge");
    for (const auto& [name, type] : text.families) {
        if (type == "counter") {
            EXPECT_TRUE(name.ends_with("_total")) << name;
        }
    }
}

TEST(NetworkMetrics, AFullNodeIsNotAValidatorAndTheTextJoinsTheNodePage) {
    NodeMetrics metrics{std::chrono::milliseconds{2000}, 1024};
    metrics.add_text_source(
        [] { return render_network_metrics(ConsensusProgress{}, p2p::HostCountersSnapshot{}); });
    const test::MetricsText text = test::parse_metrics_text(metrics.render());
    EXPECT_EQ(text.value("qtm_consensus_validator"), 0);
    EXPECT_TRUE(text.value("qtm_chain_head_block").has_value()) << "the node's own series";
    EXPECT_TRUE(text.value("qtm_p2p_dials_total").has_value());
}

}  // namespace
}  // namespace qtm::node
