// JSON-RPC over WebSocket on Boost.Beast (geth's --ws): its own listener, one io_context
// served by a small thread pool. Every text (or binary) message is one JSON-RPC request or
// batch for the Dispatcher, answered with one text message; eth_subscribe/eth_unsubscribe
// work here (notifications come from the SubscriptionHub).
//
// Limits: a message is at most max_message_bytes (5 MiB, as the HTTP body; a larger one
// closes the connection with code 1009); the per-IP token bucket and the allowed origins
// are the HTTP server's (an Origin header not in a non-empty list is refused with 403).
//
// Outgoing queue: each connection queues at most max_queued_messages messages and
// max_queued_bytes bytes (responses and notifications) that the client has not taken yet
// (a single message larger than the byte limit is still accepted into an empty queue).
// A client that falls further behind is disconnected with close code 1008 (policy
// violation) and the reason "outgoing queue full: ..."; notifications are never dropped
// silently, and producers (block and pool listeners) never wait for a connection: they only
// append to the queue. If the close frame cannot be sent (the client reads nothing), the
// TCP connection is closed after close_timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "rpc/json_rpc.hpp"
#include "rpc/observer.hpp"
#include "rpc/subscriptions.hpp"
#include "rpc/tls_files.hpp"

namespace qtm::rpc {

struct WsConfig {
    std::string address{"127.0.0.1"};
    std::uint16_t port{8546};  // geth's default; 0: any free port (tests)
    std::size_t threads{2};
    std::size_t max_message_bytes{5u << 20};
    std::vector<std::string> allowed_origins{};  // "*" allows any; empty: no check
    double rate_limit_per_second{0};             // 0: unlimited
    double rate_limit_burst{100};
    std::size_t max_queued_messages{1'000};
    std::size_t max_queued_bytes{16u << 20};
    std::chrono::milliseconds close_timeout{2'000};
    RpcObserver* observer{nullptr};  // told of connections and rate limits; outlives the server
    std::optional<TlsFiles> tls{};   // set: wss:// only (TLS 1.3)
};

class WsServer {
public:
    // `hub` serves eth_subscribe for the connections; it must outlive the server.
    WsServer(WsConfig config, const Dispatcher& dispatcher, SubscriptionHub& hub);
    ~WsServer();
    WsServer(const WsServer&) = delete;
    WsServer& operator=(const WsServer&) = delete;

    // Binds and starts serving; an error names the address when it cannot bind.
    [[nodiscard]] Result<void, std::string> start();
    // Stops serving and drops every subscription of its connections.
    void stop();
    [[nodiscard]] std::uint16_t port() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace qtm::rpc
