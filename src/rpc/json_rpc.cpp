#include "rpc/json_rpc.hpp"

#include <spdlog/spdlog.h>

namespace qtm::rpc {

Json error_response(const Json& id, int error_code, const std::string& message,
                    const std::optional<Json>& data) {
    Json error = {{"code", error_code}, {"message", message}};
    if (data) error["data"] = *data;
    return {{"jsonrpc", "2.0"}, {"id", id}, {"error", error}};
}

void Dispatcher::add(const std::string& method, Handler handler) {
    methods_[method] = std::move(handler);
}

std::optional<Json> Dispatcher::handle_one(const Json& request) const {
    if (!request.is_object()) {
        return error_response(nullptr, code::kInvalidRequest, "invalid request: not an object");
    }
    const bool notification = !request.contains("id");
    const Json id = notification ? Json(nullptr) : request.at("id");
    if (!id.is_null() && !id.is_string() && !id.is_number()) {
        return error_response(nullptr, code::kInvalidRequest,
                              "invalid request: id must be a string, a number or null");
    }
    const auto version = request.find("jsonrpc");
    if (version == request.end() || *version != "2.0") {
        return error_response(id, code::kInvalidRequest,
                              "invalid request: \"jsonrpc\" must be \"2.0\"");
    }
    const auto method = request.find("method");
    if (method == request.end() || !method->is_string()) {
        return error_response(id, code::kInvalidRequest,
                              "invalid request: \"method\" must be a string");
    }
    const std::string name = method->get<std::string>();
    const auto handler = methods_.find(name);
    if (handler == methods_.end()) {
        if (notification) return std::nullopt;
        return error_response(id, code::kMethodNotFound,
                              "the method " + name + " does not exist/is not available");
    }
    Json params = Json::array();
    if (const auto given = request.find("params"); given != request.end() && !given->is_null()) {
        if (!given->is_array()) {
            return error_response(id, code::kInvalidParams,
                                  "invalid params: expected an array of positional parameters");
        }
        params = *given;
    }
    try {
        Json result = handler->second(params);
        if (notification) return std::nullopt;
        return Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
    } catch (const RpcError& error) {
        if (notification) return std::nullopt;
        return error_response(id, error.code, error.what(), error.data);
    } catch (const Json::exception& error) {
        if (notification) return std::nullopt;
        return error_response(id, code::kInvalidParams,
                              std::string{"invalid params: "} + error.what());
    } catch (const std::exception& error) {
        spdlog::error("rpc method {} failed: {}", name, error.what());
        if (notification) return std::nullopt;
        return error_response(id, code::kInternal, "internal error");
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
        spdlog::error("rpc request failed: {}", error.what());
        return to_wire(error_response(nullptr, code::kInternal, "internal error"));
    }
}

std::optional<std::string> Dispatcher::handle_body(std::string_view body) const {
    Json request;
    try {
        request = Json::parse(body);
    } catch (const Json::parse_error& error) {
        return to_wire(error_response(nullptr, code::kParseError,
                                      std::string{"parse error: "} + error.what()));
    }
    if (!request.is_array()) {
        auto response = handle_one(request);
        if (!response) return std::nullopt;
        return to_wire(*response);
    }
    if (request.empty()) {
        return to_wire(error_response(nullptr, code::kInvalidRequest, "empty batch"));
    }
    if (request.size() > limits_.max_batch) {
        return to_wire(error_response(nullptr, code::kLimitExceeded,
                                      "batch too large: " + std::to_string(request.size()) +
                                          " requests, the limit is " +
                                          std::to_string(limits_.max_batch)));
    }
    Json responses = Json::array();
    std::size_t bytes = 0;
    for (const auto& item : request) {
        auto response = handle_one(item);
        if (!response) continue;
        bytes += to_wire(*response).size();
        if (bytes > limits_.max_response_bytes) {
            responses.push_back(error_response(
                item.is_object() && item.contains("id") ? item.at("id") : Json(nullptr),
                code::kLimitExceeded,
                "response too large: batch response exceeds " +
                    std::to_string(limits_.max_response_bytes) + " bytes"));
            continue;
        }
        responses.push_back(std::move(*response));
    }
    if (responses.empty()) return std::nullopt;
    return to_wire(responses);
}

}  // namespace qtm::rpc
