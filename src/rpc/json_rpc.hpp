// JSON-RPC 2.0 (https://www.jsonrpc.org/specification): single requests, batches and
// notifications, dispatched to named methods. Errors use the standard codes and geth's:
//   -32700 parse error, -32600 invalid request, -32601 method not found, -32602 invalid
//   params, -32603 internal error, -32000 a server-side refusal (geth's generic code: "nonce
//   too low", ...), -32005 a limit was exceeded, 3 an execution reverted (with its data).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "rpc/observer.hpp"

namespace qtm::rpc {

using Json = nlohmann::json;

namespace code {
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternal = -32603;
inline constexpr int kServer = -32000;
inline constexpr int kLimitExceeded = -32005;
inline constexpr int kReverted = 3;
}  // namespace code

// Thrown by a method handler (and the parameter readers) to answer with an error; the
// dispatcher turns it into the response. Confined to this layer's handlers.
struct RpcError : std::runtime_error {
    RpcError(int error_code, const std::string& message, std::optional<Json> error_data = {})
        : std::runtime_error{message}, code{error_code}, data{std::move(error_data)} {}
    int code;
    std::optional<Json> data;
};

struct DispatchLimits {
    std::size_t max_batch{1000};                // geth BatchRequestLimit
    std::size_t max_response_bytes{25u << 20};  // geth BatchResponseMaxSize
};

class Dispatcher {
public:
    using Handler = std::function<Json(const Json& params)>;
    // A result handed over already serialized (JSON text, or null for JSON null): large
    // immutable answers, such as a block with its transactions, serialized once and shared.
    using SerializedResult = std::shared_ptr<const std::string>;
    using SerializedHandler = std::function<SerializedResult(const Json& params)>;

    explicit Dispatcher(DispatchLimits limits = {}) : limits_{limits} {}
    void add(const std::string& method, Handler handler);
    void add_serialized(const std::string& method, SerializedHandler handler);
    [[nodiscard]] bool has(const std::string& method) const { return methods_.contains(method); }
    [[nodiscard]] std::vector<std::string> method_names() const {
        std::vector<std::string> names;
        for (const auto& entry : methods_)
            names.push_back(entry.first);
        return names;
    }

    // Every request handled from now on is reported to `observer` (null: none), which must
    // outlive the dispatcher's use. Set it before the servers start.
    void set_observer(RpcObserver* observer) noexcept { observer_ = observer; }

    // Handles one HTTP/WebSocket message; nullopt when nothing is to be sent back (only
    // notifications).
    [[nodiscard]] std::optional<std::string> handle(std::string_view body) const;

private:
    [[nodiscard]] std::optional<std::string> handle_body(std::string_view body) const;
    // One request's answer as wire text; nullopt for a notification.
    [[nodiscard]] std::optional<std::string> handle_one(const Json& request) const;
    // Sets error_code (0: answered) and method_label (the registered method's name, which
    // outlives the call, or kUnknownMethod).
    [[nodiscard]] std::optional<std::variant<Json, std::string>> answer_one(
        const Json& request, int& error_code, std::string_view& method_label) const;
    // A message refused before any request in it could be read (parse error, bad batch).
    void report_unanswerable(int error_code) const;

    struct Method {
        Handler json;
        SerializedHandler serialized;
    };

    DispatchLimits limits_;
    RpcObserver* observer_{nullptr};
    std::map<std::string, Method, std::less<>> methods_;
};

// Serializes a message for the wire. Strings quoting raw input (a parser's "last read: ..."
// in an error message) may hold invalid UTF-8; those bytes become U+FFFD instead of making
// the serializer throw.
[[nodiscard]] std::string to_wire(const Json& message);

[[nodiscard]] Json error_response(const Json& id, int error_code, const std::string& message,
                                  const std::optional<Json>& data = std::nullopt);

}  // namespace qtm::rpc
