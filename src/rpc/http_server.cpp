#include "rpc/http_server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>
#include <type_traits>

#include "rpc/listener.hpp"
#include "rpc/rate_limiter.hpp"
#include "rpc/tls.hpp"

namespace qtm::rpc {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// One connection, plain (beast::tcp_stream) or TLS (TlsStream): the same HTTP handling,
// with a TLS handshake first and a TLS close_notify last.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
    static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

public:
    template <class... StreamArgs>
    Session(const Dispatcher& dispatcher, const HttpConfig& config, RateLimiter& limiter,
            StreamArgs&&... stream_args)
        : stream_{std::forward<StreamArgs>(stream_args)...},
          dispatcher_{dispatcher},
          config_{config},
          limiter_{limiter} {}

    void run() {
        if constexpr (kTls) {
            lowest().expires_after(std::chrono::seconds(30));
            stream_.async_handshake(asio::ssl::stream_base::server,
                                    [self = this->shared_from_this()](beast::error_code error) {
                                        if (!error) self->read();
                                    });
        } else {
            read();
        }
    }

private:
    beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

    // Ends our side of the connection after the last answer.
    void close_send() {
        if constexpr (kTls) {
            lowest().expires_after(std::chrono::seconds(5));
            stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
                beast::error_code ignored;
                self->lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
            });
        } else {
            beast::error_code ignored;
            lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
            drain(0);
        }
    }

    void read() {
        parser_.emplace();
        parser_->body_limit(config_.max_body_bytes);
        lowest().expires_after(std::chrono::seconds(60));
        http::async_read(stream_, buffer_, *parser_,
                         [self = this->shared_from_this()](beast::error_code error, std::size_t) {
                             self->on_read(error);
                         });
    }

    void on_read(beast::error_code error) {
        if (error == http::error::end_of_stream) {
            close_send();
            return;
        }
        if (error == http::error::body_limit) {
            respond(http::status::payload_too_large,
                    to_wire(error_response(nullptr, code::kLimitExceeded,
                                           "request body too large: the limit is " +
                                               std::to_string(config_.max_body_bytes) + " bytes")),
                    false);
            return;
        }
        if (error) return;
        const auto& request = parser_->get();
        const bool keep_alive = request.keep_alive();
        if (request.method() == http::verb::options) {
            respond(http::status::no_content, "", keep_alive);
            return;
        }
        if (request.method() != http::verb::post) {
            respond(http::status::method_not_allowed,
                    to_wire(error_response(nullptr, code::kInvalidRequest,
                                           "JSON-RPC requests must be HTTP POSTs")),
                    keep_alive);
            return;
        }
        if (!host_allowed(request[http::field::host])) {
            respond(http::status::forbidden,
                    to_wire(error_response(nullptr, code::kInvalidRequest,
                                           "invalid host specified (allowed with --http-vhosts)")),
                    keep_alive);
            return;
        }
        if (config_.jwt_secret) {
            if (auto authorized = check_token(request[http::field::authorization]); !authorized) {
                respond(http::status::unauthorized,
                        to_wire(error_response(nullptr, code::kInvalidRequest,
                                               "authentication required: " + authorized.error())),
                        keep_alive);
                return;
            }
        }
        std::string client;
        beast::error_code endpoint_error;
        const auto remote = lowest().socket().remote_endpoint(endpoint_error);
        if (!endpoint_error) client = remote.address().to_string();
        if (!limiter_.allow(client)) {
            if (config_.observer != nullptr) config_.observer->on_rate_limited("http");
            respond(http::status::too_many_requests,
                    to_wire(error_response(nullptr, code::kLimitExceeded,
                                           "rate limit exceeded: slow down (--http-rate-limit)")),
                    keep_alive);
            return;
        }
        auto response = dispatcher_.handle(request.body());
        respond(http::status::ok, response ? *response : std::string{}, keep_alive);
    }

    // geth's virtual-host check: the Host header (without its port) must be listed, unless
    // the list has "*" or the host is an IP literal.
    [[nodiscard]] bool host_allowed(std::string_view host_header) const {
        const auto& allowed = config_.virtual_hosts;
        if (std::find(allowed.begin(), allowed.end(), "*") != allowed.end()) return true;
        std::string host{host_header};
        if (!host.empty() && host.front() == '[') {
            host = host.substr(1, host.find(']') - 1);  // [IPv6]:port
        } else if (const auto colon = host.rfind(':');
                   colon != std::string::npos && host.find(':') == colon) {
            host.resize(colon);
        }
        if (host.empty()) return true;  // HTTP/1.0 without Host: nothing to rebind
        beast::error_code error;
        asio::ip::make_address(host, error);
        if (!error) return true;
        std::transform(host.begin(), host.end(), host.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return std::find(allowed.begin(), allowed.end(), host) != allowed.end();
    }

    [[nodiscard]] Result<void, std::string> check_token(std::string_view authorization) const {
        constexpr std::string_view kBearer = "Bearer ";
        if (authorization.substr(0, kBearer.size()) != kBearer) {
            return unexpected(std::string{"missing \"Authorization: Bearer <JWT>\" header"});
        }
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        return verify_jwt(authorization.substr(kBearer.size()), *config_.jwt_secret, now);
    }

    void respond(http::status status, std::string body, bool keep_alive) {
        auto response = std::make_shared<http::response<http::string_body>>(status, 11);
        response->set(http::field::server, "qtmd");
        response->set(http::field::content_type, "application/json");
        if (parser_) {
            const auto origin = parser_->get()[http::field::origin];
            const auto& allowed = config_.cors_origins;
            if (!origin.empty() &&
                (std::find(allowed.begin(), allowed.end(), "*") != allowed.end() ||
                 std::find(allowed.begin(), allowed.end(), std::string{origin}) != allowed.end())) {
                response->set(http::field::access_control_allow_origin, origin);
                response->set(http::field::access_control_allow_headers,
                              "Content-Type, Authorization");
                response->set(http::field::access_control_allow_methods, "POST, OPTIONS");
            }
        }
        response->keep_alive(keep_alive);
        response->body() = std::move(body);
        response->prepare_payload();
        http::async_write(stream_, *response,
                          [self = this->shared_from_this(), response, keep_alive](
                              beast::error_code error, std::size_t) {
                              if (error) return;
                              if (!keep_alive) {
                                  self->close_send();
                                  return;
                              }
                              self->read();
                          });
    }

    // After answering and shutting down our side, read and discard what the client is still
    // sending (an oversized body), bounded in bytes and time: closing with unread data would
    // reset the connection and could destroy the answer before the client reads it.
    void drain(std::size_t drained) {
        constexpr std::size_t kMaxDrainBytes = 64u << 20;
        if (drained > kMaxDrainBytes) return;
        lowest().expires_after(std::chrono::seconds(5));
        stream_.async_read_some(
            asio::buffer(discard_),
            [self = this->shared_from_this(), drained](beast::error_code error, std::size_t bytes) {
                if (!error) self->drain(drained + bytes);
            });
    }

    std::array<char, 16384> discard_{};
    Stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    const Dispatcher& dispatcher_;
    const HttpConfig& config_;
    RateLimiter& limiter_;
};

}  // namespace

struct HttpServer::Impl {
    Impl(HttpConfig http_config, const Dispatcher& rpc_dispatcher)
        : config{std::move(http_config)},
          dispatcher{rpc_dispatcher},
          limiter{config.rate_limit_per_second, config.rate_limit_burst},
          acceptor{io} {}

    void accept() {
        acceptor.async_accept(asio::make_strand(io),
                              [this](beast::error_code error, tcp::socket socket) {
                                  if (error) {
                                      if (error != asio::error::operation_aborted) accept();
                                      return;
                                  }
                                  if (tls) {
                                      std::make_shared<Session<TlsStream>>(
                                          dispatcher, config, limiter, std::move(socket), *tls)
                                          ->run();
                                  } else {
                                      std::make_shared<Session<beast::tcp_stream>>(
                                          dispatcher, config, limiter, std::move(socket))
                                          ->run();
                                  }
                                  accept();
                              });
    }

    HttpConfig config;
    const Dispatcher& dispatcher;
    RateLimiter limiter;
    std::shared_ptr<asio::ssl::context> tls;  // set when config.tls is
    asio::io_context io;
    tcp::acceptor acceptor;
    std::vector<std::thread> threads;
    std::uint16_t bound_port{0};
};

HttpServer::HttpServer(HttpConfig config, const Dispatcher& dispatcher)
    : impl_{std::make_unique<Impl>(std::move(config), dispatcher)} {}

HttpServer::~HttpServer() {
    stop();
}

Result<void, std::string> HttpServer::start() {
    if (impl_->config.tls) {
        auto context = make_tls_context(*impl_->config.tls);
        if (!context) return unexpected(context.error());
        impl_->tls = std::move(*context);
    }
    auto port = listen_on(impl_->acceptor, impl_->config.address, impl_->config.port, "HTTP",
                          "--http-port");
    if (!port) return unexpected(port.error());
    impl_->bound_port = *port;
    impl_->accept();
    start_threads(impl_->io, impl_->config.threads, impl_->threads);
    return {};
}

void HttpServer::stop() {
    if (!impl_) return;
    stop_threads(impl_->io, impl_->threads);
}

std::uint16_t HttpServer::port() const noexcept {
    return impl_->bound_port;
}

}  // namespace qtm::rpc
