#include "rpc/json_parse.hpp"

#include <simdjson.h>

#include <optional>
#include <string>

namespace qtm::rpc {
namespace {

using nlohmann::json;

// nlohmann's types for each simdjson value: a non-negative integer is number_unsigned, a
// negative one number_integer, any other number number_float (as nlohmann's lexer decides).
// nullopt: a value nlohmann would represent otherwise (left to it).
std::optional<json> to_json(simdjson::dom::element element) {
    switch (element.type()) {
        case simdjson::dom::element_type::OBJECT: {
            json object = json::object();
            for (const auto field : simdjson::dom::object{element}) {
                auto value = to_json(field.value);
                if (!value) return std::nullopt;
                object[std::string{field.key}] = std::move(*value);
            }
            return object;
        }
        case simdjson::dom::element_type::ARRAY: {
            json array = json::array();
            for (const auto item : simdjson::dom::array{element}) {
                auto value = to_json(item);
                if (!value) return std::nullopt;
                array.push_back(std::move(*value));
            }
            return array;
        }
        case simdjson::dom::element_type::STRING:
            return json(std::string{std::string_view{element}});
        case simdjson::dom::element_type::INT64: {
            const std::int64_t value = std::int64_t{element};
            if (value >= 0) return json(static_cast<std::uint64_t>(value));
            return json(value);
        }
        case simdjson::dom::element_type::UINT64:
            return json(std::uint64_t{element});
        case simdjson::dom::element_type::DOUBLE:
            return json(double{element});
        case simdjson::dom::element_type::BOOL:
            return json(bool{element});
        case simdjson::dom::element_type::NULL_VALUE:
            return json(nullptr);
    }
    return std::nullopt;
}

}  // namespace

json parse_json(std::string_view text) {
    // One parser per thread: it keeps its buffers between documents.
    // "-0" is nlohmann's signed integer 0 and simdjson's plain 0: a body with "-0" anywhere
    // (rare in RPC: hex has no '-') goes to nlohmann.
    if (text.find("-0") != std::string_view::npos) return json::parse(text);
    thread_local simdjson::dom::parser parser;
    const simdjson::padded_string padded{text};
    simdjson::dom::element root;
    if (parser.parse(padded).get(root) == simdjson::SUCCESS) {
        if (auto value = to_json(root)) return std::move(*value);
    }
    return json::parse(text);
}

}  // namespace qtm::rpc
