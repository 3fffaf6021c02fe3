// Log queries (log_query.hpp).
#include "rpc/log_query.hpp"

#include <algorithm>

#include "rpc/format.hpp"
#include "rpc/params.hpp"

namespace qtm::rpc {

namespace {

bool topic_matches(const Json& filter, const Hash32& topic) {
    if (filter.is_null()) return true;
    if (filter.is_array()) {
        if (filter.empty()) return true;
        return std::any_of(filter.begin(), filter.end(),
                           [&](const Json& option) { return to_hash(option, "topics") == topic; });
    }
    return to_hash(filter, "topics") == topic;
}

}  // namespace

bool LogFilter::matches(const state::Log& log) const {
    if (!addresses.empty() &&
        std::find(addresses.begin(), addresses.end(), log.address) == addresses.end()) {
        return false;
    }
    if (topics.size() > log.topics.size()) {
        for (std::size_t i = log.topics.size(); i < topics.size(); ++i) {
            if (!topics[i].is_null()) return false;
        }
    }
    for (std::size_t i = 0; i < topics.size() && i < log.topics.size(); ++i) {
        if (!topic_matches(topics[i], log.topics[i])) return false;
    }
    return true;
}

bool LogFilter::bloom_may_match(const chain::Bloom& bloom) const {
    if (!addresses.empty() &&
        std::none_of(addresses.begin(), addresses.end(), [&](const Address& address) {
            return chain::bloom_may_contain(bloom, address);
        })) {
        return false;
    }
    for (const auto& position : topics) {
        if (position.is_null() || (position.is_array() && position.empty())) continue;
        const std::vector<Json> options =
            position.is_array() ? position.get<std::vector<Json>>() : std::vector<Json>{position};
        if (std::none_of(options.begin(), options.end(), [&](const Json& option) {
                return chain::bloom_may_contain(bloom, to_hash(option, "topics"));
            })) {
            return false;
        }
    }
    return true;
}

LogFilter parse_log_filter(const Json& filter_json) {
    if (!filter_json.is_object()) {
        throw RpcError{code::kInvalidParams, "invalid argument filter: expected an object"};
    }
    LogFilter filter;
    if (const auto it = filter_json.find("address"); it != filter_json.end() && !it->is_null()) {
        if (it->is_array()) {
            for (const auto& item : *it)
                filter.addresses.push_back(to_address(item, "address"));
        } else {
            filter.addresses.push_back(to_address(*it, "address"));
        }
    }
    if (const auto it = filter_json.find("topics"); it != filter_json.end() && !it->is_null()) {
        if (!it->is_array() || it->size() > 4) {
            throw RpcError{code::kInvalidParams, "invalid argument topics: at most 4 positions"};
        }
        for (const auto& position : *it) {  // validate every hash now, not when matching
            if (position.is_array()) {
                for (const auto& option : position)
                    (void)to_hash(option, "topics");
            } else if (!position.is_null()) {
                (void)to_hash(position, "topics");
            }
        }
        filter.topics = *it;
    }
    return filter;
}

std::optional<std::pair<std::uint64_t, std::uint64_t>> resolve_log_range(Backend& backend,
                                                                         const ChainReader& reader,
                                                                         const Json& filter_json,
                                                                         const ApiLimits& limits) {
    if (const auto it = filter_json.find("blockHash"); it != filter_json.end()) {
        const auto set = [&filter_json](const char* key) {
            const auto found = filter_json.find(key);
            return found != filter_json.end() && !found->is_null();
        };
        if (set("fromBlock") || set("toBlock")) {
            throw RpcError{code::kInvalidParams,
                           "cannot specify both blockHash and fromBlock/toBlock, choose one or "
                           "the other"};
        }
        const auto number = reader.resolve(to_hash(*it, "blockHash"));
        if (!number) throw RpcError{code::kServer, "unknown block"};
        return std::pair{*number, *number};
    }
    const std::uint64_t head = backend.head().number;
    const auto resolve = [&](const char* key) -> std::uint64_t {
        const auto it = filter_json.find(key);
        if (it == filter_json.end() || it->is_null()) return head;
        const BlockRef ref = to_block_ref(&*it, key);
        if (const auto* number = std::get_if<std::uint64_t>(&ref)) return *number;
        const auto resolved = reader.resolve(ref);
        if (!resolved) throw RpcError{code::kServer, "unknown block"};
        return *resolved;
    };
    const std::uint64_t from = resolve("fromBlock");
    std::uint64_t to = resolve("toBlock");
    if (from > to) throw RpcError{code::kInvalidParams, "invalid block range params"};
    // The range asked for counts, not what exists of it yet: a huge range is refused even on
    // a short chain.
    if (to - from >= limits.max_log_range) {
        throw RpcError{code::kLimitExceeded,
                       "query exceeds max block range " + std::to_string(limits.max_log_range) +
                           " (asked " + std::to_string(from) + " to " + std::to_string(to) +
                           "); split it into smaller ranges"};
    }
    if (to > head) to = head;
    if (from > to) return std::nullopt;
    return std::pair{from, to};
}

Json collect_logs(const ChainReader& reader, const LogFilter& filter, std::uint64_t from,
                  std::uint64_t to, const ApiLimits& limits) {
    Json out = Json::array();
    for (std::uint64_t n = from; n <= to; ++n) {
        const auto header = reader.header(n);
        if (!header || !filter.bloom_may_match(header->logs_bloom)) continue;
        const auto block = reader.block(n);
        if (!block) continue;
        const LogSource logs{block->hash, block->header, block->receipts, block->transaction_hashes,
                             block->block_logs};
        for_each_log(logs, [&](const state::Log& log, const TxContextInBlock& where,
                               const Hash32& tx_hash, std::size_t log_index) {
            if (!filter.matches(log)) return;
            if (out.size() >= limits.max_log_results) {
                throw RpcError{code::kLimitExceeded,
                               "query returned more than " +
                                   std::to_string(limits.max_log_results) +
                                   " results; narrow the block range or the filter"};
            }
            out.push_back(format_log(log, where, tx_hash, log_index));
        });
    }
    return out;
}

}  // namespace qtm::rpc
