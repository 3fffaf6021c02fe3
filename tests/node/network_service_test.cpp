// NetworkService over a real p2p Host on loopback, with a bare Host as its one peer: a
// transaction the peer pushes is admitted to the node's pool; a transaction admitted locally
// (RPC) is pushed to the peer; a peer that sends consensus messages that do not decode is
// reported and, at the ban score, banned. (Consensus between services: the
// validator_network integration test, with real qtmd processes.)
#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <vector>

#include "chain/chain_spec.hpp"
#include "chain/transaction.hpp"
#include "node/network_service.hpp"
#include "p2p/wire/transaction_messages.hpp"

namespace qtm::node {
namespace {

namespace fs = std::filesystem;

chain::Transaction transfer(const chain::ChainSpec& spec, std::uint32_t account) {
    const chain::AccountKey key{crypto::SignatureScheme::kMlDsa44,
                                chain::dev_account_seed(account)};
    chain::Transaction tx;
    tx.chain_id = spec.chain_id;
    tx.max_priority_fee_per_gas = U256{2'000'000'000};
    tx.max_fee_per_gas = U256{50'000'000'000};
    tx.gas_limit = 100'000;
    tx.to = Address{};
    tx.value = U256{1000 + account};
    chain::sign_transaction(tx, key, /*include_key=*/true);
    return tx;
}

bool eventually(const std::function<bool()>& condition) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    return condition();
}

TEST(NetworkService, GossipsTransactionsBothWaysAndBansAPeerThatSendsGarbage) {
    const fs::path dir =
        fs::temp_directory_path() / ("qtm-network-service-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const chain::ChainSpec spec = *chain::builtin_chain_spec("testnet");
    NodeOptions options;
    options.datadir = (dir / "db").string();
    options.spec = spec;
    options.state_history = 0;
    auto opened = Node::open(std::move(options));
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    Node& node = **opened;

    ByteArray<32> seed{};
    seed.fill(1);
    const p2p::NodeKey service_key = p2p::NodeKey::from_seed(seed);
    seed.fill(2);
    const p2p::NodeKey peer_key = p2p::NodeKey::from_seed(seed);

    NetworkServiceConfig config;
    config.host.listen_address = "127.0.0.1";
    config.host.listen_port = 0;
    // A full node (no signer, no WAL): it follows without voting.
    NetworkService service{config, node, service_key, nullptr, nullptr, {}};
    service.start();
    const auto port = service.host().listen_port();
    ASSERT_TRUE(port.has_value());

    std::mutex mutex;
    std::vector<p2p::ChannelMessage> received;
    p2p::HostConfig peer_config;
    peer_config.network =
        p2p::NetworkIdentity{p2p::kProtocolVersion, spec.chain_id, node.genesis_hash()};
    peer_config.status = p2p::Status{
        p2p::kProtocolVersion, spec.chain_id, node.genesis_hash(), 0, node.genesis_hash(), 0,
        node.genesis_hash()};
    peer_config.listen_port = std::nullopt;
    peer_config.persistent_peers = {p2p::PeerUrl{service_key.id(), "127.0.0.1", *port}};
    p2p::Host::Handlers handlers;
    handlers.on_message = [&](const p2p::NodeId&, p2p::ChannelMessage message) {
        std::lock_guard lock{mutex};
        received.push_back(std::move(message));
    };
    p2p::Host peer{peer_key, peer_config, handlers};
    peer.start();
    ASSERT_TRUE(eventually([&] { return service.peer_count() == 1 && peer.peer_count() == 1; }));

    // 1. Pushed by the peer: admitted to the pool.
    const chain::Transaction pushed = transfer(spec, 0);
    peer.send(service_key.id(), p2p::encode_transactions_message(
                                    p2p::PooledTransactions{0, {chain::encode(pushed)}}));
    const Hash32 pushed_hash = chain::transaction_hash(pushed);
    EXPECT_TRUE(eventually([&] { return node.pool().get(pushed_hash).has_value(); }));

    // 2. Admitted locally (as eth_sendRawTransaction does): pushed to the peer.
    const chain::Transaction local = transfer(spec, 1);
    ASSERT_TRUE(node.submit_transaction(local).has_value());
    const Bytes local_raw = chain::encode(local);
    EXPECT_TRUE(eventually([&] {
        std::lock_guard lock{mutex};
        for (const auto& message : received) {
            if (message.channel != p2p::Channel::kTransactions) continue;
            auto decoded = p2p::decode_transactions_message(message.type, message.payload);
            if (!decoded) continue;
            const auto* pooled = std::get_if<p2p::PooledTransactions>(&*decoded);
            if (pooled == nullptr) continue;
            for (const Bytes& raw : pooled->transactions) {
                if (raw == local_raw) return true;
            }
        }
        return false;
    }));
    {
        // The peer's own transaction is not sent back to it.
        std::lock_guard lock{mutex};
        for (const auto& message : received) {
            if (message.channel != p2p::Channel::kTransactions) continue;
            auto decoded = p2p::decode_transactions_message(message.type, message.payload);
            ASSERT_TRUE(decoded.has_value());
            const auto* pooled = std::get_if<p2p::PooledTransactions>(&*decoded);
            ASSERT_NE(pooled, nullptr);
            for (const Bytes& raw : pooled->transactions)
                EXPECT_NE(raw, chain::encode(pushed));
        }
    }
    EXPECT_FALSE(service.host().is_banned(peer_key.id()));

    // 3. Votes that do not decode: each costs the peer an invalid-message offence; at the ban
    // score it is banned and dropped.
    for (int i = 0; i < 8; ++i) {
        peer.send(service_key.id(),
                  p2p::ChannelMessage{p2p::Channel::kConsensus, 1, Bytes{0xde, 0xad}});
    }
    EXPECT_TRUE(eventually([&] { return service.host().is_banned(peer_key.id()); }));
    EXPECT_TRUE(eventually([&] { return service.peer_count() == 0; }));

    peer.stop();
    service.stop();
    opened->reset();
    fs::remove_all(dir);
}

}  // namespace
}  // namespace qtm::node
