// The node's Prometheus metrics (names in docs/operations.md, "Metrics"): the chain's head,
// its blocks (interval, transactions, gas, build and commit time), the transaction pool
// (admitted, rejected by reason, pending/queued/bytes), the RPC servers (requests by method
// and outcome, latency, rate limits, WebSocket connections and subscriptions), the database
// and its disk, and the process_* figures of the official client libraries.
//
// Counters and histograms are updated where things happen, outside the node's own locks
// (prometheus-cpp counters are atomic; a histogram has its own short lock). Figures that are
// cheaper to read than to track (pool size, database size, head) are sampled on each scrape
// by the samplers registered with add_sampler().
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "chain/txpool.hpp"
#include "rpc/observer.hpp"

namespace qtm::node {

// One committed block as the metrics see it.
struct BlockMetrics {
    std::uint64_t number{0};
    std::uint64_t timestamp{0};  // the header's, seconds since the epoch
    std::size_t transactions{0};
    std::uint64_t gas_used{0};
    std::size_t excluded{0};  // pool transactions left out when they failed in the block
    std::chrono::nanoseconds build{0};
    std::chrono::nanoseconds commit{0};
};

// Figures read at scrape time; a sampler fills what it knows and leaves the rest unset.
struct MetricsSample {
    std::optional<std::uint64_t> head_block;
    std::optional<std::uint64_t> head_timestamp;
    std::optional<std::uint64_t> finalized_block;
    std::optional<chain::TxPoolStatus> pool;
    std::optional<std::uint64_t> db_size_bytes;
    std::optional<std::uint64_t> db_memtable_bytes;
    std::optional<std::uint64_t> db_pending_compaction_bytes;
    std::optional<std::uint64_t> datadir_free_bytes;
    std::optional<std::uint64_t> datadir_size_bytes;
    std::optional<std::size_t> ws_subscriptions;
    std::optional<bool> ready;
};

// The label a rejected transaction is counted under (qtm_txpool_transactions_rejected_total;
// every one of them is exported from the start, at 0).
[[nodiscard]] std::string_view rejection_label(chain::TxPoolError error) noexcept;
inline constexpr std::string_view kRejectedUndecodable = "undecodable";

class NodeMetrics final : public rpc::RpcObserver {
public:
    // `target_block_time` is exported so alerts can speak in block times.
    NodeMetrics(std::chrono::milliseconds target_block_time, std::size_t pool_capacity_slots);
    ~NodeMetrics() override;
    NodeMetrics(const NodeMetrics&) = delete;
    NodeMetrics& operator=(const NodeMetrics&) = delete;

    void set_build_info(std::string_view version);
    void on_block_committed(const BlockMetrics& block);
    void on_transaction_admitted();
    void on_transaction_rejected(std::string_view reason);

    // rpc::RpcObserver
    void on_request(std::string_view method, rpc::RpcOutcome outcome,
                    std::chrono::nanoseconds latency) noexcept override;
    void on_rate_limited(std::string_view transport) noexcept override;
    void on_ws_connection_opened() noexcept override;
    void on_ws_connection_closed() noexcept override;

    using Sampler = std::function<void(MetricsSample&)>;
    // Add every sampler before the first scrape (not synchronised with render()).
    void add_sampler(Sampler sampler);

    // Text in the Prometheus format appended to every scrape (metrics kept elsewhere: the
    // validator network's, network_metrics.hpp). Add before the first scrape, as samplers.
    using TextSource = std::function<std::string()>;
    void add_text_source(TextSource source);

    // Runs the samplers and returns every metric in the Prometheus text format (0.0.4).
    [[nodiscard]] std::string render();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace qtm::node
