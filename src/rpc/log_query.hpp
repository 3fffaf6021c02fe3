// Log queries shared by eth_getLogs and the log filters: the address/topics criteria, the
// block range of a filter object (with geth's range cap), and the matching logs.
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "chain/block.hpp"
#include "rpc/chain_reader.hpp"
#include "rpc/eth_api.hpp"
#include "state/world_state.hpp"

namespace qtm::rpc {

struct LogFilter {
    std::vector<Address> addresses;  // any of them; empty: any address
    Json topics = Json::array();     // per position: null (any), a hash, or a list of hashes

    [[nodiscard]] bool matches(const state::Log& log) const;
    [[nodiscard]] bool bloom_may_match(const chain::Bloom& bloom) const;
};

// The "address" and "topics" members of a filter object (RpcError on bad input).
[[nodiscard]] LogFilter parse_log_filter(const Json& filter_json);

// The inclusive block range a filter object asks for ("blockHash", or "fromBlock"/"toBlock"
// defaulting to the head), clipped to the head; nullopt when it lies past the head.
// RpcError when the range is inverted or longer than limits.max_log_range.
[[nodiscard]] std::optional<std::pair<std::uint64_t, std::uint64_t>> resolve_log_range(
    Backend& backend, const ChainReader& reader, const Json& filter_json, const ApiLimits& limits);

// The matching logs of blocks [from, to] in eth_getLogs form (RpcError past
// limits.max_log_results).
[[nodiscard]] Json collect_logs(const ChainReader& reader, const LogFilter& filter,
                                std::uint64_t from, std::uint64_t to, const ApiLimits& limits);

}  // namespace qtm::rpc
