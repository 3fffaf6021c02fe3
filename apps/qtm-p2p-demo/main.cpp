// qtm-p2p-demo: two or more processes on loopback talking QTM p2p v1 (the hybrid
// handshake, the encrypted session, channel messages). A listener echoes every consensus
// and transactions message back (and scores and bans peers that misbehave); a dialer sends
// some, waits for the echoes and exits 0.
//
//   qtm-p2p-demo --seed <64 hex> --listen 0
//       prints "node-id <hex>" and "listening <port>", then one line per event
//   qtm-p2p-demo --seed <64 hex> --dial qtm://<node-id>@127.0.0.1:<port> --count 10
//       prints "ready <peer id>", "echoed <n>" and exits 0; on failure "error: ..." and 1
#include <CLI/CLI.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <iostream>
#include <set>

#include "base/hex.hpp"
#include "p2p/connection.hpp"
#include "p2p/peer_manager.hpp"

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace qtm;
using namespace qtm::p2p;

namespace {

struct Address {
    NodeId node_id;
    std::string host;
    std::uint16_t port;
};

// qtm://<64 hex node id>@host:port
std::optional<Address> parse_address(const std::string& text) {
    const std::string prefix = "qtm://";
    const auto at = text.find('@');
    const auto colon = text.rfind(':');
    if (text.rfind(prefix, 0) != 0 || at == std::string::npos || colon == std::string::npos ||
        colon < at) {
        return std::nullopt;
    }
    auto id =
        from_hex_fixed<32>(text.substr(prefix.size(), at - prefix.size()), HexPrefix::kForbidden);
    if (!id) return std::nullopt;
    try {
        const int port = std::stoi(text.substr(colon + 1));
        if (port <= 0 || port > 65535) return std::nullopt;
        return Address{*id, text.substr(at + 1, colon - at - 1), static_cast<std::uint16_t>(port)};
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

void say(const std::string& line) {
    std::cout << line << std::endl;  // flushed: the integration test reads it live
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"QTM p2p demo: hybrid post-quantum handshake and encrypted channels"};
    std::string seed_hex;
    int listen_port = -1;
    std::string dial;
    int count = 10;
    std::uint64_t chain_id = 7357;
    std::string genesis_hex(64, '0');
    int timeout_ms = 10000;
    app.add_option("--seed", seed_hex, "node key seed, 64 hex digits")->required();
    app.add_option("--listen", listen_port, "listen on 127.0.0.1:PORT (0: any free port)");
    app.add_option("--dial", dial, "dial qtm://<node-id>@host:port");
    app.add_option("--count", count, "messages the dialer sends");
    app.add_option("--chain-id", chain_id, "chain id");
    app.add_option("--genesis", genesis_hex, "genesis hash, 64 hex digits");
    app.add_option("--handshake-timeout-ms", timeout_ms, "handshake time limit");
    CLI11_PARSE(app, argc, argv);

    const auto seed = from_hex_fixed<32>(seed_hex, HexPrefix::kOptional);
    const auto genesis = from_hex_fixed<32>(genesis_hex, HexPrefix::kOptional);
    if (!seed || !genesis) {
        std::cerr << "error: --seed and --genesis take 64 hex digits\n";
        return 2;
    }
    if ((listen_port >= 0) == !dial.empty()) {
        std::cerr << "error: give exactly one of --listen and --dial\n";
        return 2;
    }
    const NodeKey key = NodeKey::from_seed(*seed);
    ConnectionConfig config;
    config.network = NetworkIdentity{kProtocolVersion, chain_id, *genesis};
    config.node_key = &key;
    config.status = Status{kProtocolVersion, chain_id, *genesis, 0, *genesis, 0, *genesis};
    config.handshake_timeout = std::chrono::milliseconds{timeout_ms};
    say("node-id " + to_string(key.id()));

    asio::io_context io;
    int exit_code = 0;
    std::set<std::shared_ptr<Connection>> connections;
    std::function<void(tcp::socket)> accept_peer;

    if (listen_port >= 0) {
        tcp::acceptor acceptor{
            io, {asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(listen_port)}};
        say("listening " + std::to_string(acceptor.local_endpoint().port()));
        asio::signal_set signals{io, SIGINT, SIGTERM};
        signals.async_wait([&](const boost::system::error_code&, int) { io.stop(); });
        // Handshake limits per IP, scores and bans. A peer that fails before identifying
        // itself is scored under a stand-in id derived from its IP.
        PeerManager peers{PeerLimits{}, key.id()};
        std::function<void()> accept_next = [&] {
            acceptor.async_accept([&](const boost::system::error_code& error, tcp::socket socket) {
                if (!error) accept_peer(std::move(socket));
                accept_next();
            });
        };
        accept_peer = [&](tcp::socket socket) {
            boost::system::error_code ignored;
            const std::string ip = socket.remote_endpoint(ignored).address().to_string();
            if (auto ok = peers.begin_handshake(ip, PeerClock::now()); !ok) {
                say("refused " + ip + ": " + std::string{to_string(ok.error())});
                socket.close(ignored);
                return;
            }
            auto handshaking = std::make_shared<bool>(true);
            Connection::Handlers handlers;
            handlers.on_ready = [&peers, ip, handshaking](Connection& c) {
                *handshaking = false;
                peers.end_handshake(ip);
                if (auto ok = peers.on_connected(c.peer_id(), ip, true, PeerClock::now()); !ok) {
                    return c.close({std::string{to_string(ok.error())}, false});
                }
                say("ready " + to_string(c.peer_id()));
            };
            handlers.on_message = [](Connection& c, ChannelMessage m) {
                say("recv " + std::string{to_string(m.channel)} + " " +
                    std::to_string(m.payload.size()));
                c.send(std::move(m));  // echo
            };
            handlers.on_closed = [&peers, &connections, ip, handshaking](Connection& c,
                                                                         const CloseReason& r) {
                say("closed " + r.message + (r.peer_to_blame ? " (peer to blame)" : ""));
                if (*handshaking) {
                    peers.end_handshake(ip);
                } else {
                    peers.on_disconnected(c.peer_id());
                }
                if (r.peer_to_blame) {
                    // Before the handshake ends the peer has no proven id: its IP is banned;
                    // after, its node id (PeerManager's rule).
                    if (*handshaking) {
                        if (peers.penalize_unidentified(ip, Offence::kHandshakeFailure,
                                                        PeerClock::now())) {
                            say("banned " + ip);
                        }
                    } else if (peers.penalize(c.peer_id(), ip, Offence::kProtocolViolation,
                                              PeerClock::now())) {
                        say("banned " + to_string(c.peer_id()));
                    }
                }
                connections.erase(c.shared_from_this());
            };
            auto connection = Connection::create(std::move(socket), config, std::nullopt,
                                                 /*initiator=*/false, handlers);
            connections.insert(connection);
            connection->start();
        };
        accept_next();
        io.run();
        return 0;
    }

    const auto address = parse_address(dial);
    if (!address) {
        std::cerr << "error: --dial takes qtm://<64 hex node id>@host:port\n";
        return 2;
    }
    tcp::socket socket{io};
    boost::system::error_code error;
    tcp::resolver resolver{io};
    asio::connect(socket, resolver.resolve(address->host, std::to_string(address->port)), error);
    if (error) {
        say("error: connect: " + error.message());
        return 1;
    }
    int echoed = 0;
    const int expected = count + 1;
    asio::steady_timer deadline{io, std::chrono::seconds{30}};
    deadline.async_wait([&](const boost::system::error_code& e) {
        if (!e) {
            say("error: timed out");
            exit_code = 1;
            io.stop();
        }
    });
    Connection::Handlers handlers;
    handlers.on_ready = [&](Connection& c) {
        say("ready " + to_string(c.peer_id()));
        // Transactions first, then one consensus message: the vote must not wait for them.
        for (int i = 0; i < count; ++i)
            c.send({Channel::kTransactions, 1, Bytes(3000, static_cast<std::uint8_t>(i))});
        c.send({Channel::kConsensus, 1, Bytes(100, 0xcc)});
    };
    handlers.on_message = [&](Connection& c, ChannelMessage) {
        if (++echoed == expected) {
            say("echoed " + std::to_string(echoed));
            c.close({"done", false});
        }
    };
    handlers.on_closed = [&](Connection&, const CloseReason& r) {
        if (echoed != expected) {
            say("error: " + r.message);
            exit_code = 1;
        }
        deadline.cancel();
        io.stop();
    };
    auto connection = Connection::create(std::move(socket), config, address->node_id,
                                         /*initiator=*/true, handlers);
    connection->start();
    io.run();
    return exit_code;
}
