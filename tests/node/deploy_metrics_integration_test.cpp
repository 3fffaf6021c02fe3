// Every metric a Grafana panel (deploy/grafana/dashboards) or an alert rule
// (deploy/prometheus/alerts.yml) uses is exported by a real `qtmd --dev` — except those of
// the validator network (p2p, consensus), listed below: a dev node has no p2p, so it must
// not export them, and a real network node (`qtm testnet init`, `qtmd --config`) must.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>

#include "cluster_support.hpp"
#include "metrics_text_support.hpp"

namespace qtm {
namespace {

using test::Json;

const std::filesystem::path kSource{QTM_SOURCE_DIR};

// Metrics only a network node exports (docs/operations.md marks the same).
const std::set<std::string> kNetworkOnly = {
    "qtm_p2p_peers",                             // p2p: peers by direction
    "qtm_consensus_double_sign_evidence_total",  // consensus: evidence seen
};

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in{path};
    if (!in) throw std::runtime_error{"cannot read " + path.string()};
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Names of QTM and process metrics in PromQL text (Prometheus's own `up` is not one).
void collect_names(const std::string& text, const std::string& where,
                   std::map<std::string, std::set<std::string>>& out) {
    static const std::regex name{R"(\b(qtm_[a-z0-9_]+|process_[a-z0-9_]+)\b)"};
    for (auto it = std::sregex_iterator{text.begin(), text.end(), name};
         it != std::sregex_iterator{}; ++it) {
        out[(*it)[1]].insert(where);
    }
}

void collect_dashboard(const Json& node, const std::string& where,
                       std::map<std::string, std::set<std::string>>& out) {
    if (node.is_object()) {
        for (const auto& [key, value] : node.items()) {
            if ((key == "expr" || key == "query" || key == "definition") && value.is_string()) {
                collect_names(value.get<std::string>(), where, out);
            } else {
                collect_dashboard(value, where, out);
            }
        }
    } else if (node.is_array()) {
        for (const auto& item : node)
            collect_dashboard(item, where, out);
    }
}

bool exported(const test::MetricsText& text, const std::string& name) {
    if (text.families.contains(name) || text.sample_names().contains(name)) return true;
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        const std::string tail{suffix};
        if (name.size() > tail.size() && name.ends_with(tail)) {
            const auto family = text.families.find(name.substr(0, name.size() - tail.size()));
            if (family != text.families.end() && family->second == "histogram") return true;
        }
    }
    return false;
}

TEST(DeployMetrics, EveryDashboardAndAlertMetricIsExported) {
    std::map<std::string, std::set<std::string>> used;  // metric -> files using it
    collect_names(read_file(kSource / "deploy/prometheus/alerts.yml"), "alerts.yml", used);
    int dashboards = 0;
    for (const auto& entry :
         std::filesystem::directory_iterator{kSource / "deploy/grafana/dashboards"}) {
        if (entry.path().extension() != ".json") continue;
        ++dashboards;
        const Json dashboard = Json::parse(read_file(entry.path()));
        ASSERT_TRUE(dashboard.contains("panels")) << entry.path();
        collect_dashboard(dashboard, entry.path().filename().string(), used);
    }
    ASSERT_GE(dashboards, 2);
    ASSERT_GE(used.size(), 20u);

    test::TestDir dir{"qtm-deploy-metrics"};
    test::QtmdProcess node{dir.path(), {"--block-time", "0.5"}};
    ASSERT_TRUE(node.call("eth_blockNumber").contains("result"));  // an RPC series exists
    const auto [status, body] = node.get(node.metrics_port(), "/metrics");
    ASSERT_EQ(status, 200);
    const auto text = test::parse_metrics_text(body);

    int checked = 0;
    for (const auto& [name, files] : used) {
        std::string where;
        for (const auto& file : files)
            where += " " + file;
        if (kNetworkOnly.contains(name)) {
            EXPECT_FALSE(exported(text, name)) << name << " is exported by a dev node too: "
                                               << "remove it from the network-only list";
            continue;
        }
        ++checked;
        EXPECT_TRUE(exported(text, name)) << name << " (used by" << where << ") is not exported";
    }
    for (const auto& name : kNetworkOnly) {
        EXPECT_TRUE(used.contains(name)) << "network-only " << name << " is used by nothing";
    }
    std::printf("deploy metrics: %d exported by a dev node and used, %zu network-only:", checked,
                kNetworkOnly.size());
    for (const auto& name : kNetworkOnly)
        std::printf(" %s", name.c_str());
    std::printf("\n");
}

TEST(DeployMetrics, ANetworkNodeExportsTheNetworkOnlyMetrics) {
    test::Cluster net{test::ClusterOptions{.validators = 1,
                                           .chain_id = 9931,
                                           .block_time_ms = 500,
                                           .base_port = 23050,
                                           .prefix = "qtm-deploy-network-metrics"}};
    net.start(0);
    ASSERT_TRUE(net.all_reach({0}, 1)) << net.logs();
    const auto [status, body] = net.node(0).get(net.node(0).metrics_port(), "/metrics");
    ASSERT_EQ(status, 200);
    const auto text = test::parse_metrics_text(body);
    for (const auto& name : kNetworkOnly)
        EXPECT_TRUE(exported(text, name)) << name << " is not exported by a network node";
    EXPECT_TRUE(exported(text, "qtm_chain_head_block")) << "the node's own series are there too";
}

}  // namespace
}  // namespace qtm
