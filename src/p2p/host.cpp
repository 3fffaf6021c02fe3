#include "p2p/host.hpp"

#include <boost/asio/post.hpp>
#include <random>
#include <stdexcept>

#include "p2p/host_impl.hpp"

namespace qtm::p2p {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

RandomSource os_seeded_random() {
    std::random_device device;
    auto engine = std::make_shared<std::mt19937_64>((std::uint64_t{device()} << 32) ^ device());
    return [engine] { return (*engine)(); };
}

void check_payload(const ChannelMessage& message) {
    if (message.payload.size() > max_payload_size(message.channel)) {
        throw std::invalid_argument("Host: payload over the " +
                                    std::string{to_string(message.channel)} + " channel's limit");
    }
}

// A few blocks' worth: far above what a healthy io thread ever has waiting.
constexpr std::size_t kMaxBacklogBytes = 32u << 20;

}  // namespace

std::size_t Host::Impl::hold_backlog(const ChannelMessage& message) {
    const std::size_t bytes = 2 + message.payload.size();
    const std::size_t before = backlog_bytes_.fetch_add(bytes, std::memory_order_relaxed);
    if (before + bytes > kMaxBacklogBytes && before != 0) {
        backlog_bytes_.fetch_sub(bytes, std::memory_order_relaxed);
        HostCounters::add(counters_.send_dropped[static_cast<std::size_t>(message.channel)]);
        return 0;
    }
    return bytes;
}

void Host::Impl::release_backlog(std::size_t bytes) noexcept {
    backlog_bytes_.fetch_sub(bytes, std::memory_order_relaxed);
}

Host::Impl::Impl(const NodeKey& key, HostConfig config, Handlers handlers)
    : key_{key},
      config_{std::move(config)},
      handlers_{std::move(handlers)},
      clock_{config_.clock ? config_.clock : std::make_shared<SteadyClock>()},
      random_{config_.random ? config_.random : os_seeded_random()},
      work_{asio::make_work_guard(io_)},
      acceptor_{io_},
      tick_timer_{io_},
      persistent_{config_.persistent_peers},
      manager_{config_.limits, key.id()},
      status_{config_.status},
      gossip_{config_.gossip_seen_capacity, config_.gossip_per_peer_capacity} {}

void Host::Impl::start() {
    if (started_) return;
    if (config_.peer_exchange) load_address_book();
    for (const PeerUrl& url : config_.bootnodes)
        book_.add_candidate(url);
    if (config_.listen_port) {
        const tcp::endpoint endpoint{asio::ip::make_address(config_.listen_address),
                                     *config_.listen_port};
        boost::system::error_code error;
        acceptor_.open(endpoint.protocol(), error);
        if (!error) acceptor_.set_option(tcp::acceptor::reuse_address(true), error);
        if (!error) acceptor_.bind(endpoint, error);
        if (!error) acceptor_.listen(asio::socket_base::max_listen_connections, error);
        if (error) {
            throw std::runtime_error("p2p: cannot listen on " + config_.listen_address + ":" +
                                     std::to_string(*config_.listen_port) + ": " + error.message());
        }
        const std::lock_guard lock{state_mutex_};
        listen_port_ = acceptor_.local_endpoint().port();
    }
    started_ = true;
    if (acceptor_.is_open()) accept_next();
    asio::post(io_, [this] { tick(); });
    thread_ = std::thread{[this] { io_.run(); }};
}

void Host::Impl::stop() {
    if (!started_) return;
    started_ = false;
    asio::post(io_, [this] { shutdown(); });
    thread_.join();
}

void Host::Impl::shutdown() {
    stopping_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    tick_timer_.cancel();
    std::vector<std::shared_ptr<Connection>> open;
    for (auto& [id, peer] : peers_)
        open.push_back(peer.connection);
    open.insert(open.end(), handshaking_.begin(), handshaking_.end());
    for (auto& connection : open)
        connection->close({"node shutting down", /*peer_to_blame=*/false});
    peers_.clear();
    handshaking_.clear();
    if (config_.peer_exchange) save_address_book();
    work_.reset();
    io_.stop();  // what is still queued (aborted reads and writes) is dropped, not run
}

void Host::Impl::accept_next() {
    acceptor_.async_accept([this](const boost::system::error_code& error, tcp::socket socket) {
        if (stopping_ || !acceptor_.is_open()) return;
        if (!error) {
            boost::system::error_code ignored;
            const auto remote = socket.remote_endpoint(ignored);
            auto context = std::make_shared<Context>();
            context->ip = remote.address().to_string();
            context->inbound = true;
            Result<void, Refusal> admitted = [&] {
                const std::lock_guard lock{state_mutex_};
                return manager_.begin_handshake(context->ip, now());
            }();
            if (!admitted) {
                HostCounters::add(counters_.refused);
                socket.close(ignored);
            } else {
                auto connection = make_connection(std::move(socket), context);
                handshaking_.insert(connection);
                connection->start();
            }
        }
        accept_next();
    });
}

Host::Host(const NodeKey& key, HostConfig config, Handlers handlers)
    : impl_{std::make_unique<Impl>(key, std::move(config), std::move(handlers))} {}

Host::~Host() {
    stop();
}

void Host::start() {
    impl_->start();
}

void Host::stop() {
    impl_->stop();
}

void Host::send(const NodeId& peer, ChannelMessage message) {
    check_payload(message);
    const std::size_t held = impl_->hold_backlog(message);
    if (held == 0) return;
    asio::post(impl_->io_, [impl = impl_.get(), peer, message = std::move(message), held] {
        impl->release_backlog(held);
        const auto it = impl->peers_.find(peer);
        if (it != impl->peers_.end()) impl->send_to(it->second, message);
    });
}

void Host::broadcast(ChannelMessage message) {
    check_payload(message);
    // One copy is posted; each peer's queue then holds its own.
    const std::size_t held = impl_->hold_backlog(message);
    if (held == 0) return;
    asio::post(impl_->io_, [impl = impl_.get(), message = std::move(message), held] {
        impl->release_backlog(held);
        for (auto& [id, peer] : impl->peers_)
            impl->send_to(peer, message);
    });
}

bool Host::note_received(const ItemId& item, const NodeId& from) {
    const std::lock_guard lock{impl_->gossip_mutex_};
    return impl_->gossip_.on_received(item, from);
}

void Host::relay(const ItemId& item, ChannelMessage message, const std::optional<NodeId>& from) {
    check_payload(message);
    const std::size_t held = impl_->hold_backlog(message);
    if (held == 0) return;
    asio::post(impl_->io_, [impl = impl_.get(), item, message = std::move(message), from, held] {
        impl->release_backlog(held);
        std::vector<NodeId> connected;
        for (const auto& [id, peer] : impl->peers_) {
            if (!from || id != *from) connected.push_back(id);
        }
        std::vector<NodeId> targets;
        {
            const std::lock_guard lock{impl->gossip_mutex_};
            impl->gossip_.on_received(item, from.value_or(impl->key_.id()));
            targets = impl->gossip_.relay_targets(item, connected);
        }
        for (const NodeId& id : targets)
            impl->send_to(impl->peers_.at(id), message);
        HostCounters::add(impl->counters_.gossip_relayed, targets.size());
    });
}

void Host::report(const NodeId& peer, Offence offence) {
    asio::post(impl_->io_, [impl = impl_.get(), peer, offence] {
        impl->penalize(peer, offence, "reported by the application");
    });
}

Result<void, PeerUrlError> Host::add_peer(std::string_view url) {
    auto parsed = parse_peer_url(url);
    if (!parsed) return unexpected(parsed.error());
    asio::post(impl_->io_, [impl = impl_.get(), peer = *parsed] {
        const bool known = std::any_of(impl->persistent_.begin(), impl->persistent_.end(),
                                       [&](const PeerUrl& p) { return p == peer; });
        if (!known) impl->persistent_.push_back(peer);
        impl->maintain();
    });
    return {};
}

void Host::update_status(const Status& status) {
    {
        const std::lock_guard lock{impl_->state_mutex_};
        impl_->status_ = status;
    }
    asio::post(impl_->io_, [impl = impl_.get(), status] {
        const ChannelMessage message{Channel::kStatus, 0, encode_status(status)};
        for (auto& [id, peer] : impl->peers_)
            impl->send_to(peer, message);
    });
}

std::vector<PeerInfo> Host::peers() const {
    const std::lock_guard lock{impl_->state_mutex_};
    std::vector<PeerInfo> out;
    for (const auto& [id, info] : impl_->view_)
        out.push_back(impl_->info_of(id));
    return out;
}

std::size_t Host::peer_count() const {
    const std::lock_guard lock{impl_->state_mutex_};
    return impl_->view_.size();
}

NodeInfo Host::node_info() const {
    const std::lock_guard lock{impl_->state_mutex_};
    NodeInfo info{impl_->key_.id(), impl_->listen_port_, {}, impl_->status_};
    if (impl_->listen_port_) {
        info.url = to_string(
            PeerUrl{impl_->key_.id(), impl_->config_.listen_address, *impl_->listen_port_});
    }
    return info;
}

std::optional<std::uint16_t> Host::listen_port() const {
    const std::lock_guard lock{impl_->state_mutex_};
    return impl_->listen_port_;
}

bool Host::is_banned(const NodeId& peer) const {
    const std::lock_guard lock{impl_->state_mutex_};
    return impl_->manager_.is_banned(peer, impl_->now());
}

bool Host::is_banned(const std::string& ip) const {
    const std::lock_guard lock{impl_->state_mutex_};
    return impl_->manager_.is_banned(ip, impl_->now());
}

HostCountersSnapshot Host::counters() const {
    return impl_->counters_.snapshot();
}

}  // namespace qtm::p2p
