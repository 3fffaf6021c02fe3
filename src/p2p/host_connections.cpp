// Host: connection events (ready, message, closed), duplicates, rate limits, scores, bans,
// the status and peers channels.
#include <spdlog/spdlog.h>

#include "base/log_limiter.hpp"
#include "p2p/host_impl.hpp"
#include "p2p/peer_exchange.hpp"

namespace qtm::p2p {
namespace {

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A peer can make the host ban it as often as it reconnects: rate-limit the log line.
void log_ban(const NodeId& id, const std::string& ip, const std::string& why) {
    static LogLimiter limiter;
    if (const auto dropped = limiter.admit()) {
        spdlog::info("p2p: banned peer {} at {}: {}{}", to_string(id).substr(0, 16), ip, why,
                     dropped_note(*dropped));
    }
}

// Why a handshake failed (another chain id or genesis, a wrong node id, a timeout): the one
// place an operator learns why a configured peer never connects. Rate-limited like bans.
void log_handshake_failure(const Host::Impl::Context& context, const std::string& why) {
    static LogLimiter limiter;
    if (const auto dropped = limiter.admit()) {
        spdlog::info("p2p: handshake {} {} failed: {}{}", context.inbound ? "from" : "with",
                     context.dialed ? to_string(*context.dialed) : context.ip, why,
                     dropped_note(*dropped));
    }
}

}  // namespace

std::shared_ptr<Connection> Host::Impl::make_connection(boost::asio::ip::tcp::socket socket,
                                                        std::shared_ptr<Context> context) {
    ConnectionConfig config;
    config.network = config_.network;
    config.node_key = &key_;
    {
        const std::lock_guard lock{state_mutex_};
        config.status = status_;
    }
    config.handshake_timeout = config_.handshake_timeout;
    config.shared_budget = send_budget_;
    Connection::Handlers handlers;
    handlers.on_ready = [this, context](Connection& c) { on_ready(c, context); };
    handlers.on_message = [this](Connection& c, ChannelMessage m) { on_message(c, std::move(m)); };
    handlers.on_closed = [this, context](Connection& c, const CloseReason& r) {
        on_closed(c, context, r);
    };
    std::optional<NodeId> expected;
    if (context->dialed) expected = context->dialed->node_id;
    return Connection::create(std::move(socket), config, expected,
                              /*initiator=*/!context->inbound, std::move(handlers));
}

PeerInfo Host::Impl::info_of(const NodeId& id) const {
    PeerInfo info = view_.at(id);
    info.score = manager_.score(id);
    return info;
}

void Host::Impl::on_ready(Connection& connection, const std::shared_ptr<Context>& context) {
    auto self = connection.shared_from_this();
    handshaking_.erase(self);
    context->handshaking = false;
    const NodeId id = connection.peer_id();
    const PeerClock::time_point at = now();
    if (context->inbound) {
        const std::lock_guard lock{state_mutex_};
        manager_.end_handshake(context->ip);
    }
    if (context->dialed) {
        auto& dial = dials_[id];
        dial.in_flight = false;
        dial.failures = 0;
        // The handshake proved this node id at the dialed address, whichever of two
        // duplicate connections is kept below.
        book_.mark_connected(*context->dialed, unix_now());
    }

    // One connection per node id. When both sides dialed at once, both keep the connection
    // dialed by the smaller node id, so they agree without talking about it.
    if (auto existing = peers_.find(id); existing != peers_.end()) {
        const auto dialer_of = [&](bool inbound) { return inbound ? id : key_.id(); };
        const bool replace =
            existing->second.context->inbound != context->inbound &&
            dialer_of(context->inbound) < dialer_of(existing->second.context->inbound);
        HostCounters::add(counters_.refused);
        if (!replace) return connection.close({"duplicate connection", false});
        auto old = existing->second.connection;
        {
            const std::lock_guard lock{state_mutex_};
            manager_.on_disconnected(id);
            (void)manager_.on_connected(id, context->ip, context->inbound, at);
            view_[id].inbound = context->inbound;
            view_[id].remote_endpoint = connection.remote_endpoint();
        }
        HostCounters::add(context->inbound ? counters_.inbound_peers : counters_.outbound_peers);
        HostCounters::add(
            existing->second.context->inbound ? counters_.inbound_peers : counters_.outbound_peers,
            static_cast<std::uint64_t>(-1));
        existing->second.connection = self;
        existing->second.context = context;
        // A GetPeers sent on the old connection is answered there, if at all: ask again on
        // this one (otherwise the question stays open forever and peer exchange stops).
        existing->second.asked_for_peers = false;
        old->close({"duplicate connection", false});
        return;
    }

    PeerInfo info;
    {
        const std::lock_guard lock{state_mutex_};
        if (auto admitted = manager_.on_connected(id, context->ip, context->inbound, at);
            !admitted) {
            HostCounters::add(counters_.refused);
            return connection.close({std::string{to_string(admitted.error())}, false});
        }
        info.id = id;
        info.remote_endpoint = connection.remote_endpoint();
        info.inbound = context->inbound;
        info.since = std::chrono::system_clock::now();
        info.status = connection.peer_status();
        view_[id] = info;
        info.score = manager_.score(id);
    }
    HostCounters::add(context->inbound ? counters_.inbound_peers : counters_.outbound_peers);
    auto [it, inserted] =
        peers_.emplace(id, Peer{self, context, PeerRateLimiter{config_.rate_limits, at}, false});
    // Ask every new peer for addresses, telling it where we listen so it can dial us back.
    if (config_.peer_exchange) {
        GetPeers request;
        {
            const std::lock_guard lock{state_mutex_};
            request.listen_port = listen_port_.value_or(0);
        }
        it->second.asked_for_peers = true;
        send_to(it->second, encode_get_peers(request));
    }
    if (handlers_.on_peer_connected) handlers_.on_peer_connected(info);
}

void Host::Impl::send_to(Peer& peer, const ChannelMessage& message) {
    const auto channel = static_cast<std::size_t>(message.channel);
    const std::uint64_t size = 2 + message.payload.size();
    if (!peer.connection->send(message)) {
        HostCounters::add(counters_.send_dropped[channel]);
        return;
    }
    HostCounters::add(counters_.bytes_sent[channel], size);
    HostCounters::add(counters_.messages_sent[channel]);
    {
        const std::lock_guard lock{state_mutex_};
        if (auto it = view_.find(peer.connection->peer_id()); it != view_.end()) {
            it->second.bytes_out += size;
        }
    }
}

void Host::Impl::on_message(Connection& connection, ChannelMessage message) {
    if (stopping_) return;
    const NodeId id = connection.peer_id();
    const auto it = peers_.find(id);
    if (it == peers_.end() || it->second.connection.get() != &connection) return;
    Peer& peer = it->second;
    const auto channel = static_cast<std::size_t>(message.channel);
    const std::uint64_t size = 2 + message.payload.size();
    HostCounters::add(counters_.bytes_received[channel], size);
    HostCounters::add(counters_.messages_received[channel]);
    {
        const std::lock_guard lock{state_mutex_};
        view_[id].bytes_in += size;
    }
    if (!peer.limiter.allow(message.channel, size, now())) {
        HostCounters::add(counters_.rate_limited);
        return penalize(id, Offence::kFlooding, "over its rate limit");
    }
    switch (message.channel) {
        case Channel::kPeers:
            return on_peers_message(id, peer, message);
        case Channel::kStatus: {
            auto status = decode_status(message.payload);
            Status own;
            {
                const std::lock_guard lock{state_mutex_};
                own = status_;
            }
            if (!status) return connection.close({std::string{to_string(status.error())}, true});
            if (auto ok = check_peer_status(own, *status); !ok) {
                return connection.close(
                    {std::string{to_string(ok.error())}, peer_is_to_blame(ok.error())});
            }
            {
                const std::lock_guard lock{state_mutex_};
                view_[id].status = *status;
            }
            break;
        }
        case Channel::kConsensus:
        case Channel::kBlocks:
        case Channel::kTransactions:
            break;
    }
    if (handlers_.on_message) handlers_.on_message(id, std::move(message));
}

void Host::Impl::on_peers_message(const NodeId& id, Peer& peer, const ChannelMessage& message) {
    switch (static_cast<PeerMessageType>(message.type)) {
        case PeerMessageType::kGetPeers: {
            auto request = decode_get_peers(message.payload);
            if (!request) {
                return penalize(id, Offence::kInvalidMessage, to_string(request.error()).data());
            }
            // Without peer exchange: an answer, but no address given or learned.
            if (!config_.peer_exchange) return send_to(peer, encode_peer_addresses({}));
            // An inbound peer's listen address is only a candidate until we reach it there.
            if (peer.context->inbound && request->listen_port != 0) {
                book_.add_candidate(PeerUrl{id, peer.context->ip, request->listen_port});
            }
            PeerAddresses response{book_.validated(request->max, id)};
            return send_to(peer, encode_peer_addresses(response));
        }
        case PeerMessageType::kPeers: {
            if (!peer.asked_for_peers) {
                return penalize(id, Offence::kUnrequestedMessage, "addresses nobody asked for");
            }
            peer.asked_for_peers = false;
            auto response = decode_peer_addresses(message.payload);
            if (!response) {
                return penalize(id, Offence::kInvalidMessage, to_string(response.error()).data());
            }
            for (const PeerUrl& url : response->addresses) {
                if (url.node_id != key_.id()) book_.add_candidate(url);
            }
            return maintain();
        }
    }
    penalize(id, Offence::kInvalidMessage, to_string(PeerExchangeError::kUnknownType).data());
}

void Host::Impl::penalize(const NodeId& id, Offence offence, const std::string& why) {
    const auto it = peers_.find(id);
    if (it == peers_.end()) return;
    bool banned = false;
    {
        const std::lock_guard lock{state_mutex_};
        banned = manager_.penalize(id, it->second.context->ip, offence, now());
    }
    if (!banned) return;
    HostCounters::add(counters_.bans);
    log_ban(id, it->second.context->ip, why);
    it->second.connection->close({"banned: " + why, /*peer_to_blame=*/true});
}

void Host::Impl::on_closed(Connection& connection, const std::shared_ptr<Context>& context,
                           const CloseReason& reason) {
    auto self = connection.shared_from_this();
    const PeerClock::time_point at = now();
    if (context->handshaking) {
        handshaking_.erase(self);
        HostCounters::add(counters_.handshake_failures);
        bool banned = false;
        {
            const std::lock_guard lock{state_mutex_};
            if (context->inbound) manager_.end_handshake(context->ip);
            // Before the status, a peer id is known only if the handshake itself passed.
            if (reason.peer_to_blame && !stopping_) {
                const NodeId id = connection.peer_id();
                banned = id == NodeId{}
                             ? manager_.penalize_unidentified(context->ip,
                                                              Offence::kHandshakeFailure, at)
                             : manager_.penalize(id, context->ip, Offence::kProtocolViolation, at);
            }
        }
        if (!stopping_) log_handshake_failure(*context, reason.message);
        if (banned) {
            HostCounters::add(counters_.bans);
            log_ban(connection.peer_id(), context->ip, reason.message);
        }
        if (context->dialed && !stopping_) on_dial_failed(context->dialed->node_id);
        return;
    }
    const NodeId id = connection.peer_id();
    const auto it = peers_.find(id);
    if (it == peers_.end() || it->second.connection != self) return;  // a duplicate's close
    peers_.erase(it);
    bool banned = false;
    {
        const std::lock_guard lock{state_mutex_};
        manager_.on_disconnected(id);
        view_.erase(id);
        if (reason.peer_to_blame && !stopping_ && !manager_.is_banned(id, at)) {
            banned = manager_.penalize(id, context->ip, Offence::kProtocolViolation, at);
        }
    }
    {
        const std::lock_guard lock{gossip_mutex_};
        gossip_.forget_peer(id);
    }
    HostCounters::add(context->inbound ? counters_.inbound_peers : counters_.outbound_peers,
                      static_cast<std::uint64_t>(-1));
    if (banned) {
        HostCounters::add(counters_.bans);
        log_ban(id, context->ip, reason.message);
    }
    if (stopping_) return;
    if (context->dialed) {
        // Redial a lost outbound peer after one backoff step, not at once: a peer that
        // accepts and drops us must not make us spin.
        auto& dial = dials_[id];
        dial.failures = std::max<std::uint32_t>(dial.failures, 1);
        dial.next = at + backoff_delay(config_.backoff, dial.failures, random_);
    }
    if (handlers_.on_peer_disconnected) handlers_.on_peer_disconnected(id, reason);
}

}  // namespace qtm::p2p
