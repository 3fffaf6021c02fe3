// Reading JSON-RPC parameters the way execution-apis defines them: QUANTITY (0x-hex, no
// leading zeros), DATA (0x-hex bytes), addresses, hashes, block tags. Every malformed
// parameter is an RpcError -32602 naming the parameter and what was expected.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "base/bytes.hpp"
#include "base/u256.hpp"
#include "rpc/json_rpc.hpp"

namespace qtm::rpc {

// The parameter at `index`, or RpcError if absent and required.
[[nodiscard]] const Json* param(const Json& params, std::size_t index, const char* name,
                                bool required = true);
void expect_at_most(const Json& params, std::size_t count);

[[nodiscard]] U256 to_u256(const Json& value, const char* name);
[[nodiscard]] std::uint64_t to_u64(const Json& value, const char* name);
[[nodiscard]] Bytes to_data(const Json& value, const char* name);
[[nodiscard]] Address to_address(const Json& value, const char* name);
[[nodiscard]] Hash32 to_hash(const Json& value, const char* name);
// A storage slot as geth reads one (its decodeHash): hex of at most 32 bytes, the 0x prefix
// optional, an odd number of digits allowed ("0x0", what cast sends), left-padded. A string
// that is not such hex fails as geth fails, with -32000 and `error_prefix` followed by
// "hex string invalid" or "hex string too long, want at most 32 bytes".
[[nodiscard]] U256 to_storage_key(const Json& value, const char* name,
                                  std::string_view error_prefix);
// The optional boolean at `index` (false when absent or null).
[[nodiscard]] bool optional_bool(const Json& params, std::size_t index, const char* name);

enum class BlockTag { kLatest, kPending, kSafe, kFinalized, kEarliest };
// A block: a tag, a number, or (EIP-1898) a hash.
using BlockRef = std::variant<BlockTag, std::uint64_t, Hash32>;
[[nodiscard]] BlockRef to_block_ref(const Json* value, const char* name);

// Output encodings.
[[nodiscard]] std::string quantity(std::uint64_t value);
[[nodiscard]] std::string quantity(const U256& value);
[[nodiscard]] std::string hex_data(ByteView bytes);

}  // namespace qtm::rpc
