#include "rpc_client.hpp"

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <cctype>
#include <charconv>
#include <exception>

namespace qtm::cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// The first line of a text, shortened: error pages become one readable line.
std::string one_line(const std::string& text, std::size_t limit = 200) {
    std::string line = text.substr(0, text.find_first_of("\r\n"));
    if (line.size() > limit) line = line.substr(0, limit) + "...";
    return line;
}

}  // namespace

Result<RpcUrl, std::string> parse_rpc_url(const std::string& text) {
    const std::string bad = "bad --rpc URL \"" + text + "\": ";
    const std::string scheme_lower = lower(text.substr(0, std::min<std::size_t>(text.size(), 8)));
    if (scheme_lower.rfind("https://", 0) == 0) {
        return unexpected(bad +
                          "https is not supported; qtm speaks plain http:// to a node (reach a "
                          "remote node through an SSH tunnel or a local proxy)");
    }
    if (scheme_lower.rfind("http://", 0) != 0) {
        return unexpected(bad + "expected http://HOST:PORT[/PATH], e.g. http://127.0.0.1:8545");
    }
    RpcUrl url;
    url.text = text;
    std::string rest = text.substr(7);
    const auto slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    if (slash != std::string::npos) url.target = rest.substr(slash);
    if (authority.find('@') != std::string::npos) {
        return unexpected(bad + "user names and passwords in the URL are not supported");
    }
    std::string port_text;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string::npos) return unexpected(bad + "unclosed [ in the host");
        url.host = authority.substr(1, close - 1);
        const std::string after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return unexpected(bad + "unexpected text after the host");
            port_text = after.substr(1);
            if (port_text.empty()) return unexpected(bad + "empty port");
        }
    } else {
        const auto colon = authority.find(':');
        url.host = authority.substr(0, colon);
        if (colon != std::string::npos) {
            port_text = authority.substr(colon + 1);
            if (port_text.empty()) return unexpected(bad + "empty port");
        }
    }
    if (url.host.empty()) return unexpected(bad + "no host");
    if (!port_text.empty()) {
        unsigned value = 0;
        const auto* end = port_text.data() + port_text.size();
        const auto [ptr, ec] = std::from_chars(port_text.data(), end, value);
        if (ec != std::errc{} || ptr != end || value == 0 || value > 65535) {
            return unexpected(bad + "the port must be a number from 1 to 65535");
        }
        url.port = static_cast<std::uint16_t>(value);
    }
    return url;
}

Result<std::pair<unsigned, std::string>, std::string> RpcClient::post(const std::string& body) {
    try {
        asio::io_context io;
        tcp::resolver resolver{io};
        beast::tcp_stream stream{io};
        beast::flat_buffer buffer;
        http::request<http::string_body> request{http::verb::post, url_.target, 11};
        const bool ipv6 = url_.host.find(':') != std::string::npos;
        request.set(http::field::host,
                    (ipv6 ? "[" + url_.host + "]" : url_.host) + ":" + std::to_string(url_.port));
        request.set(http::field::content_type, "application/json");
        request.set(http::field::user_agent, "qtm");
        if (authorization_) request.set(http::field::authorization, authorization_());
        request.body() = body;
        request.prepare_payload();
        http::response_parser<http::string_body> parser;
        parser.body_limit(256u << 20);

        beast::error_code failure;
        std::string stage;
        bool done = false;
        auto finish = [&](const beast::error_code& ec, std::string where) {
            failure = ec;
            stage = std::move(where);
            done = true;
        };
        stream.expires_after(timeout_);
        resolver.async_resolve(
            url_.host, std::to_string(url_.port),
            [&](const beast::error_code& ec, const tcp::resolver::results_type& results) {
                if (ec) return finish(ec, "resolving the host");
                stream.async_connect(results, [&](const beast::error_code& connect_ec,
                                                  const tcp::endpoint&) {
                    if (connect_ec) return finish(connect_ec, "connecting");
                    http::async_write(
                        stream, request, [&](const beast::error_code& write_ec, std::size_t) {
                            if (write_ec) return finish(write_ec, "sending the request");
                            http::async_read(stream, buffer, parser,
                                             [&](const beast::error_code& read_ec, std::size_t) {
                                                 finish(read_ec, "reading the answer");
                                             });
                        });
                });
            });
        // The stream's deadline bounds connect, write and read; this one bounds the lookup too.
        io.run_for(timeout_ + std::chrono::seconds(1));
        if (!done) {
            return unexpected("cannot reach the node at " + url_.text + ": no answer within " +
                              std::to_string(timeout_.count()) + " s");
        }
        if (failure) {
            const std::string reason =
                failure == beast::error::timeout
                    ? "no answer within " + std::to_string(timeout_.count()) + " s"
                    : failure.message();
            return unexpected("cannot reach the node at " + url_.text + ": " + reason + " (" +
                              stage + ")");
        }
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        return std::pair<unsigned, std::string>{parser.get().result_int(),
                                                std::move(parser.get().body())};
    } catch (const std::exception& error) {
        return unexpected("cannot reach the node at " + url_.text + ": " + error.what());
    }
}

Result<Json, RpcFailure> RpcClient::call(const std::string& method, const Json& params) {
    const std::uint64_t id = next_id_++;
    const Json request = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}};
    auto answer = post(request.dump());
    if (!answer) return unexpected(RpcFailure{RpcFailure::Kind::kTransport, answer.error()});
    const auto& [status, body] = *answer;
    const Json response = Json::parse(body, nullptr, false);
    if (response.is_discarded() || !response.is_object()) {
        std::string message = "the node at " + url_.text + " did not answer with JSON-RPC (HTTP " +
                              std::to_string(status) + ")";
        if (!body.empty()) message += ": " + one_line(body);
        return unexpected(RpcFailure{RpcFailure::Kind::kProtocol, message});
    }
    if (const auto error = response.find("error"); error != response.end()) {
        RpcFailure failure{RpcFailure::Kind::kRemote, "the node answered with an error"};
        if (error->is_object()) {
            if (const auto m = error->find("message"); m != error->end() && m->is_string()) {
                failure.message = m->get<std::string>();
            }
            if (const auto c = error->find("code"); c != error->end() && c->is_number_integer()) {
                failure.code = c->get<std::int64_t>();
            }
            if (const auto d = error->find("data"); d != error->end() && !d->is_null()) {
                failure.data = *d;
            }
        }
        return unexpected(std::move(failure));
    }
    const auto result = response.find("result");
    if (result == response.end()) {
        return unexpected(RpcFailure{RpcFailure::Kind::kProtocol,
                                     "the node's answer has neither result nor error (HTTP " +
                                         std::to_string(status) + ")"});
    }
    return *result;
}

}  // namespace qtm::cli
