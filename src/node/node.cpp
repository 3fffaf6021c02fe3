#include "node/node.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

#include "base/hex.hpp"
#include "base/log_limiter.hpp"
#include "chain/commit_store.hpp"
#include "chain/db_repair.hpp"
#include "chain/stored_block.hpp"
#include "storage/chain_store.hpp"
#include "storage/schema.hpp"

namespace qtm::node {

namespace {

std::uint64_t unix_seconds() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

// The start-up invariants (chain::quick_check); when one fails, the repair that
// `qtm db repair` runs, or a refusal naming both the damage and why it cannot be repaired.
Result<void, NodeError> repair_on_start(storage::Database& database, const NodeOptions& options) {
    auto genesis = storage::ChainStore{database}.canonical_hash(0);
    if (!genesis) return unexpected(NodeError{genesis.error().message});
    if (!*genesis) return {};  // a new data directory
    const auto problem = chain::quick_check(database);
    if (!problem) return {};
    spdlog::warn("database check at start-up: {}; repairing", *problem);
    auto repaired = chain::repair_database(database, options.spec);
    if (!repaired) {
        return unexpected(NodeError{"the database in " + options.datadir + " is damaged (" +
                                    *problem +
                                    ") and cannot be repaired: " + repaired.error().message});
    }
    for (const auto& action : repaired->actions)
        spdlog::warn("repair: {}", action);
    spdlog::info("repaired the database; the head is block {}", repaired->head_after);
    return {};
}

}  // namespace

Node::Node(NodeOptions options, std::unique_ptr<storage::Database> database)
    : options_{std::move(options)},
      database_{std::move(database)},
      node_cache_{options_.node_cache_bytes},
      head_state_{*database_},
      pruner_{options_.state_history},
      validator_sets_{options_.spec, *database_} {
    chain::TxPoolConfig pool_config =
        options_.pool ? *options_.pool : chain::pool_config_for(options_.spec);
    pool_config.chain_id = options_.spec.chain_id;
    pool_config.block_gas_limit = options_.spec.gas_limit;
    pool_ = std::make_unique<chain::TxPool>(pool_config, head_state_);
    executor_ = std::make_unique<chain::BlockExecutor>(options_.spec, *database_, &node_cache_);
    metrics_ = std::make_unique<NodeMetrics>(options_.block_time, pool_config.global_slots);
    metrics_->add_sampler([this](MetricsSample& sample) { sample_metrics(sample); });
    last_commit_ns_ = std::chrono::steady_clock::now().time_since_epoch().count();
}

Node::~Node() {
    stop();
}

Result<std::unique_ptr<Node>, NodeError> Node::open(NodeOptions options) {
    auto database = storage::open_rocksdb(options.datadir);
    if (!database) return unexpected(NodeError{database.error().message});
    auto schema = storage::open_schema(**database, options.datadir);
    if (!schema) return unexpected(NodeError{schema.error().message});
    if (schema->migrated) {
        spdlog::info("migrated the database in {} from schema version {} to {}", options.datadir,
                     schema->found, storage::kSchemaVersion);
    }
    if (auto repaired = repair_on_start(**database, options); !repaired) {
        return unexpected(repaired.error());
    }
    std::unique_ptr<Node> node{new Node{std::move(options), std::move(*database)}};
    if (auto loaded = node->load_or_create_genesis(); !loaded) {
        return unexpected(loaded.error());
    }
    return node;
}

Result<void, NodeError> Node::load_or_create_genesis() {
    storage::WriteBatch genesis_batch;
    auto genesis = chain::build_genesis(options_.spec, *database_, genesis_batch);
    if (!genesis) return unexpected(NodeError{genesis.error().message});
    genesis_hash_ = genesis->hash;

    const storage::ChainStore store{*database_};
    auto stored_genesis = store.canonical_hash(0);
    if (!stored_genesis) return unexpected(NodeError{stored_genesis.error().message});
    if (!*stored_genesis) {
        storage::ChainStore::add_block(genesis_batch,
                                       chain::stored_empty_block(genesis->block.header));
        if (auto written = database_->write(genesis_batch, true); !written) {
            return unexpected(NodeError{written.error().message});
        }
        spdlog::info("created genesis block {} for chain '{}' (id {})", to_hex(genesis->hash),
                     options_.spec.name, options_.spec.chain_id);
    } else if (**stored_genesis != genesis->hash) {
        return unexpected(
            NodeError{"the data directory " + options_.datadir + " holds a chain with genesis " +
                      to_hex(**stored_genesis) + ", but the chain spec '" + options_.spec.name +
                      "' has genesis " + to_hex(genesis->hash) +
                      "; use another --datadir or the spec the directory was created with"});
    }

    auto head_hash = store.head();
    if (!head_hash) return unexpected(NodeError{head_hash.error().message});
    if (!*head_hash)
        return unexpected(NodeError{"database has a genesis block but no head pointer"});
    auto header_bytes = store.load_header(**head_hash);
    if (!header_bytes || !*header_bytes) {
        return unexpected(NodeError{"head block " + to_hex(**head_hash) +
                                    " is missing from the database; it is damaged"});
    }
    auto header = chain::decode_header(**header_bytes);
    if (!header) return unexpected(NodeError{"head block header does not decode"});
    // The head's state must be there: the block and its state were written in one batch.
    if (!head_state_.account(chain::staking_address()) && !options_.spec.validators.empty()) {
        return unexpected(NodeError{"the state of head block " + std::to_string(header->number) +
                                    " is missing; the database is damaged"});
    }
    auto commit = chain::load_head_commit(*database_);
    if (!commit) return unexpected(NodeError{commit.error().message});
    const std::lock_guard lock{head_mutex_};
    head_ = *header;
    head_hash_ = **head_hash;
    if (*commit && (*commit)->height == header->number) head_commit_ = **commit;
    return {};
}

chain::Header Node::head() const {
    const std::lock_guard lock{head_mutex_};
    return head_;
}

Hash32 Node::head_hash() const {
    const std::lock_guard lock{head_mutex_};
    return head_hash_;
}

U256 Node::next_base_fee() const {
    return chain::next_base_fee(options_.spec, head());
}

const chain::AccountKey* Node::signer(const Address& address) const {
    for (const auto& key : options_.signers) {
        if (key.address() == address) return &key;
    }
    return nullptr;
}

std::vector<Address> Node::accounts() const {
    std::vector<Address> out;
    for (const auto& key : options_.signers)
        out.push_back(key.address());
    return out;
}

void Node::subscribe_blocks(BlockListener listener) {
    const std::lock_guard lock{listeners_mutex_};
    listeners_.push_back(std::move(listener));
}

Result<Hash32, std::string> Node::submit_transaction(const chain::Transaction& tx) {
    auto added = pool_->add(tx, std::chrono::steady_clock::now());
    if (!added) {
        metrics_->on_transaction_rejected(rejection_label(added.error()));
        return unexpected(std::string{chain::to_string(added.error())});
    }
    metrics_->on_transaction_admitted();
    return *added;
}

Result<Hash32, std::string> Node::submit_raw_transaction(ByteView raw) {
    auto tx = chain::decode_transaction(raw);
    if (!tx) {
        metrics_->on_transaction_rejected(kRejectedUndecodable);
        return unexpected(std::string{chain::to_string(tx.error())});
    }
    return submit_transaction(*tx);
}

Result<chain::Header, NodeError> Node::produce_block() {
    const std::lock_guard produce_lock{produce_mutex_};
    const chain::Header parent = head();
    const U256 base_fee = chain::next_base_fee(options_.spec, parent);
    const auto candidates =
        pool_->best(base_fee, options_.spec.gas_limit, options_.spec.max_block_bytes);
    const std::uint64_t timestamp = std::max(parent.timestamp + 1, unix_seconds());
    std::vector<chain::Rejection> rejected;
    const auto build_started = std::chrono::steady_clock::now();
    auto built = executor_->build(parent, timestamp, options_.proposer, candidates, &rejected);
    if (!built) return unexpected(NodeError{built.error().message});
    log_rejections(rejected, built->block.header.number);
    if (auto committed = commit_executed(*built, nullptr, build_started, rejected.size());
        !committed) {
        return unexpected(committed.error());
    }
    return built->block.header;
}

Result<chain::Header, NodeError> Node::import_block(const chain::Block& block) {
    const std::lock_guard produce_lock{produce_mutex_};
    const chain::Header parent = head();
    const auto started = std::chrono::steady_clock::now();
    auto executed = executor_->validate(parent, block, /*signatures_verified=*/false);
    if (!executed) return unexpected(NodeError{executed.error().message});
    if (auto committed = commit_executed(*executed, nullptr, started, 0); !committed) {
        return unexpected(committed.error());
    }
    return executed->block.header;
}

Result<void, NodeError> Node::commit_executed(chain::ExecutedBlock& block,
                                              const chain::CommitCertificate* certificate,
                                              std::chrono::steady_clock::time_point started,
                                              std::size_t rejected) {
    // The flat state and the executor read the head: a block executed on any other parent
    // would commit a wrong state.
    if (block.block.header.parent_hash != head_hash()) {
        throw std::logic_error("block " + std::to_string(block.block.header.number) +
                               " was executed on a parent that is not the head");
    }
    if (certificate != nullptr) chain::add_head_commit(block.batch, *certificate);
    const auto commit_started = std::chrono::steady_clock::now();
    const auto written = database_->write(block.batch, /*sync=*/true);
    const auto committed = std::chrono::steady_clock::now();
    last_commit_failed_ = !written;
    if (!written) {
        return unexpected(NodeError{"writing block " + std::to_string(block.block.header.number) +
                                    ": " + written.error().message});
    }
    last_commit_ns_ = committed.time_since_epoch().count();
    metrics_->on_block_committed(
        BlockMetrics{block.block.header.number, block.block.header.timestamp,
                     block.block.transactions.size(), block.block.header.gas_used, rejected,
                     commit_started - started, committed - commit_started});
    if (certificate != nullptr) {
        const std::lock_guard lock{head_mutex_};
        head_commit_ = *certificate;
    }
    advance_head(block);
    executed_.clear();  // every other kept block was a sibling of this one
    return {};
}

void Node::log_rejections(const std::vector<chain::Rejection>& rejected, std::uint64_t number) {
    for (const auto& rejection : rejected) {
        static LogLimiter log_limit;  // senders choose which transactions fail
        if (const auto dropped = log_limit.admit()) {
            spdlog::warn("left transaction {} out of block {}: {}{}", to_hex(rejection.hash),
                         number, rejection.reason, dropped_note(*dropped));
        }
    }
}

void Node::advance_head(const chain::ExecutedBlock& block) {
    pruner_.after_commit(*database_, block.block.header.number);
    {
        const std::lock_guard lock{head_mutex_};
        head_ = block.block.header;
        head_hash_ = block.hash;
    }
    pool_->on_new_head(chain::next_base_fee(options_.spec, block.block.header),
                       std::chrono::steady_clock::now());
    spdlog::info("block {} hash={} txs={} gas_used={} base_fee={}", block.block.header.number,
                 to_hex(block.hash), block.block.transactions.size(), block.block.header.gas_used,
                 block.block.header.base_fee.to_decimal());
    const BlockEvent event{block.block, block.hash, block.receipts, block.results,
                           block.block_logs};
    std::vector<BlockListener> listeners;
    {
        const std::lock_guard lock{listeners_mutex_};
        listeners = listeners_;
    }
    for (const auto& listener : listeners)
        listener(event);
}

void Node::start_producing() {
    const std::lock_guard lock{stop_mutex_};
    if (producer_.joinable()) return;
    stopping_ = false;
    producing_ = true;
    producer_ = std::thread{[this] { producer_loop(); }};
}

void Node::stop() {
    {
        const std::lock_guard lock{stop_mutex_};
        stopping_ = true;
    }
    stop_signal_.notify_all();
    if (producer_.joinable()) producer_.join();
    producing_ = false;
}

void Node::producer_loop() {
    auto next = std::chrono::steady_clock::now() + options_.block_time;
    for (;;) {
        {
            std::unique_lock lock{stop_mutex_};
            if (stop_signal_.wait_until(lock, next, [this] { return stopping_; })) return;
        }
        if (auto produced = produce_block(); !produced) {
            spdlog::error("block production failed: {}", produced.error().message);
        }
        next += options_.block_time;
        const auto now = std::chrono::steady_clock::now();
        if (next < now) next = now + options_.block_time;  // fell behind: do not burst
    }
}

}  // namespace qtm::node
