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
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "chain/block.hpp"
#include "chain/chain_spec.hpp"
#include "chain/consensus/types.hpp"
#include "chain/executor.hpp"
#include "chain/keys.hpp"
#include "chain/txpool.hpp"
#include "chain/validator_set_source.hpp"
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
    // The pool's limits; nullopt: chain::pool_config_for(spec). The chain id and the block
    // gas limit always come from the spec.
    std::optional<chain::TxPoolConfig> pool;
};

struct NodeError {
    std::string message;
};

// Why a block from elsewhere (a proposal, a block of a peer) was not taken: `peer_to_blame`
// when the block breaks a rule; otherwise this node failed to read or write its own data
// and must stop safely.
struct BlockRejection {
    std::string message;
    bool peer_to_blame{false};
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

    // ---- Blocks decided by consensus (a validator network; node/consensus_driver.hpp) ----
    // Each block for the next height is executed once, on top of the head, and kept by hash
    // until a commit takes it or the head moves on (no second execution at commit).
    //
    // Builds the child of the head (timestamp in Unix seconds) from the pool, with the
    // evidence and the parent's certificate of `inputs`.
    [[nodiscard]] Result<chain::Block, NodeError> build_proposal(std::uint64_t timestamp,
                                                                 const chain::BlockInputs& inputs);
    // Validates a proposed child of the head completely and keeps the result; returns its hash.
    [[nodiscard]] Result<Hash32, BlockRejection> validate_proposal(const chain::Block& block);
    // Commits a kept block (built or validated) with its certificate, in one synced batch.
    [[nodiscard]] Result<chain::Header, NodeError> commit_block(
        const Hash32& block_hash, const chain::CommitCertificate& certificate);
    // A decided block from a peer (catch-up, sync): validated and committed with its
    // certificate, which the caller has verified against the height's validator set.
    [[nodiscard]] Result<chain::Header, BlockRejection> import_committed(
        const chain::Block& block, const chain::CommitCertificate& certificate);
    // The head's own certificate (nullopt on a dev chain or at genesis).
    [[nodiscard]] std::optional<chain::CommitCertificate> head_commit() const;
    // A canonical block and its certificate, for peers that are behind (nullopt: unknown).
    [[nodiscard]] std::optional<std::pair<chain::Block, chain::CommitCertificate>> committed_block(
        std::uint64_t number) const;
    [[nodiscard]] chain::ValidatorSetSource& validator_sets() noexcept { return validator_sets_; }
    [[nodiscard]] chain::ConsensusDomain consensus_domain() const noexcept {
        return chain::ConsensusDomain{options_.spec.chain_id, genesis_hash_};
    }

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
    [[nodiscard]] std::vector<rpc::BadBlock> bad_blocks() const override;

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
    static void log_rejections(const std::vector<chain::Rejection>& rejected, std::uint64_t number);
    // Moves the head to a committed block and tells the pool and the listeners.
    void advance_head(const chain::ExecutedBlock& block);
    // Writes an executed block (synced) and moves the head; `certificate` is stored as the
    // head's commit when given. The caller holds produce_mutex_.
    [[nodiscard]] Result<void, NodeError> commit_executed(
        chain::ExecutedBlock& block, const chain::CommitCertificate* certificate,
        std::chrono::steady_clock::time_point started, std::size_t rejected);

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
    std::optional<chain::CommitCertificate> head_commit_;

    std::mutex produce_mutex_;  // one block at a time; guards executed_
    // Executed children of the head, by hash (consensus mode), until one commits.
    std::map<Hash32, chain::ExecutedBlock> executed_;
    // Blocks that failed validate_proposal through the sender's fault, newest first, at
    // most kBadBlockLimit (geth keeps 10).
    static constexpr std::size_t kBadBlockLimit = 10;
    mutable std::mutex bad_blocks_mutex_;
    std::vector<rpc::BadBlock> bad_blocks_;
    chain::StoredValidatorSets validator_sets_;
    std::mutex listeners_mutex_;
    std::vector<BlockListener> listeners_;

    std::mutex stop_mutex_;
    std::condition_variable stop_signal_;
    bool stopping_{false};
    std::thread producer_;
};

}  // namespace qtm::node
