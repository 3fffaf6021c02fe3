// Faults in a real validator network (4 qtmd processes from `qtm testnet init`):
//  - 2 of 4 validators stopped: nothing is finalized any more (the two left agree on what
//    they have); one restarted: the chain goes on and the three agree;
//  - a node of another network (same chain id, other keys, so another genesis) dialing a
//    validator is refused at the handshake, never becomes a peer, and the validator's log
//    says why;
//  - every link routed through a TCP proxy (test::TcpProxy, one per directed pair) and peer
//    exchange off (so that nobody learns a direct address): a 2+2 partition halts the
//    chain, healing it resumes one chain, the same on all four at every height.
// Each test has its own base port (23200, 23300, 23400). Waits poll conditions with
// generous deadlines; the only fixed sleeps are the windows in which nothing may happen.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "cluster_support.hpp"
#include "tcp_proxy_support.hpp"

namespace qtm {
namespace {

using namespace std::chrono_literals;
using test::Json;

constexpr std::uint64_t kChainId = 9933;

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in{path};
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_text(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out{path, std::ios::trunc};
    out << text;
}

std::uint16_t p2p_port(const test::Cluster& net, int i) {
    return static_cast<std::uint16_t>(net.options().base_port + 10 * static_cast<unsigned>(i));
}

// Node j's peer URL, as the other nodes' node.toml files list it.
std::string peer_url(const test::Cluster& net, int j) {
    const int other = (j + 1) % net.size();
    const std::string toml = read_text(net.node_dir(other) / "node.toml");
    const std::regex url{
        "\"(qtm://[0-9a-fA-Fx]+@127\\.0\\.0\\.1:" + std::to_string(p2p_port(net, j)) + ")\""};
    std::smatch match;
    if (!std::regex_search(toml, match, url)) {
        throw std::runtime_error("no URL of node " + std::to_string(j) + " in " + toml);
    }
    return match[1].str();
}

// Starts node i, again while one of its ports is taken: these ports lie in Linux's
// ephemeral range (32768..60999), where the RPC clients of the tests running beside this
// one (and of this one) get their local ports, and a client's TIME_WAIT blocks a listener's
// bind (even with SO_REUSEADDR) for up to 60 s.
void start_node(test::Cluster& net, int i, const std::vector<std::string>& extra = {}) {
    for (int attempt = 1;; ++attempt) {
        try {
            net.start(i, extra);
            return;
        } catch (const std::runtime_error& error) {
            const bool busy =
                std::string{error.what()}.find("Address already in use") != std::string::npos;
            if (!busy || attempt == 70) throw;
            std::this_thread::sleep_for(1s);
        }
    }
}

void start_all(test::Cluster& net, const std::vector<std::string>& extra = {}) {
    for (int i = 0; i < net.size(); ++i)
        start_node(net, i, extra);
}

std::string peer_count(const test::QtmdProcess& node) {
    const Json reply = node.call("net_peerCount");
    return reply.contains("result") ? reply.at("result").get<std::string>() : reply.dump();
}

std::string heights(test::Cluster& net, const std::vector<int>& which) {
    std::string text;
    for (int i : which)
        text +=
            " node " + std::to_string(i) + ": " + std::to_string(test::block_number(net.node(i)));
    return text;
}

// Every height 1..up_to has one hash on all of `which` (none missing, none different).
void expect_one_chain(test::Cluster& net, const std::vector<int>& which, std::uint64_t up_to) {
    for (std::uint64_t number = 1; number <= up_to; ++number)
        net.expect_same_block(which, number);
}

// ---- 2 of 4 stopped ---------------------------------------------------------------------

TEST(ClusterFaults, TwoOfFourStoppedHaltsFinalityAndOneBackResumesIt) {
    test::Cluster net{test::ClusterOptions{.validators = 4,
                                           .chain_id = kChainId,
                                           .block_time_ms = 1000,
                                           .base_port = 23200,
                                           .prefix = "qtm-cluster-faults-halt"}};
    start_all(net);
    ASSERT_TRUE(net.all_reach({0, 1, 2, 3}, 3)) << net.logs();

    // 2 of 4 (half the stake, not more than 2/3) cannot finalize anything.
    net.kill(2);
    net.kill(3);
    // What was in flight when they died settles; then nothing moves for 5 block times.
    std::this_thread::sleep_for(3s);
    const std::uint64_t frozen0 = test::block_number(net.node(0));
    const std::uint64_t frozen1 = test::block_number(net.node(1));
    const std::uint64_t frozen = std::max(frozen0, frozen1);
    std::this_thread::sleep_for(5s);
    // (One that lacked the other's last block may still fetch it; nothing beyond it exists.)
    EXPECT_EQ(std::max(test::block_number(net.node(0)), test::block_number(net.node(1))), frozen)
        << net.logs();
    // No fork: what the two have, they agree on.
    expect_one_chain(net, {0, 1},
                     std::min(test::block_number(net.node(0)), test::block_number(net.node(1))));

    // One back (3 of 4): it catches up, votes, and the chain goes on, the same on all three.
    start_node(net, 2);
    ASSERT_TRUE(net.all_reach({0, 1, 2}, frozen + 3, 90s)) << heights(net, {0, 1, 2}) << net.logs();
    expect_one_chain(net, {0, 1, 2}, frozen + 3);
}

// ---- another genesis ----------------------------------------------------------------------

TEST(ClusterFaults, ANodeWithAnotherGenesisIsRefusedAtTheHandshake) {
    test::Cluster net{test::ClusterOptions{.validators = 4,
                                           .chain_id = kChainId,
                                           .block_time_ms = 1000,
                                           .base_port = 23300,
                                           .prefix = "qtm-cluster-faults-genesis"}};
    // The same chain id, its own keys: another genesis. Its one node lists node 0 of the
    // first network as its persistent peer.
    test::Cluster stranger{test::ClusterOptions{.validators = 1,
                                                .chain_id = kChainId,
                                                .block_time_ms = 1000,
                                                .base_port = 23350,
                                                .prefix = "qtm-cluster-faults-stranger"}};
    const std::filesystem::path toml = stranger.node_dir(0) / "node.toml";
    std::string text = read_text(toml);
    const std::regex peers{"persistent-peers = \\[[^\\]]*\\]"};
    ASSERT_TRUE(std::regex_search(text, peers)) << text;
    text = std::regex_replace(text, peers, "persistent-peers = [\"" + peer_url(net, 0) + "\"]");
    write_text(toml, text);

    start_all(net);
    ASSERT_TRUE(net.all_reach({0, 1, 2, 3}, 2)) << net.logs();
    ASSERT_TRUE(test::wait_until(
        [&] {
            for (int i = 0; i < 4; ++i) {
                if (peer_count(net.node(i)) != "0x3") return false;
            }
            return true;
        },
        60s))
        << net.logs();

    start_node(stranger, 0);
    const auto genesis = [](test::QtmdProcess& node) {
        return node.call("eth_getBlockByNumber", Json::array({"0x0", false}))
            .at("result")
            .at("hash")
            .get<std::string>();
    };
    ASSERT_NE(genesis(stranger.node(0)), genesis(net.node(0)));

    // Node 0 (the responder) says why, on every try (the stranger redials with backoff).
    ASSERT_TRUE(test::wait_until(
        [&] {
            return net.node(0).current_output().find(
                       "failed: handshake failed: peer has another genesis hash") !=
                   std::string::npos;
        },
        60s))
        << net.logs() << stranger.logs();
    // A few more seconds (and redials): it never becomes a peer on either side.
    for (int round = 0; round < 4; ++round) {
        std::this_thread::sleep_for(1s);
        EXPECT_EQ(peer_count(stranger.node(0)), "0x0");
        for (int i = 0; i < 4; ++i)
            EXPECT_EQ(peer_count(net.node(i)), "0x3") << "node " << i;
    }
    // And the network's chain goes on, untouched.
    const std::uint64_t now = test::block_number(net.node(0));
    ASSERT_TRUE(net.all_reach({0, 1, 2, 3}, now + 2)) << net.logs();
    expect_one_chain(net, {0, 1, 2, 3}, now + 2);
}

// ---- a 2+2 partition ----------------------------------------------------------------------

TEST(ClusterFaults, APartitionHaltsTheChainAndHealingResumesOneChain) {
    test::Cluster net{test::ClusterOptions{.validators = 4,
                                           .chain_id = kChainId,
                                           .block_time_ms = 1000,
                                           .base_port = 23400,
                                           .prefix = "qtm-cluster-faults-partition"}};
    // One proxy per directed pair: node i reaches node j only through proxy (i, j), on any
    // free port (a fixed one could be some other connection's ephemeral port).
    std::map<std::pair<int, int>, std::unique_ptr<test::TcpProxy>> proxy;
    for (int i = 0; i < 4; ++i) {
        for (int j = 0; j < 4; ++j) {
            if (i != j) proxy[{i, j}] = std::make_unique<test::TcpProxy>(0, p2p_port(net, j));
        }
    }
    for (int i = 0; i < 4; ++i) {
        const std::filesystem::path toml = net.node_dir(i) / "node.toml";
        std::string text = read_text(toml);
        for (int j = 0; j < 4; ++j) {
            if (i == j) continue;
            const std::string direct = "@127.0.0.1:" + std::to_string(p2p_port(net, j)) + "\"";
            const std::string proxied =
                "@127.0.0.1:" + std::to_string(proxy.at({i, j})->listen_port()) + "\"";
            const auto at = text.find(direct);
            ASSERT_NE(at, std::string::npos) << text;
            text.replace(at, direct.size(), proxied);
        }
        write_text(toml, text);
    }
    start_all(net, {"--no-peer-exchange"});
    const auto peers_are = [&](const std::string& count) {
        return test::wait_until(
            [&] {
                for (int i = 0; i < 4; ++i) {
                    if (peer_count(net.node(i)) != count) return false;
                }
                return true;
            },
            90s);
    };
    ASSERT_TRUE(net.all_reach({0, 1, 2, 3}, 3)) << net.logs();
    ASSERT_TRUE(peers_are("0x3")) << net.logs();
    // One link per pair of nodes (a duplicate dialed the other way is closed), each
    // through a proxy.
    const auto links = [&] {
        std::size_t total = 0;
        for (const auto& [pair, p] : proxy)
            total += p->live_links();
        return total;
    };
    EXPECT_TRUE(test::wait_until([&] { return links() == 6; }, 30s)) << links();

    // Partition {0, 1} | {2, 3}: the links across are cut, and new ones refused.
    const auto across = [&](test::TcpProxy::Mode mode) {
        for (int a : {0, 1}) {
            for (int b : {2, 3}) {
                proxy.at({a, b})->set_mode(mode);
                proxy.at({b, a})->set_mode(mode);
            }
        }
    };
    across(test::TcpProxy::Mode::kRefuse);
    ASSERT_TRUE(peers_are("0x1")) << net.logs();
    std::this_thread::sleep_for(2s);  // what was in flight settles
    std::uint64_t top = 0;
    for (int i = 0; i < 4; ++i)
        top = std::max(top, test::block_number(net.node(i)));
    std::this_thread::sleep_for(5s);
    // Neither half finalizes (2 of 4 is not more than 2/3); a node may still fetch the last
    // block its half-mate has, nothing beyond.
    for (int i = 0; i < 4; ++i) {
        EXPECT_LE(test::block_number(net.node(i)), top) << "node " << i << net.logs();
        EXPECT_EQ(peer_count(net.node(i)), "0x1") << "node " << i;
    }

    // Healed: the nodes redial (after their backoff) and the chain goes on, one chain.
    across(test::TcpProxy::Mode::kPass);
    ASSERT_TRUE(net.all_reach({0, 1, 2, 3}, top + 3, 120s))
        << heights(net, {0, 1, 2, 3}) << net.logs();
    EXPECT_TRUE(peers_are("0x3")) << net.logs();
    expect_one_chain(net, {0, 1, 2, 3}, top + 3);
}

}  // namespace
}  // namespace qtm
