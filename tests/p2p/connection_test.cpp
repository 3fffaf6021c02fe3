// Connections over real loopback TCP in one process (one io_context thread): the handshake
// and status exchange, priorities, the send-queue budget, refusal of another genesis at the
// status step, a peer that never finishes the handshake (blamed), one that proves its id and
// then sends no status (dropped, not blamed), and one that sends garbage.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "handshake_support.hpp"
#include "p2p/connection.hpp"

namespace qtm::p2p {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace qtm::p2p::testing;

ConnectionConfig config_for(const NodeKey& key) {
    ConnectionConfig config;
    config.network = test_network();
    config.node_key = &key;
    config.status = Status{
        kProtocolVersion, test_network().chain_id, test_network().genesis_hash, 5, Hash32{}, 4,
        Hash32{}};
    config.handshake_timeout = std::chrono::seconds{20};
    return config;
}

struct Events {
    bool ready{false};
    std::vector<ChannelMessage> messages;
    std::optional<CloseReason> closed;
};

Connection::Handlers record(Events& events) {
    Connection::Handlers handlers;
    handlers.on_ready = [&events](Connection&) { events.ready = true; };
    handlers.on_message = [&events](Connection&, ChannelMessage m) {
        events.messages.push_back(std::move(m));
    };
    handlers.on_closed = [&events](Connection&, const CloseReason& r) { events.closed = r; };
    return handlers;
}

// A listening socket on 127.0.0.1 and a client socket connected to it.
struct Loopback {
    asio::io_context io;
    tcp::acceptor acceptor{io, {asio::ip::make_address("127.0.0.1"), 0}};
    tcp::socket client{io};
    tcp::socket server{io};
    Loopback() {
        client.connect(acceptor.local_endpoint());
        server = acceptor.accept();
    }
};

TEST(Connection, HandshakeStatusAndMessagesInPriorityOrder) {
    Loopback net;
    Events dialer;
    Events listener;
    auto server = Connection::create(std::move(net.server), config_for(responder_key()),
                                     std::nullopt, /*initiator=*/false, record(listener));
    auto handlers = record(dialer);
    handlers.on_ready = [&dialer](Connection& c) {
        dialer.ready = true;
        for (int i = 0; i < 5; ++i)
            c.send({Channel::kTransactions, 2, Bytes(3000, static_cast<std::uint8_t>(i))});
        c.send({Channel::kBlocks, 3, Bytes(10, 0xbb)});
        c.send({Channel::kConsensus, 1, Bytes(10, 0xcc)});
    };
    auto client = Connection::create(std::move(net.client), config_for(initiator_key()),
                                     responder_key().id(), /*initiator=*/true, handlers);
    server->start();
    client->start();
    while (listener.messages.size() < 7 && !listener.closed && !dialer.closed)
        net.io.run_one();

    ASSERT_TRUE(dialer.ready);
    ASSERT_TRUE(listener.ready);
    EXPECT_EQ(client->peer_id(), responder_key().id());
    EXPECT_EQ(server->peer_id(), initiator_key().id());
    EXPECT_EQ(server->peer_status().head_number, 5u);
    ASSERT_EQ(listener.messages.size(), 7u);
    // All seven were queued at once. At most one transaction can already be on the wire
    // (if no other write was in flight when the first was queued); the consensus message
    // then overtakes the rest, the block message follows, transactions keep their order.
    std::vector<Channel> channels;
    std::vector<int> transactions;
    for (const auto& m : listener.messages) {
        channels.push_back(m.channel);
        if (m.channel == Channel::kTransactions) transactions.push_back(m.payload[0]);
    }
    const auto at = [&channels](Channel c) {
        return std::find(channels.begin(), channels.end(), c) - channels.begin();
    };
    EXPECT_LE(at(Channel::kConsensus), 1);
    EXPECT_EQ(at(Channel::kBlocks), at(Channel::kConsensus) + 1);
    EXPECT_EQ(transactions, (std::vector<int>{0, 1, 2, 3, 4}));
}

// A dialer with `config` connects to a listener; once ready, it queues 50 consensus messages
// of 3,000 bytes in one go (the peer cannot read in between, as with a slow peer), then one
// blocks message of `block_bytes`. Runs until the dialer is ready.
struct Burst {
    std::shared_ptr<Connection> server;
    std::shared_ptr<Connection> client;
    std::size_t consensus_accepted{0};
    bool block_accepted{false};
};
Burst connect_and_burst(Loopback& net, Events& dialer, Events& listener, ConnectionConfig config,
                        std::size_t block_bytes) {
    Burst burst;
    burst.server = Connection::create(std::move(net.server), config_for(responder_key()),
                                      std::nullopt, /*initiator=*/false, record(listener));
    auto handlers = record(dialer);
    handlers.on_ready = [&](Connection& c) {
        dialer.ready = true;
        for (int i = 0; i < 50; ++i) {
            if (c.send({Channel::kConsensus, 1, Bytes(3000, std::uint8_t(i))})) {
                ++burst.consensus_accepted;
            }
        }
        burst.block_accepted = c.send({Channel::kBlocks, 3, Bytes(block_bytes, 0xbb)});
    };
    burst.client = Connection::create(std::move(net.client), config, responder_key().id(),
                                      /*initiator=*/true, handlers);
    burst.server->start();
    burst.client->start();
    while (!dialer.ready && !listener.closed && !dialer.closed)
        net.io.run_one();
    return burst;
}

// What passes a queue's budget is refused, not held; what was accepted arrives; once the
// queue has drained, sending works again. Other priorities have their own budget.
TEST(Connection, MessagesPastTheSendQueueBudgetAreDroppedNotHeld) {
    Loopback net;
    Events dialer;
    Events listener;
    ConnectionConfig config = config_for(initiator_key());
    config.max_queued_bytes = {10'000, 10'000, 10'000, 10'000};
    const Burst burst = connect_and_burst(net, dialer, listener, config, 9000);
    ASSERT_TRUE(dialer.ready);
    // 10,000 bytes hold three 3,002-byte messages; one more may already be on the wire.
    EXPECT_GE(burst.consensus_accepted, 3u);
    EXPECT_LE(burst.consensus_accepted, 4u);
    EXPECT_TRUE(burst.block_accepted) << "a full consensus queue does not close the blocks one";
    const std::size_t expected = burst.consensus_accepted + 1;
    while (listener.messages.size() < expected && !listener.closed && !dialer.closed)
        net.io.run_one();
    ASSERT_EQ(listener.messages.size(), expected);
    // Drained: the next message is taken again and arrives.
    EXPECT_TRUE(burst.client->send({Channel::kConsensus, 1, Bytes(3000, 0xee)}));
    while (listener.messages.size() < expected + 1 && !listener.closed && !dialer.closed)
        net.io.run_one();
    ASSERT_EQ(listener.messages.size(), expected + 1);
    EXPECT_EQ(listener.messages.back().payload, Bytes(3000, 0xee));
    EXPECT_FALSE(listener.closed);
}

// The host's connections share one budget on top of their own: past it a message is dropped
// unless its queue is empty, and what a closed connection held is given back.
TEST(Connection, TheHostsSharedSendBudgetBoundsAllQueuesTogether) {
    Loopback net;
    Events dialer;
    Events listener;
    auto shared = std::make_shared<SharedSendBudget>();
    shared->max_bytes = 10'000;
    ConnectionConfig config = config_for(initiator_key());
    config.shared_budget = shared;
    const Burst burst = connect_and_burst(net, dialer, listener, config, 3000);
    ASSERT_TRUE(dialer.ready);
    EXPECT_GE(burst.consensus_accepted, 3u);
    EXPECT_LE(burst.consensus_accepted, 4u);
    EXPECT_TRUE(burst.block_accepted) << "its queue was empty";
    EXPECT_GT(shared->queued_bytes.load(), 0u);
    burst.client->close({"test over", false});
    EXPECT_EQ(shared->queued_bytes.load(), 0u);
}

TEST(Connection, AnotherGenesisInTheStatusIsRefused) {
    Loopback net;
    Events dialer;
    Events listener;
    auto other = config_for(initiator_key());
    other.status.genesis_hash[0] ^= 1;
    auto server = Connection::create(std::move(net.server), config_for(responder_key()),
                                     std::nullopt, false, record(listener));
    auto client =
        Connection::create(std::move(net.client), other, std::nullopt, true, record(dialer));
    server->start();
    client->start();
    while (!listener.closed)
        net.io.run_one();
    EXPECT_FALSE(listener.ready);
    EXPECT_EQ(listener.closed->message, "peer status has another genesis hash");
    EXPECT_FALSE(listener.closed->peer_to_blame);
}

TEST(Connection, APeerThatNeverFinishesTheHandshakeIsDropped) {
    Loopback net;
    Events listener;
    auto config = config_for(responder_key());
    config.handshake_timeout = std::chrono::milliseconds{200};
    auto server =
        Connection::create(std::move(net.server), config, std::nullopt, false, record(listener));
    server->start();
    asio::write(net.client, asio::buffer(Bytes(100, 0)));  // part of a hello, then silence
    while (!listener.closed)
        net.io.run_one();
    EXPECT_EQ(listener.closed->message, "handshake not finished in time");
    EXPECT_TRUE(listener.closed->peer_to_blame);
}

// The crypto handshake completes (the peer proved its node id), then no status comes: the
// connection is dropped on time but the peer is not blamed (a slow machine is no attacker).
TEST(Connection, APeerThatProvedItsIdButSendsNoStatusIsDroppedNotBlamed) {
    Loopback net;
    Events listener;
    auto config = config_for(responder_key());
    config.handshake_timeout = std::chrono::milliseconds{300};
    auto server =
        Connection::create(std::move(net.server), config, std::nullopt, false, record(listener));
    server->start();
    InitiatorHandshake handshake{test_network(), initiator_key(), responder_key().id(),
                                 InitiatorRandomness::fresh()};
    asio::write(net.client, asio::buffer(handshake.hello()));
    while (net.client.available() < kReplySize && !listener.closed)
        net.io.run_one();
    ASSERT_FALSE(listener.closed);
    Bytes reply(kReplySize);
    asio::read(net.client, asio::buffer(reply));
    auto finished = handshake.on_reply(reply);
    ASSERT_TRUE(finished.has_value());
    asio::write(net.client, asio::buffer(finished->finish));
    while (!listener.closed)
        net.io.run_one();
    EXPECT_EQ(server->peer_id(), initiator_key().id());
    EXPECT_FALSE(listener.ready);
    EXPECT_EQ(listener.closed->message, "handshake not finished in time");
    EXPECT_FALSE(listener.closed->peer_to_blame);
}

TEST(Connection, GarbageInsteadOfAHelloIsBlamed) {
    Loopback net;
    Events listener;
    auto server = Connection::create(std::move(net.server), config_for(responder_key()),
                                     std::nullopt, false, record(listener));
    server->start();
    Bytes garbage(kHelloSize, 0x5a);
    garbage[0] = 0;
    garbage[1] = 1;  // the right version, a wrong chain id
    asio::write(net.client, asio::buffer(garbage));
    while (!listener.closed)
        net.io.run_one();
    EXPECT_EQ(listener.closed->message, "handshake failed: peer is on another chain id");
    garbage = Bytes(kHelloSize, 0x5a);
    Loopback net2;
    Events listener2;
    auto hello = InitiatorHandshake{test_network(), initiator_key(), std::nullopt,
                                    fixed_initiator_randomness()}
                     .hello();
    for (std::size_t i = 74; i < hello.size(); ++i)
        hello[i] = 0xff;  // every ML-KEM coefficient >= q
    auto server2 = Connection::create(std::move(net2.server), config_for(responder_key()),
                                      std::nullopt, false, record(listener2));
    server2->start();
    asio::write(net2.client, asio::buffer(hello));
    while (!listener2.closed)
        net2.io.run_one();
    EXPECT_EQ(listener2.closed->message,
              "handshake failed: peer's ML-KEM encapsulation key is invalid");
    EXPECT_TRUE(listener2.closed->peer_to_blame);
}

}  // namespace
}  // namespace qtm::p2p
