// The object a node runs to be on the network: a listener and a dialer over the existing
// Connection (handshake, session, status), limits and bans through PeerManager, persistent
// peers and bootnodes, an address book saved in the data directory and filled by peer
// exchange, dial backoff, per-peer rate limits, and gossip that forwards each item to each
// peer at most once.
//
//   application ── send / broadcast / relay / report / add_peer / update_status ──► Host
//        ▲                                                      (posted to its thread)
//        └── on_peer_connected / on_message / on_peer_disconnected ── Host's thread
//
// Host owns a Boost.Asio io_context and one thread that runs it. Every handler runs on that
// thread; every public method may be called from any thread (the ones that act are posted
// to the host's thread; the ones that read take a lock). Payloads stay opaque bytes, except
// the `peers` channel, which the host handles itself (peer_exchange.hpp) and never delivers.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "p2p/backoff.hpp"
#include "p2p/clock.hpp"
#include "p2p/connection.hpp"
#include "p2p/gossip.hpp"
#include "p2p/host_counters.hpp"
#include "p2p/peer_manager.hpp"
#include "p2p/peer_url.hpp"
#include "p2p/rate_limiter.hpp"

namespace qtm::p2p {

struct HostConfig {
    NetworkIdentity network;
    Status status;  // announced to new peers; update_status() changes it
    // Where to listen; no port: do not listen (a node that only dials).
    std::string listen_address = "0.0.0.0";
    std::optional<std::uint16_t> listen_port = 0;  // 0: any free port (listen_port() says)
    std::vector<PeerUrl> persistent_peers;         // always redialed
    std::vector<PeerUrl> bootnodes;                // dialed to find peers while we have none
    std::filesystem::path address_book_path;       // empty: kept in memory only
    // Dial from the address book while fewer outbound peers than this are connected.
    std::size_t target_outbound = 8;
    PeerLimits limits;
    RateLimits rate_limits;
    BackoffPolicy backoff;
    std::chrono::milliseconds handshake_timeout{std::chrono::seconds{10}};
    std::chrono::milliseconds dial_timeout{std::chrono::seconds{10}};  // TCP connect
    std::chrono::milliseconds tick{std::chrono::seconds{1}};  // dials, peer exchange, saves
    std::chrono::milliseconds peer_exchange_interval{std::chrono::minutes{1}};
    // false (CometBFT's `pex = false`): dial only the persistent peers and the bootnodes;
    // ask no peer for addresses, answer GetPeers with none, learn no address (not even an
    // inbound peer's listen port), dial no inbound peer back, and neither load nor save the
    // address book. For networks whose topology is fixed (tests routing through proxies).
    bool peer_exchange = true;
    std::chrono::milliseconds address_book_save_interval{std::chrono::seconds{30}};
    std::size_t gossip_seen_capacity = 100'000;
    std::size_t gossip_per_peer_capacity = 10'000;
    std::shared_ptr<const Clock> clock;  // null: the steady clock
    RandomSource random;                 // null: seeded from the OS
};

struct PeerInfo {
    NodeId id{};
    std::string remote_endpoint;  // ip:port as seen from here
    bool inbound{false};
    std::chrono::system_clock::time_point since{};
    int score{0};
    std::uint64_t bytes_in{0};  // message bytes, as counted in HostCounters
    std::uint64_t bytes_out{0};
    Status status;  // the peer's latest status
};

struct NodeInfo {
    NodeId id{};
    std::optional<std::uint16_t> listen_port;  // the bound port, once listening
    std::string url;                           // qtm://<id>@<listen address>:<port>, if listening
    Status status;
};

class Host {
public:
    struct Handlers {
        std::function<void(const PeerInfo&)> on_peer_connected;
        // Every message on the consensus, blocks, transactions and status channels within
        // the peer's rate limits (status updates also refresh PeerInfo::status).
        std::function<void(const NodeId&, ChannelMessage)> on_message;
        std::function<void(const NodeId&, const CloseReason&)> on_peer_disconnected;
    };

    // `key` is not owned and must outlive the host.
    Host(const NodeKey& key, HostConfig config, Handlers handlers);
    ~Host();  // stop()
    Host(const Host&) = delete;
    Host& operator=(const Host&) = delete;

    // Loads the address book (a corrupt one: a warning and an empty book), binds the
    // listener and starts the thread. Throws std::runtime_error if the port cannot be bound.
    void start();
    // Closes every connection, saves the address book and joins the thread; no handler runs
    // after it returns. Idempotent.
    void stop();

    // Sends to one connected peer (dropped if it is not connected by then). A payload over
    // its channel's limit is a programming error: std::invalid_argument, in the caller.
    void send(const NodeId& peer, ChannelMessage message);
    void broadcast(ChannelMessage message);
    // Gossip. note_received(): an item arrived from `from`; true the first time (the caller
    // then checks it, delivers it and relays it). relay(): forwards an item the caller has
    // checked to every connected peer not known to have it, each at most once ever; `from`
    // (nullopt for our own items) is never sent it back.
    [[nodiscard]] bool note_received(const ItemId& item, const NodeId& from);
    void relay(const ItemId& item, ChannelMessage message, const std::optional<NodeId>& from);
    // The application found a message from `peer` invalid (it is to blame): the score
    // drops, and the peer is disconnected and banned once the score reaches the ban level.
    void report(const NodeId& peer, Offence offence);
    // Adds a persistent peer and dials it (admin_addPeer).
    Result<void, PeerUrlError> add_peer(std::string_view url);
    // The head and finalized block new peers see; sent to connected peers as well.
    void update_status(const Status& status);

    [[nodiscard]] std::vector<PeerInfo> peers() const;
    [[nodiscard]] std::size_t peer_count() const;
    [[nodiscard]] NodeInfo node_info() const;
    [[nodiscard]] std::optional<std::uint16_t> listen_port() const;
    [[nodiscard]] bool is_banned(const NodeId& peer) const;
    [[nodiscard]] bool is_banned(const std::string& ip) const;
    [[nodiscard]] HostCountersSnapshot counters() const;

    class Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace qtm::p2p
