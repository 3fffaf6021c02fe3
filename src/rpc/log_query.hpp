// Log queries shared by eth_getLogs and the log filters: the address/topics criteria, the
// block range of a filter object (with geth's range cap), and the matching logs.
#pragma once

#include <algorithm>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "chain/block.hpp"
#include "rpc/chain_reader.hpp"
#include "rpc/eth_api.hpp"
#include "rpc/format.hpp"
#include "state/world_state.hpp"

namespace qtm::rpc {

struct LogFilter {
    std::vector<Address> addresses;  // any of them; empty: any address
    Json topics = Json::array();     // per position: null (any), a hash, or a list of hashes

    [[nodiscard]] bool matches(const state::Log& log) const;
    [[nodiscard]] bool bloom_may_match(const chain::Bloom& bloom) const;
};

// A block's logs as eth_getLogs, filters and subscriptions see them.
struct LogSource {
    Hash32 hash{};
    const chain::Header& header;
    std::span<const chain::Receipt> receipts;    // one per transaction
    std::span<const Hash32> transaction_hashes;  // in block order
    std::span<const state::Log> block_logs;      // emitted outside any transaction
};

// Calls visit(log, where, transaction hash, log index) for every log of `block` in order:
// each transaction's logs, then the block-level logs (docs/protocol.md, "Block-level logs")
// at transaction index = the number of transactions, with transactionHash =
// chain::block_logs_hash(number, hash). Log indexes run through the whole block.
template <typename Visit>
void for_each_log(const LogSource& block, Visit&& visit) {
    std::size_t log_index = 0;
    const std::size_t count = std::min(block.receipts.size(), block.transaction_hashes.size());
    for (std::uint32_t i = 0; i < count; ++i) {
        const auto where = TxContextInBlock::of(block, i);
        for (const auto& log : block.receipts[i].logs)
            visit(log, where, block.transaction_hashes[i], log_index++);
    }
    if (block.block_logs.empty()) return;
    const auto where = TxContextInBlock::of(block, static_cast<std::uint32_t>(count));
    const Hash32 pseudo = chain::block_logs_hash(block.header.number, block.hash);
    for (const auto& log : block.block_logs)
        visit(log, where, pseudo, log_index++);
}

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
