// JSON-RPC over WebSocket (ws_server.hpp).
#include "rpc/ws_server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>

#include "base/log_limiter.hpp"
#include "rpc/listener.hpp"
#include "rpc/rate_limiter.hpp"
#include "rpc/tls.hpp"

namespace qtm::rpc {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

// The same error for every request of a message, under each request's id (a client
// matches answers by id); nothing for notifications; a null id when it does not parse.
std::optional<std::string> refusal_for(const std::string& message, int error_code,
                                       const std::string& text) {
    const Json request = Json::parse(message, nullptr, /*allow_exceptions=*/false);
    const auto answer = [&](const Json& item) -> std::optional<Json> {
        if (!item.is_object()) return error_response(nullptr, error_code, text);
        const auto id = item.find("id");
        if (id == item.end()) return std::nullopt;
        return error_response(*id, error_code, text);
    };
    if (!request.is_array()) {
        auto one =
            request.is_discarded() ? error_response(nullptr, error_code, text) : answer(request);
        if (!one) return std::nullopt;
        return to_wire(*one);
    }
    Json answers = Json::array();
    for (const auto& item : request) {
        if (auto one = answer(item)) answers.push_back(std::move(*one));
    }
    if (answers.empty()) return std::nullopt;
    return to_wire(answers);
}

bool origin_allowed(std::string_view origin, const std::vector<std::string>& allowed) {
    if (allowed.empty() || origin.empty()) return true;
    return std::any_of(allowed.begin(), allowed.end(),
                       [&](const std::string& entry) { return entry == "*" || entry == origin; });
}

struct Shared {
    const WsConfig& config;
    const Dispatcher& dispatcher;
    SubscriptionHub& hub;
    RateLimiter& limiter;
};

// One WebSocket connection. Everything touching the stream runs on the connection's strand;
// deliver() may be called from any thread and only appends to the outgoing queue.
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// Over plain TCP (beast::tcp_stream) or TLS (TlsStream, wss://): a TLS handshake first, the
// same WebSocket handling after it.
template <class Next>
class Session : public Subscriber, public std::enable_shared_from_this<Session<Next>> {
    static constexpr bool kTls = std::is_same_v<Next, TlsStream>;

public:
    template <class... StreamArgs>
    explicit Session(Shared shared, StreamArgs&&... stream_args)
        : ws_{std::forward<StreamArgs>(stream_args)...},
          executor_{ws_.get_executor()},
          close_timer_{executor_},
          shared_{shared} {}

    void run() {
        beast::error_code error;
        const auto remote = beast::get_lowest_layer(ws_).socket().remote_endpoint(error);
        if (!error) client_ = remote.address().to_string();
        asio::dispatch(executor_, [self = this->shared_from_this()] {
            if constexpr (kTls) {
                beast::get_lowest_layer(self->ws_).expires_after(std::chrono::seconds(30));
                self->ws_.next_layer().async_handshake(asio::ssl::stream_base::server,
                                                       [self](beast::error_code handshake_error) {
                                                           if (!handshake_error) {
                                                               self->read_upgrade();
                                                           }
                                                       });
            } else {
                self->read_upgrade();
            }
        });
    }

    ~Session() override {
        if (opened_ && shared_.config.observer != nullptr) {
            shared_.config.observer->on_ws_connection_closed();
        }
    }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    void deliver(std::string message) override { enqueue(std::move(message)); }

private:
    void read_upgrade() {
        upgrade_.emplace();
        upgrade_->header_limit(16 * 1024);
        upgrade_->body_limit(4 * 1024);
        beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(30));
        http::async_read(ws_.next_layer(), buffer_, *upgrade_,
                         [self = this->shared_from_this()](beast::error_code error, std::size_t) {
                             self->on_upgrade(error);
                         });
    }

    void on_upgrade(beast::error_code error) {
        if (error) return;
        const auto& request = upgrade_->get();
        if (!websocket::is_upgrade(request)) {
            refuse(http::status::upgrade_required,
                   "this is qtmd's WebSocket JSON-RPC endpoint: connect with a WebSocket client, "
                   "or send HTTP JSON-RPC to the --http-port");
            return;
        }
        if (!origin_allowed(request[http::field::origin], shared_.config.allowed_origins)) {
            refuse(http::status::forbidden, "origin not allowed (--http-cors)");
            return;
        }
        beast::get_lowest_layer(ws_).expires_never();
        ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        ws_.set_option(websocket::stream_base::decorator(
            [](websocket::response_type& response) { response.set(http::field::server, "qtmd"); }));
        ws_.read_message_max(shared_.config.max_message_bytes);
        ws_.text(true);
        ws_.async_accept(request,
                         [self = this->shared_from_this()](beast::error_code accept_error) {
                             if (accept_error) return;
                             self->opened_ = true;
                             if (self->shared_.config.observer != nullptr) {
                                 self->shared_.config.observer->on_ws_connection_opened();
                             }
                             self->buffer_.clear();
                             self->read();
                         });
    }

    void refuse(http::status status, const std::string& reason) {
        auto response =
            std::make_shared<http::response<http::string_body>>(status, upgrade_->get().version());
        response->set(http::field::server, "qtmd");
        response->set(http::field::content_type, "text/plain");
        response->keep_alive(false);
        response->body() = reason + "\n";
        response->prepare_payload();
        http::async_write(
            ws_.next_layer(), *response,
            [self = this->shared_from_this(), response](beast::error_code, std::size_t) {
                beast::error_code ignored;
                beast::get_lowest_layer(self->ws_).socket().shutdown(tcp::socket::shutdown_send,
                                                                     ignored);
            });
    }

    void read() {
        ws_.async_read(buffer_,
                       [self = this->shared_from_this()](beast::error_code error, std::size_t) {
                           self->on_read(error);
                       });
    }

    void on_read(beast::error_code error) {
        if (error) {
            finish();
            return;
        }
        const std::string message = beast::buffers_to_string(buffer_.data());
        buffer_.consume(buffer_.size());
        if (!shared_.limiter.allow(client_)) {
            if (shared_.config.observer != nullptr) shared_.config.observer->on_rate_limited("ws");
            if (auto refusal = refusal_for(message, code::kLimitExceeded,
                                           "rate limit exceeded: slow down (--http-rate-limit)")) {
                enqueue(std::move(*refusal));
            }
            read();
            return;
        }
        // Notifications produced while the request runs (a new subscription's first ones)
        // wait until its response is queued: a client always learns an id first.
        {
            const std::lock_guard lock{mutex_};
            holding_ = true;
        }
        std::optional<std::string> response;
        {
            const SubscriberScope scope{this->shared_from_this()};
            response = shared_.dispatcher.handle(message);
        }
        release(std::move(response));
        read();
    }

    // Ends the read side: the connection is gone; its subscriptions go with it.
    void finish() {
        {
            const std::lock_guard lock{mutex_};
            closing_ = true;
        }
        shared_.hub.drop(this);
    }

    // Under mutex_: room for one more message of `size` bytes? Counts it when there is.
    bool admit(std::size_t size) {
        const std::size_t count = out_.size() + held_.size();
        if (count + 1 > shared_.config.max_queued_messages ||
            (count > 0 && queued_bytes_ + size > shared_.config.max_queued_bytes)) {
            return false;
        }
        queued_bytes_ += size;
        return true;
    }

    void enqueue(std::string message) {
        bool start = false;
        bool overflow = false;
        {
            const std::lock_guard lock{mutex_};
            if (closing_) return;
            if (!admit(message.size())) {
                closing_ = true;
                overflow = true;
                overflow_messages_ = out_.size() + held_.size();
                overflow_bytes_ = queued_bytes_;
            } else if (holding_) {
                held_.push_back(std::move(message));
            } else {
                out_.push_back(std::move(message));
                start = !std::exchange(writing_, true);
            }
        }
        if (overflow)
            asio::post(executor_, [self = this->shared_from_this()] { self->on_overflow(); });
        if (start)
            asio::post(executor_, [self = this->shared_from_this()] { self->write_front(); });
    }

    void release(std::optional<std::string> response) {
        bool start = false;
        bool overflow = false;
        {
            const std::lock_guard lock{mutex_};
            holding_ = false;
            if (closing_) {
                held_.clear();
                return;
            }
            if (response && !admit(response->size())) {
                closing_ = true;
                overflow = true;
                overflow_messages_ = out_.size() + held_.size();
                overflow_bytes_ = queued_bytes_;
            } else {
                if (response) out_.push_back(std::move(*response));
                for (auto& held : held_)
                    out_.push_back(std::move(held));
                held_.clear();
                if (!out_.empty()) start = !std::exchange(writing_, true);
            }
        }
        // On the strand already: no post needed.
        if (overflow) on_overflow();
        if (start) write_front();
    }

    void write_front() {
        const std::string* front = nullptr;
        {
            const std::lock_guard lock{mutex_};
            if (out_.empty() || closing_) {
                writing_ = false;
                return;
            }
            front = &out_.front();  // deque::push_back keeps references valid
        }
        ws_.async_write(asio::buffer(*front),
                        [self = this->shared_from_this()](beast::error_code error, std::size_t) {
                            self->on_write(error);
                        });
    }

    void on_write(beast::error_code error) {
        {
            const std::lock_guard lock{mutex_};
            queued_bytes_ -= out_.front().size();
            out_.pop_front();
            if (error) {
                closing_ = true;
                writing_ = false;
                return;
            }
        }
        write_front();
    }

    // The client reads too slowly: drop its subscriptions and close with 1008; if even the
    // close frame cannot be sent in time, close the TCP connection.
    void on_overflow() {
        static LogLimiter log_limit;  // any client can make this happen
        if (const auto dropped = log_limit.admit()) {
            spdlog::warn(
                "closing the WebSocket connection of {}: {} messages / {} bytes are waiting for "
                "it to read (limits {} / {}){}",
                client_, overflow_messages_, overflow_bytes_, shared_.config.max_queued_messages,
                shared_.config.max_queued_bytes, dropped_note(*dropped));
        }
        shared_.hub.drop(this);
        ws_.async_close(websocket::close_reason{websocket::close_code::policy_error,
                                                "outgoing queue full: the client reads too "
                                                "slowly"},
                        [self = this->shared_from_this()](beast::error_code) {});
        close_timer_.expires_after(shared_.config.close_timeout);
        close_timer_.async_wait([self = this->shared_from_this()](beast::error_code error) {
            if (!error) beast::get_lowest_layer(self->ws_).close();
        });
    }

    websocket::stream<Next> ws_;
    asio::any_io_executor executor_;
    asio::steady_timer close_timer_;
    Shared shared_;
    std::string client_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> upgrade_;

    std::mutex mutex_;  // guards the outgoing queue and the flags below
    std::deque<std::string> out_;
    std::vector<std::string> held_;
    std::size_t queued_bytes_{0};
    std::size_t overflow_messages_{0};  // the queue when it overflowed (for the log)
    std::size_t overflow_bytes_{0};
    bool writing_{false};
    bool holding_{false};
    bool closing_{false};
    bool opened_{false};  // the handshake completed: counted as an open connection
};

}  // namespace

struct WsServer::Impl {
    Impl(WsConfig ws_config, const Dispatcher& rpc_dispatcher, SubscriptionHub& subscriptions)
        : config{std::move(ws_config)},
          dispatcher{rpc_dispatcher},
          hub{subscriptions},
          limiter{config.rate_limit_per_second, config.rate_limit_burst},
          acceptor{io} {}

    void accept() {
        acceptor.async_accept(
            asio::make_strand(io), [this](beast::error_code error, tcp::socket socket) {
                if (error) {
                    if (error != asio::error::operation_aborted) accept();
                    return;
                }
                const Shared shared{config, dispatcher, hub, limiter};
                if (tls) {
                    std::make_shared<Session<TlsStream>>(shared, std::move(socket), *tls)->run();
                } else {
                    std::make_shared<Session<beast::tcp_stream>>(shared, std::move(socket))->run();
                }
                accept();
            });
    }

    WsConfig config;
    const Dispatcher& dispatcher;
    SubscriptionHub& hub;
    RateLimiter limiter;
    std::shared_ptr<asio::ssl::context> tls;  // set when config.tls is
    asio::io_context io;
    tcp::acceptor acceptor;
    std::vector<std::thread> threads;
    std::uint16_t bound_port{0};
};

WsServer::WsServer(WsConfig config, const Dispatcher& dispatcher, SubscriptionHub& hub)
    : impl_{std::make_unique<Impl>(std::move(config), dispatcher, hub)} {}

WsServer::~WsServer() {
    stop();
}

Result<void, std::string> WsServer::start() {
    if (impl_->config.tls) {
        auto context = make_tls_context(*impl_->config.tls);
        if (!context) return unexpected(context.error());
        impl_->tls = std::move(*context);
    }
    auto port = listen_on(impl_->acceptor, impl_->config.address, impl_->config.port, "WebSocket",
                          "--ws-port");
    if (!port) return unexpected(port.error());
    impl_->bound_port = *port;
    impl_->accept();
    start_threads(impl_->io, impl_->config.threads, impl_->threads);
    return {};
}

void WsServer::stop() {
    if (!impl_) return;
    stop_threads(impl_->io, impl_->threads);
    impl_->hub.clear();
}

std::uint16_t WsServer::port() const noexcept {
    return impl_->bound_port;
}

}  // namespace qtm::rpc
