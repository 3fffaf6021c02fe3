// What a reverting frame's output says, in Solidity's two standard encodings:
// `Error(string)` (selector 0x08c379a0, from `require(cond, "reason")` and `revert("reason")`)
// and `Panic(uint256)` (selector 0x4e487b71, from failed asserts, arithmetic overflow,
// division by zero, ...). JSON-RPC reports a revert as "execution reverted: <reason>" with
// the reason geth gives, and native contracts revert with Error(string), so both sides use
// this one encoder and decoder.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.hpp"

namespace qtm::evm {

// 0x08c379a0 || abi.encode(reason).
[[nodiscard]] Bytes encode_error_string(std::string_view reason);

// The reason of Error(string) output; nullopt for anything else (including a malformed one).
[[nodiscard]] std::optional<std::string> decode_error_string(ByteView output);

// The reason geth prints for a revert: Error(string)'s text, or for Panic(uint256) the
// meaning of its code ("assert(false)", "arithmetic underflow or overflow", ..., or
// "unknown panic code: 0x..."); nullopt when the output is neither (custom errors, empty).
[[nodiscard]] std::optional<std::string> decode_revert_reason(ByteView output);

}  // namespace qtm::evm
