#include "node/metrics_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <chrono>
#include <optional>
#include <thread>
#include <vector>

#include "rpc/listener.hpp"

namespace qtm::node {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

struct Sources {
    const MetricsServer::MetricsSource& metrics;
    const MetricsServer::ReadinessSource& readiness;
};

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, Sources sources) : stream_{std::move(socket)}, sources_{sources} {}

    void run() { read(); }

private:
    void read() {
        parser_.emplace();
        parser_->header_limit(16 * 1024);
        parser_->body_limit(16 * 1024);
        stream_.expires_after(std::chrono::seconds(30));
        http::async_read(stream_, buffer_, *parser_,
                         [self = shared_from_this()](beast::error_code error, std::size_t) {
                             self->on_read(error);
                         });
    }

    void on_read(beast::error_code error) {
        if (error) return;  // closed, timed out or malformed: drop the connection
        const auto& request = parser_->get();
        const bool keep_alive = request.keep_alive();
        if (request.method() != http::verb::get && request.method() != http::verb::head) {
            respond(http::status::method_not_allowed, "text/plain", "use GET\n", keep_alive);
            return;
        }
        std::string_view target = request.target();
        target = target.substr(0, target.find('?'));
        try {
            if (target == "/metrics") {
                respond(http::status::ok, "text/plain; version=0.0.4; charset=utf-8",
                        sources_.metrics(), keep_alive);
            } else if (target == "/health") {
                respond(http::status::ok, "application/json", R"({"status":"ok"})", keep_alive);
            } else if (target == "/ready") {
                const HealthReport report = sources_.readiness();
                respond(report.ok() ? http::status::ok : http::status::service_unavailable,
                        "application/json", report.to_json(), keep_alive);
            } else {
                respond(http::status::not_found, "text/plain",
                        "not found: this endpoint serves /metrics, /health and /ready\n",
                        keep_alive);
            }
        } catch (const std::exception& failure) {
            spdlog::error("metrics endpoint: {} failed: {}", std::string{target}, failure.what());
            respond(http::status::internal_server_error, "text/plain", "internal error\n", false);
        }
    }

    void respond(http::status status, std::string_view content_type, std::string body,
                 bool keep_alive) {
        auto response =
            std::make_shared<http::response<http::string_body>>(status, parser_->get().version());
        response->set(http::field::server, "qtmd");
        response->set(http::field::content_type, content_type);
        response->set(http::field::cache_control, "no-store");
        response->keep_alive(keep_alive);
        const bool head = parser_->get().method() == http::verb::head;
        response->body() = std::move(body);
        response->prepare_payload();
        if (head) response->body().clear();
        http::async_write(stream_, *response,
                          [self = shared_from_this(), response, keep_alive](beast::error_code error,
                                                                            std::size_t) {
                              if (error) return;
                              if (keep_alive) {
                                  self->read();
                                  return;
                              }
                              beast::error_code ignored;
                              self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
                          });
    }

    beast::tcp_stream stream_;
    Sources sources_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
};

}  // namespace

struct MetricsServer::Impl {
    Impl(MetricsServerConfig server_config, MetricsSource metrics_source,
         ReadinessSource readiness_source)
        : config{std::move(server_config)},
          metrics{std::move(metrics_source)},
          readiness{std::move(readiness_source)},
          acceptor{io} {}

    void accept() {
        acceptor.async_accept(
            asio::make_strand(io), [this](beast::error_code error, tcp::socket socket) {
                if (error) {
                    if (error != asio::error::operation_aborted) accept();
                    return;
                }
                std::make_shared<Session>(std::move(socket), Sources{metrics, readiness})->run();
                accept();
            });
    }

    MetricsServerConfig config;
    MetricsSource metrics;
    ReadinessSource readiness;
    asio::io_context io;
    tcp::acceptor acceptor;
    std::vector<std::thread> threads;
    std::uint16_t bound_port{0};
};

MetricsServer::MetricsServer(MetricsServerConfig config, MetricsSource metrics,
                             ReadinessSource readiness)
    : impl_{std::make_unique<Impl>(std::move(config), std::move(metrics), std::move(readiness))} {}

MetricsServer::~MetricsServer() {
    stop();
}

Result<void, std::string> MetricsServer::start() {
    auto port = rpc::listen_on(impl_->acceptor, impl_->config.address, impl_->config.port,
                               "metrics", "--metrics-port");
    if (!port) return unexpected(port.error());
    impl_->bound_port = *port;
    impl_->accept();
    rpc::start_threads(impl_->io, 1, impl_->threads);
    return {};
}

void MetricsServer::stop() {
    if (!impl_) return;
    rpc::stop_threads(impl_->io, impl_->threads);
}

std::uint16_t MetricsServer::port() const noexcept {
    return impl_->bound_port;
}

}  // namespace qtm::node
