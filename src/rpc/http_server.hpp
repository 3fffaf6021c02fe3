// JSON-RPC over HTTP on Boost.Beast: one io_context served by a small thread pool; each
// connection reads a request (body up to max_body_bytes, as geth's 5 MiB), answers POSTs
// through the Dispatcher, and keeps the connection alive. CORS origins and a per-client
// request rate limit (token bucket per remote IP) are configurable. As geth, the Host header
// must name an allowed virtual host (IP literals always pass: DNS rebinding needs a name), and
// a server given a JWT secret answers only requests with a valid "Authorization: Bearer" token.
// Given TLS files it serves HTTPS (TLS 1.3) instead of HTTP.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "rpc/json_rpc.hpp"
#include "rpc/jwt.hpp"
#include "rpc/observer.hpp"
#include "rpc/tls_files.hpp"

namespace qtm::rpc {

struct HttpConfig {
    std::string address{"127.0.0.1"};
    std::uint16_t port{8545};  // 0: any free port (tests)
    std::size_t threads{2};
    std::size_t max_body_bytes{5u << 20};
    std::vector<std::string> cors_origins{};  // "*" allows any
    double rate_limit_per_second{0};          // 0: unlimited
    double rate_limit_burst{100};
    std::vector<std::string> virtual_hosts{"localhost"};  // "*" allows any (geth --http.vhosts)
    std::optional<JwtSecret> jwt_secret{};                // set: every request needs a token
    RpcObserver* observer{nullptr};  // told of rate-limited requests; outlives the server
    std::optional<TlsFiles> tls{};   // set: HTTPS only (TLS 1.3), plain HTTP is refused
};

class HttpServer {
public:
    HttpServer(HttpConfig config, const Dispatcher& dispatcher);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds and starts serving; an error names the address when it cannot bind.
    [[nodiscard]] Result<void, std::string> start();
    void stop();
    [[nodiscard]] std::uint16_t port() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace qtm::rpc
