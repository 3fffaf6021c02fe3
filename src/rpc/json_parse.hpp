// Parsing a JSON-RPC request body into the Json the dispatcher reads. simdjson parses (its
// kernels chosen at run time from the CPU) and the DOM is copied into Json; this is several
// times faster than nlohmann's own lexer, which copies a string token character by
// character: for a 5 KB eth_sendRawTransaction body that lexer was a sixth of qtmd's CPU.
// Any document simdjson refuses, or holds a number it cannot represent (an integer above
// 2^64), is parsed again by nlohmann, so that what is accepted, the values and the error
// messages are nlohmann's.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace qtm::rpc {

// The same value as nlohmann::json::parse(text); throws what that throws (parse_error,
// or out_of_range for a number beyond a double) exactly when it would.
[[nodiscard]] nlohmann::json parse_json(std::string_view text);

}  // namespace qtm::rpc
