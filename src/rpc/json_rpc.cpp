#include "rpc/json_rpc.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <string_view>
#include <variant>

#include "base/log_limiter.hpp"
#include "rpc/json_parse.hpp"

namespace qtm::rpc {

Json error_response(const Json& id, int error_code, const std::string& message,
                    const std::optional<Json>& data) {
    Json error = {{"code", error_code}, {"message", message}};
    if (data) error["data"] = *data;
    return {{"jsonrpc", "2.0"}, {"id", id}, {"error", error}};
}

void Dispatcher::add(const std::string& method, Handler handler) {
    methods_[method] = Method{std::move(handler), nullptr};
}

void Dispatcher::add_serialized(const std::string& method, SerializedHandler handler) {
    methods_[method] = Method{nullptr, std::move(handler)};
}

std::optional<std::string> Dispatcher::handle_one(const Json& request) const {
    int error_code = 0;
    std::string_view method = kUnknownMethod;
    const auto started = std::chrono::steady_clock::now();
    auto answer = answer_one(request, error_code, method);
    if (observer_ != nullptr) {
        observer_->on_request(method, outcome_of_code(error_code),
                              std::chrono::steady_clock::now() - started);
    }
    if (!answer) return std::nullopt;
    if (auto* text = std::get_if<std::string>(&*answer)) return std::move(*text);
    return to_wire(std::get<Json>(*answer));
}

std::optional<std::variant<Json, std::string>> Dispatcher::answer_one(
    const Json& request, int& error_code, std::string_view& method_label) const {
    // Every error answer below goes through here, so the observer learns its code.
    const auto fail = [&error_code](const Json& id, int code_value, const std::string& message,
                                    const std::optional<Json>& data = std::nullopt) {
        error_code = code_value;
        return error_response(id, code_value, message, data);
    };
    if (!request.is_object()) {
        return fail(nullptr, code::kInvalidRequest, "invalid request: not an object");
    }
    const bool notification = !request.contains("id");
    const Json id = notification ? Json(nullptr) : request.at("id");
    if (!id.is_null() && !id.is_string() && !id.is_number()) {
        return fail(nullptr, code::kInvalidRequest,
                    "invalid request: id must be a string, a number or null");
    }
    const auto version = request.find("jsonrpc");
    if (version == request.end() || *version != "2.0") {
        return fail(id, code::kInvalidRequest, "invalid request: \"jsonrpc\" must be \"2.0\"");
    }
    const auto method = request.find("method");
    if (method == request.end() || !method->is_string()) {
        return fail(id, code::kInvalidRequest, "invalid request: \"method\" must be a string");
    }
    const std::string name = method->get<std::string>();
    const auto handler = methods_.find(name);
    if (handler != methods_.end()) method_label = handler->first;
    if (handler == methods_.end()) {
        if (notification) {
            error_code = code::kMethodNotFound;
            return std::nullopt;
        }
        return fail(id, code::kMethodNotFound,
                    "the method " + name + " does not exist/is not available");
    }
    Json params = Json::array();
    if (const auto given = request.find("params"); given != request.end() && !given->is_null()) {
        if (!given->is_array()) {
            return fail(id, code::kInvalidParams,
                        "invalid params: expected an array of positional parameters");
        }
        params = *given;
    }
    try {
        if (handler->second.serialized) {
            SerializedResult result = handler->second.serialized(params);
            if (notification) return std::nullopt;
            // The members in nlohmann's (sorted) order, as every other answer has them.
            std::string text = R"({"id":)" + to_wire(id) + R"(,"jsonrpc":"2.0","result":)";
            text += result ? std::string_view{*result} : std::string_view{"null"};
            text += '}';
            return text;
        }
        Json result = handler->second.json(params);
        if (notification) return std::nullopt;
        return Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
    } catch (const RpcError& error) {
        error_code = error.code;
        if (notification) return std::nullopt;
        return fail(id, error.code, error.what(), error.data);
    } catch (const Json::exception& error) {
        error_code = code::kInvalidParams;
        if (notification) return std::nullopt;
        return fail(id, code::kInvalidParams, std::string{"invalid params: "} + error.what());
    } catch (const std::exception& error) {
        static LogLimiter log_limit;  // a client can trigger this line
        if (const auto dropped = log_limit.admit()) {
            spdlog::error("rpc method {} failed: {}{}", name, error.what(), dropped_note(*dropped));
        }
        error_code = code::kInternal;
        if (notification) return std::nullopt;
        return fail(id, code::kInternal, "internal error");
    }
}

void Dispatcher::report_unanswerable(int error_code) const {
    if (observer_ != nullptr) {
        observer_->on_request(kUnknownMethod, outcome_of_code(error_code),
                              std::chrono::nanoseconds{0});
    }
}

std::string to_wire(const Json& message) {
    return message.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::optional<std::string> Dispatcher::handle(std::string_view body) const {
    // The last line of defence: whatever a handler or the serializer throws becomes an
    // internal error answer, never an exception through the server's I/O thread.
    try {
        return handle_body(body);
    } catch (const std::exception& error) {
        static LogLimiter log_limit;  // a client can trigger this line
        if (const auto dropped = log_limit.admit()) {
            spdlog::error("rpc request failed: {}{}", error.what(), dropped_note(*dropped));
        }
        return to_wire(error_response(nullptr, code::kInternal, "internal error"));
    }
}

std::optional<std::string> Dispatcher::handle_body(std::string_view body) const {
    Json request;
    try {
        request = parse_json(body);
    } catch (const Json::parse_error& error) {
        report_unanswerable(code::kParseError);
        return to_wire(error_response(nullptr, code::kParseError,
                                      std::string{"parse error: "} + error.what()));
    }
    if (!request.is_array()) return handle_one(request);
    if (request.empty()) {
        report_unanswerable(code::kInvalidRequest);
        return to_wire(error_response(nullptr, code::kInvalidRequest, "empty batch"));
    }
    if (request.size() > limits_.max_batch) {
        report_unanswerable(code::kLimitExceeded);
        return to_wire(error_response(nullptr, code::kLimitExceeded,
                                      "batch too large: " + std::to_string(request.size()) +
                                          " requests, the limit is " +
                                          std::to_string(limits_.max_batch)));
    }
    std::string responses = "[";
    std::size_t bytes = 0;
    bool any = false;
    for (const auto& item : request) {
        auto response = handle_one(item);
        if (!response) continue;
        bytes += response->size();
        if (bytes > limits_.max_response_bytes) {
            *response = to_wire(error_response(
                item.is_object() && item.contains("id") ? item.at("id") : Json(nullptr),
                code::kLimitExceeded,
                "response too large: batch response exceeds " +
                    std::to_string(limits_.max_response_bytes) + " bytes"));
        }
        if (any) responses += ',';
        responses += *response;
        any = true;
    }
    if (!any) return std::nullopt;
    responses += ']';
    return responses;
}

}  // namespace qtm::rpc
