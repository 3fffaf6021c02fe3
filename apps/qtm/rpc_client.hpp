// A small synchronous JSON-RPC 2.0 client over plain HTTP for the `qtm` CLI (Boost.Beast).
// Only http://host[:port][/path] URLs: the node serves plain HTTP (reach a remote node through
// a tunnel). Every request has a 30 s deadline. No call throws: bad URLs, a node that is down
// and malformed answers all come back as an RpcFailure with a one-line message.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/result.hpp"

namespace qtm::cli {

using Json = nlohmann::ordered_json;

struct RpcUrl {
    std::string text;  // as given, for messages
    std::string host;  // without brackets for IPv6 literals
    std::uint16_t port{80};
    std::string target{"/"};
};

// Parses an http:// URL; the error is a message for the user (https, other schemes, bad port).
[[nodiscard]] Result<RpcUrl, std::string> parse_rpc_url(const std::string& text);

struct RpcFailure {
    enum class Kind {
        kTransport,  // could not connect, timed out, connection closed
        kProtocol,   // the answer is not a JSON-RPC response (an HTTP error page, bad JSON)
        kRemote,     // the node answered with a JSON-RPC error object
    };
    Kind kind{Kind::kTransport};
    std::string message;         // one line, for the user
    std::int64_t code{0};        // kRemote: the JSON-RPC error code
    std::optional<Json> data{};  // kRemote: the error's data, when present
};

class RpcClient {
public:
    explicit RpcClient(RpcUrl url, std::chrono::seconds timeout = std::chrono::seconds(30))
        : url_{std::move(url)}, timeout_{timeout} {}

    // Calls `method` with `params` (an array or object) and returns the result member.
    [[nodiscard]] Result<Json, RpcFailure> call(const std::string& method,
                                                const Json& params = Json::array());
    [[nodiscard]] const RpcUrl& url() const noexcept { return url_; }
    // Makes the Authorization header of each request (a fresh JWT for the admin endpoint).
    void set_authorization(std::function<std::string()> make) { authorization_ = std::move(make); }

private:
    // One HTTP POST: the status code and body, or a transport failure message.
    [[nodiscard]] Result<std::pair<unsigned, std::string>, std::string> post(
        const std::string& body);

    RpcUrl url_;
    std::chrono::seconds timeout_;
    std::uint64_t next_id_{1};
    std::function<std::string()> authorization_;
};

}  // namespace qtm::cli
