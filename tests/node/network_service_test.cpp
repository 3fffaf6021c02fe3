// NetworkService over a real p2p Host on loopback, with a bare Host as its one peer: a
// transaction the peer pushes is admitted to the node's pool; a transaction admitted locally
// (RPC) is pushed to the peer; a new peer is announced the pool's hashes and the node
// fetches what a peer announces; a peer that sends consensus messages that do not decode,
// or answers a request never sent, is reported and, at the ban score, banned. (Consensus between
// services: the validator_network integration test, with real qtmd processes.)
#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
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

// A NetworkService over a real node (a full node: no signer, no WAL) and a bare Host as
// its one peer, which records every message it receives.
class NetworkServiceWithPeer : public ::testing::Test {
protected:
    void SetUp() override {
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        NodeOptions options;
        options.datadir = (dir_ / "db").string();
        options.spec = spec_;
        options.state_history = 0;
        auto opened = Node::open(std::move(options));
        ASSERT_TRUE(opened.has_value()) << opened.error().message;
        node_ = std::move(*opened);
        NetworkServiceConfig config;
        config.host.listen_address = "127.0.0.1";
        config.host.listen_port = 0;
        service_ = std::make_unique<NetworkService>(config, *node_, service_key_, nullptr, nullptr,
                                                    NetworkService::HaltHandler{});
        service_->start();
    }
    void TearDown() override {
        if (peer_) peer_->stop();
        if (service_) service_->stop();
        service_.reset();
        node_.reset();
        fs::remove_all(dir_);
    }
    void connect_peer() {
        const auto port = service_->host().listen_port();
        ASSERT_TRUE(port.has_value());
        p2p::HostConfig peer_config;
        peer_config.network =
            p2p::NetworkIdentity{p2p::kProtocolVersion, spec_.chain_id, node_->genesis_hash()};
        peer_config.status = p2p::Status{p2p::kProtocolVersion, spec_.chain_id,
                                         node_->genesis_hash(), 0,
                                         node_->genesis_hash(), 0,
                                         node_->genesis_hash()};
        peer_config.listen_port = std::nullopt;
        peer_config.persistent_peers = {p2p::PeerUrl{service_key_.id(), "127.0.0.1", *port}};
        p2p::Host::Handlers handlers;
        handlers.on_message = [this](const p2p::NodeId&, p2p::ChannelMessage message) {
            std::lock_guard lock{mutex_};
            received_.push_back(std::move(message));
        };
        peer_ = std::make_unique<p2p::Host>(peer_key_, peer_config, handlers);
        peer_->start();
        ASSERT_TRUE(
            eventually([&] { return service_->peer_count() == 1 && peer_->peer_count() == 1; }));
    }
    // The transactions-channel messages the peer has received so far, decoded.
    std::vector<p2p::TransactionsMessage> received_transactions() {
        std::lock_guard lock{mutex_};
        std::vector<p2p::TransactionsMessage> messages;
        for (const auto& message : received_) {
            if (message.channel != p2p::Channel::kTransactions) continue;
            auto decoded = p2p::decode_transactions_message(message.type, message.payload);
            EXPECT_TRUE(decoded.has_value());
            if (decoded) messages.push_back(std::move(*decoded));
        }
        return messages;
    }
    template <typename Message>
    std::vector<Message> received_of_type() {
        std::vector<Message> found;
        for (auto& message : received_transactions()) {
            if (auto* typed = std::get_if<Message>(&message)) found.push_back(std::move(*typed));
        }
        return found;
    }
    static p2p::NodeKey key_from(std::uint8_t fill) {
        ByteArray<32> seed{};
        seed.fill(fill);
        return p2p::NodeKey::from_seed(seed);
    }

    const fs::path dir_ =
        fs::temp_directory_path() / ("qtm-network-service-" + std::to_string(::getpid()));
    const chain::ChainSpec spec_ = *chain::builtin_chain_spec("testnet");
    const p2p::NodeKey service_key_ = key_from(1);
    const p2p::NodeKey peer_key_ = key_from(2);
    std::unique_ptr<Node> node_;
    std::unique_ptr<NetworkService> service_;
    std::unique_ptr<p2p::Host> peer_;
    std::mutex mutex_;
    std::vector<p2p::ChannelMessage> received_;
};

TEST_F(NetworkServiceWithPeer, GossipsTransactionsBothWaysAndBansAPeerThatSendsGarbage) {
    connect_peer();
    Node& node = *node_;
    NetworkService& service = *service_;
    p2p::Host& peer = *peer_;
    const chain::ChainSpec& spec = spec_;
    const p2p::NodeKey& service_key = service_key_;
    const p2p::NodeKey& peer_key = peer_key_;

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
        for (const auto& pooled : received_of_type<p2p::PooledTransactions>()) {
            for (const Bytes& raw : pooled.transactions) {
                if (raw == local_raw) return true;
            }
        }
        return false;
    }));
    // The peer's own transaction is not sent back to it, and nothing but pushes was sent
    // (the pool was empty when it connected: no announcement).
    for (const auto& message : received_transactions()) {
        const auto* pooled = std::get_if<p2p::PooledTransactions>(&message);
        ASSERT_NE(pooled, nullptr);
        for (const Bytes& raw : pooled->transactions)
            EXPECT_NE(raw, chain::encode(pushed));
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
}

TEST_F(NetworkServiceWithPeer, AnnouncesItsPoolToANewPeerAndFetchesWhatThePeerAnnounces) {
    // Admitted while no peer is connected: pushed to nobody.
    const chain::Transaction early = transfer(spec_, 2);
    ASSERT_TRUE(node_->submit_transaction(early).has_value());
    connect_peer();

    // 1. On connecting, the peer is told the pool's hashes with their types and sizes.
    const Hash32 early_hash = chain::transaction_hash(early);
    ASSERT_TRUE(eventually([&] {
        for (const auto& announcement : received_of_type<p2p::NewPooledTransactionHashes>()) {
            for (std::size_t i = 0; i < announcement.hashes.size(); ++i) {
                if (announcement.hashes[i] != early_hash) continue;
                EXPECT_EQ(announcement.types[i], chain::kTransactionType);
                EXPECT_EQ(announcement.sizes[i], chain::encode(early).size());
                return true;
            }
        }
        return false;
    }));

    // 2. The peer announces one the node lacks: the node asks for it by hash, and admits the
    // answer (it is not pushed back to the peer that had it).
    const chain::Transaction announced = transfer(spec_, 3);
    const Bytes announced_raw = chain::encode(announced);
    const Hash32 announced_hash = chain::transaction_hash(announced);
    peer_->send(service_key_.id(), p2p::encode_transactions_message(p2p::NewPooledTransactionHashes{
                                       Bytes{chain::kTransactionType},
                                       {static_cast<std::uint32_t>(announced_raw.size())},
                                       {announced_hash}}));
    std::optional<p2p::GetPooledTransactions> request;
    ASSERT_TRUE(eventually([&] {
        for (auto& asked : received_of_type<p2p::GetPooledTransactions>()) {
            if (asked.hashes == std::vector<Hash32>{announced_hash}) request = asked;
        }
        return request.has_value();
    }));
    peer_->send(service_key_.id(), p2p::encode_transactions_message(p2p::PooledTransactions{
                                       request->request_id, {announced_raw}}));
    EXPECT_TRUE(eventually([&] { return node_->pool().get(announced_hash).has_value(); }));
    EXPECT_TRUE(eventually([&] {
        const ConsensusProgress progress = service_->progress();
        return progress.service.transactions_fetched == 1 && progress.service.hashes_announced >= 1;
    }));

    // 3. An answer to a request never sent is the peer's fault.
    peer_->send(service_key_.id(),
                p2p::encode_transactions_message(p2p::PooledTransactions{
                    request->request_id + 1000, {chain::encode(transfer(spec_, 4))}}));
    EXPECT_TRUE(eventually([&] { return service_->progress().service.decode_errors >= 1; }));
    EXPECT_FALSE(node_->pool().get(chain::transaction_hash(transfer(spec_, 4))).has_value());
}

}  // namespace
}  // namespace qtm::node
