#include "node/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <array>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "node/process_metrics.hpp"

namespace qtm::node {

namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;
using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;

double seconds(std::chrono::nanoseconds duration) {
    return std::chrono::duration<double>(duration).count();
}

const Histogram::BucketBoundaries kStageBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                0.25,  0.5,    1,     2.5,  5,     10};
const Histogram::BucketBoundaries kIntervalBuckets{0.25, 0.5, 1,  1.5, 2,  2.5, 3,
                                                   4,    5,   10, 15,  30, 60};
const Histogram::BucketBoundaries kTxBuckets{0, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000};
const Histogram::BucketBoundaries kGasBuckets{0,   21'000, 100'000, 1e6, 2.5e6,
                                              5e6, 1e7,    1.5e7,   2e7, 3e7};
const Histogram::BucketBoundaries kRpcBuckets{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                              0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                              1,      2.5,     5,      10};

// One RPC method's series, made on its first request and kept for the process's life.
struct MethodSeries {
    Histogram* latency{nullptr};
    std::array<std::atomic<Counter*>, rpc::kRpcOutcomeCount> requests{};
};

}  // namespace

std::string_view rejection_label(chain::TxPoolError error) noexcept {
    using E = chain::TxPoolError;
    switch (error) {
        case E::kAlreadyKnown:
            return "already_known";
        case E::kNonceTooLow:
            return "nonce_too_low";
        case E::kInsufficientFunds:
            return "insufficient_funds";
        case E::kIntrinsicGasTooLow:
            return "intrinsic_gas_too_low";
        case E::kGasLimitExceeded:
            return "gas_limit_exceeded";
        case E::kReplacementUnderpriced:
            return "replacement_underpriced";
        case E::kUnderpriced:
            return "underpriced";
        case E::kInvalidSignature:
            return "invalid_signature";
        case E::kKeyAddressMismatch:
            return "key_address_mismatch";
        case E::kKeyAlreadyRegistered:
            return "key_already_registered";
        case E::kMissingPublicKey:
            return "missing_public_key";
        case E::kSchemeMismatch:
            return "scheme_mismatch";
        case E::kInvalidChainId:
            return "invalid_chain_id";
        case E::kOversizedData:
            return "oversized_data";
        case E::kFeeCapBelowBaseFee:
            return "fee_cap_below_base_fee";
        case E::kTipAboveFeeCap:
            return "tip_above_fee_cap";
        case E::kPoolFull:
            return "pool_full";
        case E::kAccountLimit:
            return "account_limit";
    }
    return "other";
}

struct NodeMetrics::Impl {
    Impl(std::chrono::milliseconds block_time, std::size_t capacity_slots)
        : registry{std::make_shared<prometheus::Registry>()},
          build_info{BuildGauge()
                         .Name("qtm_build_info")
                         .Help("Always 1; the version label names the running build")
                         .Register(*registry)},
          head_block{gauge("qtm_chain_head_block", "Number of the head (latest) block")},
          head_timestamp{gauge("qtm_chain_head_timestamp_seconds",
                               "Timestamp of the head block, seconds since the epoch")},
          finalized_block{gauge("qtm_chain_finalized_block",
                                "Number of the latest final block (the head on a dev chain)")},
          target_block_time{
              gauge("qtm_chain_target_block_time_seconds", "Configured time between blocks")},
          block_interval{histogram("qtm_chain_block_interval_seconds",
                                   "Time between consecutive blocks committed by this node",
                                   kIntervalBuckets)},
          block_transactions{histogram("qtm_chain_block_transactions",
                                       "Transactions per committed block", kTxBuckets)},
          block_gas{
              histogram("qtm_chain_block_gas_used", "Gas used per committed block", kGasBuckets)},
          transactions{counter("qtm_chain_transactions_total",
                               "Transactions in blocks committed by this node")},
          gas_used{
              counter("qtm_chain_gas_used_total", "Gas used by blocks committed by this node")},
          blocks{counter("qtm_chain_blocks_total", "Blocks committed by this node")},
          build_seconds{histogram("qtm_block_build_seconds",
                                  "Time to select, execute and seal a block's transactions",
                                  kStageBuckets)},
          commit_seconds{histogram("qtm_block_commit_seconds",
                                   "Time to write a block with its state (synced batch)",
                                   kStageBuckets)},
          excluded{counter("qtm_block_excluded_transactions_total",
                           "Pool transactions left out of a block because they failed in it")},
          admitted{counter("qtm_txpool_transactions_admitted_total",
                           "Transactions admitted to the pool")},
          rejected{BuildCounter()
                       .Name("qtm_txpool_transactions_rejected_total")
                       .Help("Transactions refused by the pool, by reason")
                       .Register(*registry)},
          pool_pending{gauge("qtm_txpool_pending", "Executable transactions in the pool")},
          pool_queued{gauge("qtm_txpool_queued", "Transactions waiting for a nonce gap to close")},
          pool_bytes{gauge("qtm_txpool_bytes", "Encoded size of every pooled transaction")},
          pool_capacity{gauge("qtm_txpool_capacity_slots",
                              "Pool capacity in 32 KiB slots (a transaction takes one or more)")},
          rpc_requests{BuildCounter()
                           .Name("qtm_rpc_requests_total")
                           .Help("JSON-RPC requests answered, by method and outcome")
                           .Register(*registry)},
          rpc_latency{BuildHistogram()
                          .Name("qtm_rpc_request_duration_seconds")
                          .Help("Time to answer a JSON-RPC request, by method")
                          .Register(*registry)},
          rate_limited{BuildCounter()
                           .Name("qtm_rpc_rate_limited_total")
                           .Help("Requests refused by the per-client rate limit, by transport")
                           .Register(*registry)},
          ws_connections{gauge("qtm_rpc_ws_connections", "Open WebSocket connections")},
          ws_subscriptions{gauge("qtm_rpc_ws_subscriptions", "Active eth_subscribe subscriptions")},
          db_size{gauge("qtm_db_size_bytes", "Database table files on disk")},
          db_memtable{gauge("qtm_db_memtable_bytes", "Database writes not yet flushed to disk")},
          db_pending_compaction{gauge("qtm_db_pending_compaction_bytes",
                                      "Bytes the database estimates it still has to compact")},
          datadir_free{gauge("qtm_datadir_free_bytes",
                             "Bytes free to the node on the data directory's filesystem")},
          datadir_size{gauge("qtm_datadir_size_bytes", "Size of the data directory's filesystem")},
          ready{gauge("qtm_node_ready", "1 when every /ready check passes, else 0")} {
        // Known label values start at 0, so rate() and absence checks work from the start.
        for (int i = 0; i <= static_cast<int>(chain::TxPoolError::kAccountLimit); ++i) {
            rejected.Add(
                {{"reason", std::string{rejection_label(static_cast<chain::TxPoolError>(i))}}});
        }
        rejected.Add({{"reason", std::string{kRejectedUndecodable}}});
        rate_limited.Add({{"transport", "http"}});
        rate_limited.Add({{"transport", "ws"}});
        target_block_time->Set(seconds(block_time));
        pool_capacity->Set(static_cast<double>(capacity_slots));
    }

    Gauge* gauge(const std::string& name, const std::string& help) {
        return &BuildGauge().Name(name).Help(help).Register(*registry).Add({});
    }
    Counter* counter(const std::string& name, const std::string& help) {
        return &BuildCounter().Name(name).Help(help).Register(*registry).Add({});
    }
    Histogram* histogram(const std::string& name, const std::string& help,
                         const Histogram::BucketBoundaries& buckets) {
        return &BuildHistogram().Name(name).Help(help).Register(*registry).Add({}, buckets);
    }

    MethodSeries& series(std::string_view method) {
        {
            const std::shared_lock lock{methods_mutex};
            if (auto found = methods.find(std::string{method}); found != methods.end()) {
                return *found->second;
            }
        }
        const std::unique_lock lock{methods_mutex};
        auto& slot = methods[std::string{method}];
        if (!slot) {
            slot = std::make_unique<MethodSeries>();
            slot->latency = &rpc_latency.Add({{"method", std::string{method}}}, kRpcBuckets);
        }
        return *slot;
    }

    Counter& requests(std::string_view method, MethodSeries& methods_series,
                      rpc::RpcOutcome outcome) {
        auto& slot = methods_series.requests[static_cast<std::size_t>(outcome)];
        if (Counter* existing = slot.load(std::memory_order_acquire)) return *existing;
        // Family::Add returns the existing series when two threads race here.
        Counter& made = rpc_requests.Add(
            {{"method", std::string{method}}, {"outcome", std::string{rpc::to_string(outcome)}}});
        slot.store(&made, std::memory_order_release);
        return made;
    }

    std::shared_ptr<prometheus::Registry> registry;
    ProcessCollector process;
    Family<Gauge>& build_info;
    Gauge* head_block;
    Gauge* head_timestamp;
    Gauge* finalized_block;
    Gauge* target_block_time;
    Histogram* block_interval;
    Histogram* block_transactions;
    Histogram* block_gas;
    Counter* transactions;
    Counter* gas_used;
    Counter* blocks;
    Histogram* build_seconds;
    Histogram* commit_seconds;
    Counter* excluded;
    Counter* admitted;
    Family<Counter>& rejected;
    Gauge* pool_pending;
    Gauge* pool_queued;
    Gauge* pool_bytes;
    Gauge* pool_capacity;
    Family<Counter>& rpc_requests;
    Family<Histogram>& rpc_latency;
    Family<Counter>& rate_limited;
    Gauge* ws_connections;
    Gauge* ws_subscriptions;
    Gauge* db_size;
    Gauge* db_memtable;
    Gauge* db_pending_compaction;
    Gauge* datadir_free;
    Gauge* datadir_size;
    Gauge* ready;

    std::shared_mutex methods_mutex;
    std::unordered_map<std::string, std::unique_ptr<MethodSeries>> methods;

    std::atomic<std::int64_t> last_block_ns{0};  // steady clock; 0: no block yet
    std::vector<Sampler> samplers;
    std::vector<TextSource> text_sources;
    std::mutex render_mutex;  // one scrape at a time
};

NodeMetrics::NodeMetrics(std::chrono::milliseconds target_block_time,
                         std::size_t pool_capacity_slots)
    : impl_{std::make_unique<Impl>(target_block_time, pool_capacity_slots)} {}

NodeMetrics::~NodeMetrics() = default;

void NodeMetrics::set_build_info(std::string_view version) {
    impl_->build_info.Add({{"version", std::string{version}}}).Set(1);
}

void NodeMetrics::on_block_committed(const BlockMetrics& block) {
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    const auto previous = impl_->last_block_ns.exchange(now);
    if (previous != 0)
        impl_->block_interval->Observe(seconds(std::chrono::nanoseconds{now - previous}));
    impl_->head_block->Set(static_cast<double>(block.number));
    impl_->head_timestamp->Set(static_cast<double>(block.timestamp));
    impl_->block_transactions->Observe(static_cast<double>(block.transactions));
    impl_->block_gas->Observe(static_cast<double>(block.gas_used));
    impl_->transactions->Increment(static_cast<double>(block.transactions));
    impl_->gas_used->Increment(static_cast<double>(block.gas_used));
    impl_->blocks->Increment();
    impl_->build_seconds->Observe(seconds(block.build));
    impl_->commit_seconds->Observe(seconds(block.commit));
    impl_->excluded->Increment(static_cast<double>(block.excluded));
}

void NodeMetrics::on_transaction_admitted() {
    impl_->admitted->Increment();
}

void NodeMetrics::on_transaction_rejected(std::string_view reason) {
    impl_->rejected.Add({{"reason", std::string{reason}}}).Increment();
}

void NodeMetrics::on_request(std::string_view method, rpc::RpcOutcome outcome,
                             std::chrono::nanoseconds latency) noexcept {
    try {
        auto& series = impl_->series(method);
        impl_->requests(method, series, outcome).Increment();
        series.latency->Observe(seconds(latency));
    } catch (...) {  // NOLINT(bugprone-empty-catch): a lost sample must not fail a request
    }
}

void NodeMetrics::on_rate_limited(std::string_view transport) noexcept {
    try {
        impl_->rate_limited.Add({{"transport", std::string{transport}}}).Increment();
    } catch (...) {  // NOLINT(bugprone-empty-catch): as above
    }
}

void NodeMetrics::on_ws_connection_opened() noexcept {
    impl_->ws_connections->Increment();
}

void NodeMetrics::on_ws_connection_closed() noexcept {
    impl_->ws_connections->Decrement();
}

void NodeMetrics::add_sampler(Sampler sampler) {
    impl_->samplers.push_back(std::move(sampler));
}

void NodeMetrics::add_text_source(TextSource source) {
    impl_->text_sources.push_back(std::move(source));
}

std::string NodeMetrics::render() {
    const std::lock_guard lock{impl_->render_mutex};
    MetricsSample sample;
    for (const auto& sampler : impl_->samplers)
        sampler(sample);
    const auto set = [](Gauge* gauge, const auto& value) {
        if (value) gauge->Set(static_cast<double>(*value));
    };
    set(impl_->head_block, sample.head_block);
    set(impl_->head_timestamp, sample.head_timestamp);
    set(impl_->finalized_block, sample.finalized_block);
    if (sample.pool) {
        impl_->pool_pending->Set(static_cast<double>(sample.pool->pending));
        impl_->pool_queued->Set(static_cast<double>(sample.pool->queued));
        impl_->pool_bytes->Set(static_cast<double>(sample.pool->bytes));
    }
    set(impl_->db_size, sample.db_size_bytes);
    set(impl_->db_memtable, sample.db_memtable_bytes);
    set(impl_->db_pending_compaction, sample.db_pending_compaction_bytes);
    set(impl_->datadir_free, sample.datadir_free_bytes);
    set(impl_->datadir_size, sample.datadir_size_bytes);
    set(impl_->ws_subscriptions, sample.ws_subscriptions);
    if (sample.ready) impl_->ready->Set(*sample.ready ? 1 : 0);
    std::ostringstream out;
    auto families = impl_->registry->Collect();
    for (auto& family : impl_->process.Collect())
        families.push_back(std::move(family));
    prometheus::TextSerializer{}.Serialize(out, families);
    for (const auto& source : impl_->text_sources)
        out << source();
    return out.str();
}

}  // namespace qtm::node
