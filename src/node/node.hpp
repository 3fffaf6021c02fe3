// A running chain: the database, the head, the transaction pool and (on a dev chain) the
// block producer. Opening a data directory creates the genesis block on first use, checks
// that an existing one belongs to the same chain spec, and resumes from the stored head.
// Every block is committed with its state in one synced batch, so a crash loses at most
// the block being built.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "chain/block.hpp"
#include "chain/chain_spec.hpp"
#include "chain/executor.hpp"
#include "chain/keys.hpp"
#include "chain/txpool.hpp"
#include "node/head_state.hpp"
#include "node/health.hpp"
#include "node/metrics.hpp"
#include "node/state_pruner.hpp"
#include "rpc/backend.hpp"
#include "storage/database.hpp"
#include "storage/node_cache.hpp"

namespace qtm::node {

struct NodeOptions {
    std::string datadir;
    chain::ChainSpec spec;
    std::chrono::milliseconds block_time{2000};
    Address proposer{};  // who is credited with produced blocks
    // Keys the node signs with for eth_sendTransaction (dev accounts, unlocked keystores).
    std::vector<chain::AccountKey> signers;
    std::size_t node_cache_bytes{256u << 20};
    // States kept: the head's and the N-1 before it (node/state_pruner.hpp); 0 = archive.
    std::uint64_t state_history{128};
};

struct NodeError {
    std::string message;
};

// A produced or imported block as listeners see it.
struct BlockEvent {
    chain::Block block;
    Hash32 hash{};
    std::vector<chain::Receipt> receipts;
    std::vector<chain::TransactionResult> results;
    std::vector<state::Log> block_logs{};  // chain::ExecutedBlock::block_logs
};

class Node final : public rpc::Backend {
public:
    [[nodiscard]] static Result<std::unique_ptr<Node>, NodeError> open(NodeOptions options);
    ~Node();
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;

    // Starts the producer thread (a block every block_time); stop() or the destructor ends it
    // after the block in progress is committed.
    void start_producing();
    void stop();

    // Builds, commits (synced) and announces one block on top of the head.
    [[nodiscard]] Result<chain::Header, NodeError> produce_block();

    // Validates a block received from elsewhere (an import; later, sync) against the head,
    // re-executing it in full (signatures, roots, receipts), and commits it (synced) as the
    // new head. The error says why the block is invalid; nothing is written then.
    [[nodiscard]] Result<chain::Header, NodeError> import_block(const chain::Block& block);

    // Decodes and admits a raw transaction; the error text is what RPC returns.
    [[nodiscard]] Result<Hash32, std::string> submit_raw_transaction(ByteView raw);

    // rpc::Backend
    [[nodiscard]] chain::Header head() const override;
    [[nodiscard]] const chain::ChainSpec& spec() const override { return options_.spec; }
    [[nodiscard]] const Hash32& genesis_hash() const override { return genesis_hash_; }
    [[nodiscard]] storage::Database& database() override { return *database_; }
    [[nodiscard]] storage::NodeCache* node_cache() override { return &node_cache_; }
    [[nodiscard]] chain::TxPool& pool() override { return *pool_; }
    [[nodiscard]] U256 next_base_fee() const override;
    [[nodiscard]] Result<Hash32, std::string> submit_transaction(
        const chain::Transaction& tx) override;
    [[nodiscard]] const chain::AccountKey* signer(const Address& address) const override;
    [[nodiscard]] std::vector<Address> accounts() const override;

    [[nodiscard]] Hash32 head_hash() const;

    // The node's metrics (its own figures are sampled on each render); the RPC servers
    // report to it as their rpc::RpcObserver.
    [[nodiscard]] NodeMetrics& metrics() noexcept { return *metrics_; }
    // /ready: the database takes a write, blocks are being produced (one committed within
    // max(5 block times, 10 s)), and the node is synced. Writes one small metadata key.
    [[nodiscard]] HealthReport readiness();
    [[nodiscard]] const HeadStateReader& head_state() const noexcept { return head_state_; }

    // Called after each block is committed, on the producer's thread.
    using BlockListener = std::function<void(const BlockEvent&)>;
    void subscribe_blocks(BlockListener listener);

private:
    Node(NodeOptions options, std::unique_ptr<storage::Database> database);
    [[nodiscard]] Result<void, NodeError> load_or_create_genesis();
    void producer_loop();
    void sample_metrics(MetricsSample& sample) const;
    // Moves the head to a committed block and tells the pool and the listeners.
    void advance_head(const chain::ExecutedBlock& block);

    NodeOptions options_;
    std::unique_ptr<storage::Database> database_;
    storage::NodeCache node_cache_;
    HeadStateReader head_state_;
    std::unique_ptr<chain::TxPool> pool_;
    std::unique_ptr<chain::BlockExecutor> executor_;
    Hash32 genesis_hash_{};
    std::unique_ptr<NodeMetrics> metrics_;
    StatePruner pruner_;
    // steady_clock nanoseconds of the last committed block (or of opening); /ready's clock.
    std::atomic<std::int64_t> last_commit_ns_{0};
    std::atomic<bool> last_commit_failed_{false};
    std::atomic<bool> producing_{false};

    mutable std::mutex head_mutex_;
    chain::Header head_;
    Hash32 head_hash_{};

    std::mutex produce_mutex_;  // one block at a time
    std::mutex listeners_mutex_;
    std::vector<BlockListener> listeners_;

    std::mutex stop_mutex_;
    std::condition_variable stop_signal_;
    bool stopping_{false};
    std::thread producer_;
};

}  // namespace qtm::node
