// Host: dialing (persistent peers, then the address book up to the outbound target), dial
// backoff, the maintenance tick (dials, peer exchange, saving the address book), loading
// the address book at start.
#include <spdlog/spdlog.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "p2p/host_impl.hpp"
#include "p2p/peer_exchange.hpp"

namespace qtm::p2p {
namespace asio = boost::asio;
using asio::ip::tcp;

void Host::Impl::load_address_book() {
    if (config_.address_book_path.empty()) return;
    auto loaded = p2p::load_address_book(config_.address_book_path);
    if (!loaded) {
        // The book is a cache of addresses, not state: losing it costs a rediscovery.
        spdlog::warn("p2p: {} ({}); starting with an empty address book", to_string(loaded.error()),
                     config_.address_book_path.string());
        return;
    }
    book_ = std::move(*loaded);
}

void Host::Impl::save_address_book() {
    last_save_ = now();
    if (config_.address_book_path.empty() || !book_.dirty()) return;
    if (auto saved = p2p::save_address_book(book_, config_.address_book_path); !saved) {
        spdlog::warn("p2p: {} ({})", to_string(saved.error()), config_.address_book_path.string());
        return;
    }
    book_.mark_clean();
}

void Host::Impl::schedule_tick() {
    tick_timer_.expires_after(config_.tick);
    tick_timer_.async_wait([this](const boost::system::error_code& error) {
        if (!error && !stopping_) tick();
    });
}

void Host::Impl::tick() {
    if (stopping_) return;
    const PeerClock::time_point at = now();
    // Without any peer, go back to the bootnodes (the book may have forgotten them).
    if (peers_.empty()) {
        for (const PeerUrl& url : config_.bootnodes)
            book_.add_candidate(url);
    }
    maintain();
    std::size_t outbound = 0;
    for (const auto& [id, peer] : peers_)
        outbound += peer.context->inbound ? 0 : 1;
    if (config_.peer_exchange && outbound < config_.target_outbound &&
        at - last_exchange_ >= config_.peer_exchange_interval) {
        last_exchange_ = at;
        GetPeers request;
        {
            const std::lock_guard lock{state_mutex_};
            request.listen_port = listen_port_.value_or(0);
        }
        for (auto& [id, peer] : peers_) {
            if (peer.asked_for_peers) continue;
            peer.asked_for_peers = true;
            send_to(peer, encode_get_peers(request));
        }
    }
    if (config_.peer_exchange && at - last_save_ >= config_.address_book_save_interval) {
        save_address_book();
    }
    schedule_tick();
}

bool Host::Impl::may_dial(const NodeId& id, PeerClock::time_point at) const {
    if (id == key_.id() || peers_.contains(id)) return false;
    if (const auto it = dials_.find(id); it != dials_.end()) {
        if (it->second.in_flight || at < it->second.next) return false;
    }
    const std::lock_guard lock{state_mutex_};
    return !manager_.is_banned(id, at);
}

void Host::Impl::maintain() {
    if (stopping_) return;
    const PeerClock::time_point at = now();
    for (const PeerUrl& url : persistent_) {
        if (may_dial(url.node_id, at)) dial(url);
    }
    std::size_t outbound = 0;
    for (const auto& [id, peer] : peers_)
        outbound += peer.context->inbound ? 0 : 1;
    for (const auto& [id, dial] : dials_)
        outbound += dial.in_flight ? 1 : 0;
    if (outbound >= config_.target_outbound) return;
    // Validated addresses first, then those with the fewest failures.
    std::vector<AddressEntry> candidates = book_.entries();
    std::stable_sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
        if (a.validated != b.validated) return a.validated;
        return a.failures < b.failures;
    });
    for (const AddressEntry& entry : candidates) {
        if (outbound >= config_.target_outbound) break;
        if (!may_dial(entry.url.node_id, at) && !needs_validation(entry, at)) continue;
        dial(entry.url);
        ++outbound;
    }
}

// An inbound peer's stated listen address stays a candidate until we reach that node id
// there ourselves, and peer exchange hands out only validated addresses. Without a dial
// back, a bootnode that only ever accepts would validate nobody and tell nobody of anyone.
// The dial back is a second connection to a connected peer; on_ready validates the address
// and then keeps one of the two connections, as for any duplicate.
bool Host::Impl::needs_validation(const AddressEntry& entry, PeerClock::time_point at) const {
    if (entry.validated || !config_.peer_exchange) return false;
    const auto peer = peers_.find(entry.url.node_id);
    if (peer == peers_.end() || !peer->second.context->inbound) return false;
    if (const auto it = dials_.find(entry.url.node_id); it != dials_.end()) {
        if (it->second.in_flight || at < it->second.next) return false;
    }
    return true;
}

void Host::Impl::dial(const PeerUrl& url) {
    dials_[url.node_id].in_flight = true;
    HostCounters::add(counters_.dials);
    auto socket = std::make_shared<tcp::socket>(io_);
    auto timer = std::make_shared<asio::steady_timer>(io_);
    const auto connected = [this, url, socket, timer](const boost::system::error_code& error) {
        timer->cancel();
        if (stopping_) return;
        if (error) return on_dial_failed(url.node_id);
        auto context = std::make_shared<Context>();
        boost::system::error_code ignored;
        context->ip = socket->remote_endpoint(ignored).address().to_string();
        context->dialed = url;
        auto connection = make_connection(std::move(*socket), context);
        handshaking_.insert(connection);
        connection->start();
    };
    timer->expires_after(config_.dial_timeout);
    timer->async_wait([socket](const boost::system::error_code& error) {
        if (!error) {
            boost::system::error_code ignored;
            socket->close(ignored);  // the connect then fails with operation_aborted
        }
    });
    // A host that listens on one address dials from it too, so peers see one address.
    boost::system::error_code error;
    const auto listen = asio::ip::make_address(config_.listen_address, error);
    const bool bind = !error && !listen.is_unspecified() && config_.listen_port.has_value();
    auto address = asio::ip::make_address(url.host, error);
    if (!error) {
        const tcp::endpoint remote{address, url.port};
        socket->open(remote.protocol(), error);
        if (!error && bind && listen.is_v4() == address.is_v4()) {
            socket->bind(tcp::endpoint{listen, 0}, error);
        }
        if (error) {
            timer->cancel();
            return asio::post(io_, [this, id = url.node_id] { on_dial_failed(id); });
        }
        return socket->async_connect(remote, connected);
    }
    // A name: resolve it first (asynchronously; a slow resolver must not stall the host).
    auto resolver = std::make_shared<tcp::resolver>(io_);
    resolver->async_resolve(
        url.host, std::to_string(url.port),
        [this, url, socket, timer, resolver, connected](const boost::system::error_code& failed,
                                                        const tcp::resolver::results_type& found) {
            if (stopping_) return;
            if (failed) {
                timer->cancel();
                return on_dial_failed(url.node_id);
            }
            asio::async_connect(
                *socket, found,
                [connected](const boost::system::error_code& e, const auto&) { connected(e); });
        });
}

void Host::Impl::on_dial_failed(const NodeId& id) {
    if (stopping_) return;
    HostCounters::add(counters_.dial_failures);
    auto& dial = dials_[id];
    dial.in_flight = false;
    ++dial.failures;
    dial.next = now() + backoff_delay(config_.backoff, dial.failures, random_);
    book_.mark_failed(id);
}

}  // namespace qtm::p2p
