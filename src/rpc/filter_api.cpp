// Polling filters, as geth: eth_newFilter (logs), eth_newBlockFilter,
// eth_newPendingTransactionFilter, eth_getFilterChanges (what is new since the last poll),
// eth_getFilterLogs, eth_uninstallFilter. A filter not polled for five minutes is removed;
// at most kMaxFilters exist at once; a pending-transaction filter keeps at most
// kMaxPendingHashes unpolled hashes (the oldest are dropped).
#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>

#include "base/hex.hpp"
#include "crypto/random.hpp"
#include "rpc/chain_reader.hpp"
#include "rpc/eth_api.hpp"
#include "rpc/log_query.hpp"
#include "rpc/params.hpp"

namespace qtm::rpc {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kFilterTimeout = std::chrono::minutes(5);  // geth's filter deadline
constexpr std::size_t kMaxFilters = 10'000;
constexpr std::size_t kMaxPendingHashes = 10'000;

struct Filter {
    enum class Kind { kLogs, kBlocks, kPendingTransactions } kind{Kind::kBlocks};
    Json criteria;                // the eth_newFilter object (logs filters)
    LogFilter log_filter;         // parsed criteria
    std::uint64_t last_block{0};  // changes start after this block
    std::deque<Hash32> pending;   // new pending transactions since the last poll
    Clock::time_point last_poll{};
};

class Registry {
public:
    std::string install(Filter filter) {
        const std::lock_guard lock{mutex_};
        expire();
        if (filters_.size() >= kMaxFilters) {
            throw RpcError{code::kLimitExceeded, "too many filters installed (" +
                                                     std::to_string(kMaxFilters) +
                                                     "); uninstall some or let them expire"};
        }
        // geth's rpc.NewID: 16 random bytes as a quantity (leading zeros trimmed), which is
        // what execution-apis' eth_newFilter result (uint) allows.
        const auto id_bytes = crypto::random_array<16>();
        Hash32 word{};
        std::copy(id_bytes.begin(), id_bytes.end(), word.begin() + 16);
        std::string id = quantity(U256::from_be_bytes(word));
        filter.last_poll = Clock::now();
        filters_.emplace(id, std::move(filter));
        return id;
    }

    bool uninstall(const std::string& id) {
        const std::lock_guard lock{mutex_};
        return filters_.erase(id) > 0;
    }

    // Runs `f` on the filter under the lock and marks it polled; RpcError if unknown.
    template <typename F>
    auto with(const std::string& id, F f) {
        const std::lock_guard lock{mutex_};
        expire();
        const auto it = filters_.find(id);
        if (it == filters_.end()) throw RpcError{code::kServer, "filter not found"};
        it->second.last_poll = Clock::now();
        return f(it->second);
    }

    void on_pending(const Hash32& hash) {
        const std::lock_guard lock{mutex_};
        for (auto& [id, filter] : filters_) {
            if (filter.kind != Filter::Kind::kPendingTransactions) continue;
            filter.pending.push_back(hash);
            if (filter.pending.size() > kMaxPendingHashes) filter.pending.pop_front();
        }
    }

private:
    void expire() {
        const auto now = Clock::now();
        std::erase_if(filters_, [&](const auto& entry) {
            return now - entry.second.last_poll > kFilterTimeout;
        });
    }

    std::mutex mutex_;
    std::map<std::string, Filter> filters_;
};

std::string filter_id(const Json& params) {
    const Json& id = *param(params, 0, "id");
    if (!id.is_string())
        throw RpcError{code::kInvalidParams, "invalid argument id: expected a string"};
    return id.get<std::string>();
}

}  // namespace

void register_filter_api(Dispatcher& dispatcher, Backend& backend, const ApiLimits& limits) {
    auto registry = std::make_shared<Registry>();
    backend.pool().subscribe([weak = std::weak_ptr<Registry>{registry}](const Hash32& hash) {
        if (auto alive = weak.lock()) alive->on_pending(hash);
    });
    auto reader = std::make_shared<ChainReader>(backend);

    dispatcher.add("eth_newFilter", [&backend, registry](const Json& params) {
        expect_at_most(params, 1);
        Filter filter;
        filter.kind = Filter::Kind::kLogs;
        filter.criteria = *param(params, 0, "filter");
        filter.log_filter = parse_log_filter(filter.criteria);
        filter.last_block = backend.head().number;
        return Json(registry->install(std::move(filter)));
    });
    dispatcher.add("eth_newBlockFilter", [&backend, registry](const Json& params) {
        expect_at_most(params, 0);
        Filter filter;
        filter.kind = Filter::Kind::kBlocks;
        filter.last_block = backend.head().number;
        return Json(registry->install(std::move(filter)));
    });
    dispatcher.add("eth_newPendingTransactionFilter", [registry](const Json& params) {
        expect_at_most(params, 1);  // geth's optional fullTx flag is not supported
        Filter filter;
        filter.kind = Filter::Kind::kPendingTransactions;
        return Json(registry->install(std::move(filter)));
    });
    dispatcher.add("eth_uninstallFilter", [registry](const Json& params) {
        expect_at_most(params, 1);
        return Json(registry->uninstall(filter_id(params)));
    });
    dispatcher.add("eth_getFilterChanges", [&backend, registry, reader,
                                            limits](const Json& params) {
        expect_at_most(params, 1);
        const std::uint64_t head = backend.head().number;
        return registry->with(filter_id(params), [&](Filter& filter) {
            Json out = Json::array();
            switch (filter.kind) {
                case Filter::Kind::kPendingTransactions:
                    for (const auto& hash : filter.pending)
                        out.push_back(hex_data(hash));
                    filter.pending.clear();
                    break;
                case Filter::Kind::kBlocks:
                    // At most max_log_range blocks per poll: the oldest are skipped.
                    filter.last_block = std::max(
                        filter.last_block, head > limits.max_log_range ? head - limits.max_log_range
                                                                       : std::uint64_t{0});
                    for (std::uint64_t n = filter.last_block + 1; n <= head; ++n) {
                        if (const auto header = reader->header(n)) {
                            out.push_back(hex_data(chain::block_hash(*header)));
                        }
                    }
                    filter.last_block = head;
                    break;
                case Filter::Kind::kLogs: {
                    if (head <= filter.last_block) break;
                    std::uint64_t from = filter.last_block + 1;
                    if (head - from + 1 > limits.max_log_range)
                        from = head - limits.max_log_range + 1;
                    out = collect_logs(*reader, filter.log_filter, from, head, limits);
                    filter.last_block = head;
                    break;
                }
            }
            return out;
        });
    });
    dispatcher.add("eth_getFilterLogs", [&backend, registry, reader, limits](const Json& params) {
        expect_at_most(params, 1);
        const auto [criteria, log_filter] = registry->with(filter_id(params), [](Filter& filter) {
            if (filter.kind != Filter::Kind::kLogs) {
                throw RpcError{code::kServer, "filter not found (not a log filter)"};
            }
            return std::pair{filter.criteria, filter.log_filter};
        });
        const auto range = resolve_log_range(backend, *reader, criteria, limits);
        if (!range) return Json::array();
        return collect_logs(*reader, log_filter, range->first, range->second, limits);
    });
}

}  // namespace qtm::rpc
