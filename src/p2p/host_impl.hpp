// Host's insides, shared by host.cpp (life cycle, public methods, listener),
// host_connections.cpp (connection events, messages, peer exchange) and host_dialer.cpp
// (dials, backoff, the maintenance tick, the address book). Not part of the API.
//
// Threads: everything not under `state_mutex_` or `gossip_mutex_` is touched only on the
// io thread. The locks are held only for bookkeeping, never around a Connection call (which
// may run a close handler) or an application handler (which may call the host back).
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "p2p/address_book.hpp"
#include "p2p/connection.hpp"
#include "p2p/host.hpp"

namespace qtm::p2p {

class Host::Impl {
public:
    Impl(const NodeKey& key, HostConfig config, Handlers handlers);

    void start();
    void stop();

    // What each connection carries from its creation: who, from where, which way.
    struct Context {
        std::string ip;
        bool inbound{false};
        std::optional<PeerUrl> dialed;  // outbound: the address dialed
        bool handshaking{true};
    };
    struct Peer {
        std::shared_ptr<Connection> connection;
        std::shared_ptr<Context> context;
        PeerRateLimiter limiter;
        bool asked_for_peers{false};
    };
    struct DialState {
        std::uint32_t failures{0};
        PeerClock::time_point next{};
        bool in_flight{false};
    };

    // host_connections.cpp
    std::shared_ptr<Connection> make_connection(boost::asio::ip::tcp::socket socket,
                                                std::shared_ptr<Context> context);
    void on_ready(Connection& connection, const std::shared_ptr<Context>& context);
    void on_message(Connection& connection, ChannelMessage message);
    void on_closed(Connection& connection, const std::shared_ptr<Context>& context,
                   const CloseReason& reason);
    void on_peers_message(const NodeId& id, Peer& peer, const ChannelMessage& message);
    void send_to(Peer& peer, const ChannelMessage& message);
    void penalize(const NodeId& id, Offence offence, const std::string& why);
    PeerInfo info_of(const NodeId& id) const;  // under state_mutex_

    // host_dialer.cpp
    void tick();
    void schedule_tick();
    void maintain();
    void dial(const PeerUrl& url);
    void on_dial_failed(const NodeId& id);
    bool may_dial(const NodeId& id, PeerClock::time_point now) const;
    bool needs_validation(const AddressEntry& entry, PeerClock::time_point now) const;
    void save_address_book();
    void load_address_book();

    // host.cpp
    // Messages posted to the io thread by other threads wait in its backlog; past
    // kMaxBacklogBytes they are dropped (and counted), so a starved io thread cannot grow
    // memory without bound. hold_backlog returns the bytes held (0: dropped), which the
    // posted handler gives back with release_backlog.
    [[nodiscard]] std::size_t hold_backlog(const ChannelMessage& message);
    void release_backlog(std::size_t bytes) noexcept;
    void accept_next();
    void shutdown();
    [[nodiscard]] PeerClock::time_point now() const { return clock_->now(); }

    const NodeKey& key_;
    HostConfig config_;
    Handlers handlers_;
    std::shared_ptr<const Clock> clock_;
    RandomSource random_;

    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer tick_timer_;
    std::thread thread_;
    bool started_{false};
    bool stopping_{false};  // io thread: no handler runs from here on

    // io thread only.
    std::map<NodeId, Peer> peers_;
    std::set<std::shared_ptr<Connection>> handshaking_;
    std::map<NodeId, DialState> dials_;
    std::vector<PeerUrl> persistent_;
    AddressBook book_;
    PeerClock::time_point last_exchange_{};
    PeerClock::time_point last_save_{};

    mutable std::mutex state_mutex_;
    PeerManager manager_;
    std::map<NodeId, PeerInfo> view_;
    Status status_;
    std::optional<std::uint16_t> listen_port_;

    mutable std::mutex gossip_mutex_;
    Gossip gossip_;

    HostCounters counters_;
    std::atomic<std::size_t> backlog_bytes_{0};
    // io thread only: what all connections have queued.
    std::shared_ptr<SharedSendBudget> send_budget_{std::make_shared<SharedSendBudget>()};
};

}  // namespace qtm::p2p
