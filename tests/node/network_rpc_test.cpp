// qtmd's network-mode RPC pieces without processes: eth_syncing's progress rule, the
// admin_* answers over an AdminNetwork (a fake one, and none as on a dev node), and
// HostAdminNetwork over a real p2p Host. (With four real qtmd: validator_network.)
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "chain/chain_spec.hpp"
#include "node/node.hpp"
#include "p2p/host.hpp"
#include "qtmd/network_rpc.hpp"
#include "rpc/eth_api.hpp"

namespace qtm::qtmd {
namespace {

namespace fs = std::filesystem;
using rpc::Json;

TEST(SyncProgress, SyncingOnlyWhenMoreThanTheSlackBehindAndStartingWhereItFellBehind) {
    SyncProgress progress;
    EXPECT_FALSE(progress.update(10, 0).syncing);   // no peers
    EXPECT_FALSE(progress.update(10, 11).syncing);  // a peer one commit ahead
    EXPECT_FALSE(progress.update(10, 10 + SyncProgress::kSyncSlack).syncing);
    const auto behind = progress.update(10, 50);
    EXPECT_TRUE(behind.syncing);
    EXPECT_EQ(behind.starting, 10u);
    EXPECT_EQ(behind.current, 10u);
    EXPECT_EQ(behind.highest, 50u);
    const auto later = progress.update(30, 51);
    EXPECT_TRUE(later.syncing);
    EXPECT_EQ(later.starting, 10u) << "the start stays where the node fell behind";
    EXPECT_EQ(later.current, 30u);
    EXPECT_FALSE(progress.update(50, 51).syncing);
    EXPECT_EQ(progress.update(60, 100).starting, 60u) << "a new episode starts anew";
}

class FakeNetwork final : public rpc::AdminNetwork {
public:
    [[nodiscard]] std::vector<rpc::AdminPeer> peers() const override {
        return {rpc::AdminPeer{std::string(64, 'a'), "127.0.0.1:4000", true, 1'700'000'000, -5, 100,
                               200, 42, 40}};
    }
    [[nodiscard]] std::string node_id() const override { return std::string(64, 'b'); }
    [[nodiscard]] std::optional<std::string> node_url() const override {
        return "qtm://" + node_id() + "@127.0.0.1:30303";
    }
    [[nodiscard]] std::optional<std::uint16_t> listen_port() const override { return 30303; }
    Result<void, std::string> add_peer(std::string_view url) override {
        if (url.rfind("qtm://", 0) != 0) return unexpected(std::string{"no qtm:// scheme"});
        added.emplace_back(url);
        return {};
    }
    std::vector<std::string> added;
};

class AdminApi : public ::testing::Test {
protected:
    void SetUp() override {
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        node::NodeOptions options;
        options.datadir = (dir_ / "db").string();
        options.spec = *chain::builtin_chain_spec("testnet");
        options.state_history = 0;
        auto opened = node::Node::open(std::move(options));
        ASSERT_TRUE(opened.has_value()) << opened.error().message;
        node_ = std::move(*opened);
    }
    void TearDown() override {
        node_.reset();
        fs::remove_all(dir_);
    }
    Json call(const rpc::Dispatcher& dispatcher, const std::string& method, Json params) {
        const Json request{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
        const auto answer = dispatcher.handle(request.dump());
        return answer ? Json::parse(*answer) : Json{};
    }

    fs::path dir_ = fs::temp_directory_path() / ("qtm-admin-api-" + std::to_string(::getpid()));
    std::unique_ptr<node::Node> node_;
};

TEST_F(AdminApi, AnswersFromTheNetworkItIsGiven) {
    FakeNetwork network;
    rpc::Dispatcher dispatcher;
    rpc::register_admin_api(dispatcher, *node_, rpc::AdminInfo{"qtmd/test", "/data", &network});

    const Json peers = call(dispatcher, "admin_peers", Json::array());
    ASSERT_EQ(peers.at("result").size(), 1u) << peers.dump();
    const Json& peer = peers.at("result").at(0);
    EXPECT_EQ(peer.at("id"), std::string(64, 'a'));
    EXPECT_EQ(peer.at("network").at("remoteAddress"), "127.0.0.1:4000");
    EXPECT_EQ(peer.at("network").at("inbound"), true);
    EXPECT_EQ(peer.at("score"), -5);
    EXPECT_EQ(peer.at("bytesOut"), 200);
    EXPECT_EQ(peer.at("head"), "0x2a");
    EXPECT_EQ(peer.at("finalized"), "0x28");

    const Json info = call(dispatcher, "admin_nodeInfo", Json::array());
    EXPECT_EQ(info.at("result").at("id"), std::string(64, 'b'));
    EXPECT_EQ(info.at("result").at("url"), *network.node_url());
    EXPECT_EQ(info.at("result").at("listenAddr"), "[::]:30303");
    EXPECT_EQ(info.at("result").at("peers"), 1);

    const std::string url = "qtm://" + std::string(64, 'c') + "@10.0.0.1:30303";
    EXPECT_EQ(call(dispatcher, "admin_addPeer", Json::array({url})).at("result"), true);
    EXPECT_EQ(network.added, std::vector<std::string>{url});
    const Json refused = call(dispatcher, "admin_addPeer", Json::array({"enode://x"}));
    EXPECT_EQ(refused.at("error").at("code"), -32602) << refused.dump();
    EXPECT_NE(refused.at("error").at("message").get<std::string>().find("no qtm:// scheme"),
              std::string::npos);
    EXPECT_EQ(call(dispatcher, "admin_addPeer", Json::array({7})).at("error").at("code"), -32602);
}

TEST_F(AdminApi, ADevNodeHasNoPeersAndRefusesToAddOne) {
    rpc::Dispatcher dispatcher;
    rpc::register_admin_api(dispatcher, *node_, rpc::AdminInfo{"qtmd/test", "/data", nullptr});
    EXPECT_EQ(call(dispatcher, "admin_peers", Json::array()).at("result"), Json::array());
    const Json info = call(dispatcher, "admin_nodeInfo", Json::array());
    EXPECT_EQ(info.at("result").at("peers"), 0);
    EXPECT_TRUE(info.at("result").at("id").is_null());
    EXPECT_TRUE(info.at("result").at("listenAddr").is_null());
    const Json refused = call(dispatcher, "admin_addPeer",
                              Json::array({"qtm://" + std::string(64, 'c') + "@10.0.0.1:1"}));
    EXPECT_NE(refused.at("error").at("message").get<std::string>().find("no p2p network"),
              std::string::npos)
        << refused.dump();
}

TEST(HostAdminNetwork, ReportsTheHostAndExplainsABadPeerUrl) {
    ByteArray<32> seed{};
    seed.fill(7);
    const p2p::NodeKey key = p2p::NodeKey::from_seed(seed);
    p2p::HostConfig config;
    config.listen_address = "127.0.0.1";
    config.listen_port = 0;
    p2p::Host host{key, config, {}};
    host.start();
    HostAdminNetwork network{host};
    EXPECT_EQ(network.node_id(), p2p::to_string(key.id()));
    ASSERT_TRUE(network.listen_port().has_value());
    ASSERT_TRUE(network.node_url().has_value());
    EXPECT_NE(network.node_url()->find(network.node_id()), std::string::npos);
    EXPECT_TRUE(network.peers().empty());
    const auto refused = network.add_peer("qtm://not-a-node-id@127.0.0.1:1");
    ASSERT_FALSE(refused.has_value());
    EXPECT_NE(refused.error().find("qtm://<64 hex digit node id>@<host>:<port>"), std::string::npos)
        << refused.error();
    host.stop();
}

}  // namespace
}  // namespace qtm::qtmd
