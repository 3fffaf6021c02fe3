#include "node/network_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "base/hex.hpp"
#include "chain/transaction.hpp"
#include "p2p/status.hpp"
#include "p2p/sync/block_server.hpp"

namespace qtm::node {

namespace {

template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// Bounds on what peers can make this node hold.
constexpr std::size_t kMaxQueuedInputs = 65'536;
constexpr std::size_t kMaxQueuedInputBytes = 32u << 20;  // two of the largest blocks message
constexpr std::size_t kMaxPendingCompact = 16;
// How often one peer is asked for blocks while it stays ahead, and the driver's
// request_committed repeated for the same height.
constexpr std::uint64_t kBlocksRequestIntervalMs = 1000;
constexpr std::uint64_t kRequestCommittedIntervalMs = 500;
// The driver thread wakes at least this often (status after a commit, queued inputs).
constexpr std::uint64_t kMaxSleepMs = 250;
// Reports of peers logged in full before only every 100th is.
constexpr std::uint64_t kLoggedReports = 20;

std::uint64_t now_unix_ms() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

// Set on the driver thread while it admits a transaction from a peer: the pool's listener
// then leaves the relay to the driver thread (which knows where it came from).
thread_local bool admitting_from_peer = false;

class PoolLookup final : public p2p::TransactionLookup {
public:
    explicit PoolLookup(chain::TxPool& pool) : pool_{pool} {}
    [[nodiscard]] std::optional<Bytes> find_transaction(const Hash32& hash) const override {
        auto found = pool_.get(hash);
        if (!found) return std::nullopt;
        return chain::encode(found->tx);
    }
    [[nodiscard]] std::optional<chain::Transaction> find_decoded(
        const Hash32& hash) const override {
        auto found = pool_.get(hash);
        if (!found) return std::nullopt;
        return std::move(found->tx);
    }

private:
    chain::TxPool& pool_;
};

class NodeBlockSource final : public p2p::BlockSource {
public:
    explicit NodeBlockSource(const Node& node) : node_{node} {}
    [[nodiscard]] std::optional<p2p::CommittedBlock> committed_block(
        std::uint64_t number) const override {
        auto found = node_.committed_block(number);
        if (!found) return std::nullopt;
        return p2p::CommittedBlock{std::move(found->first), std::move(found->second)};
    }

private:
    const Node& node_;
};

p2p::ChannelMessage push_message(const Bytes& raw) {
    return p2p::encode_transactions_message(p2p::PooledTransactions{0, {raw}});
}

}  // namespace

NetworkService::NetworkService(NetworkServiceConfig config, Node& node, const p2p::NodeKey& key,
                               const chain::ConsensusSigner* signer, consensus::Wal* wal,
                               HaltHandler on_halt)
    : config_{std::move(config)},
      node_{node},
      signer_{signer},
      wal_{wal},
      on_halt_{std::move(on_halt)} {
    config_.host.network.protocol_version = p2p::kProtocolVersion;
    config_.host.network.chain_id = node_.spec().chain_id;
    config_.host.network.genesis_hash = node_.genesis_hash();
    config_.host.status = own_status();
    p2p::Host::Handlers handlers;
    handlers.on_peer_connected = [this](const p2p::PeerInfo& info) {
        push(PeerConnected{info.id, info.status.head_number});
    };
    handlers.on_message = [this](const p2p::NodeId& from, p2p::ChannelMessage message) {
        on_message(from, std::move(message));
    };
    handlers.on_peer_disconnected = [this](const p2p::NodeId& id, const p2p::CloseReason&) {
        push(PeerDisconnected{id});
    };
    host_ = std::make_unique<p2p::Host>(key, config_.host, std::move(handlers));
    node_.pool().subscribe([this](const Hash32& hash) {
        if (admitting_from_peer || !started_.load()) return;
        push(LocalTransaction{hash});
    });
}

NetworkService::~NetworkService() {
    stop();
}

p2p::Status NetworkService::own_status() const {
    const chain::Header head = node_.head();
    const Hash32 hash = node_.head_hash();
    p2p::Status status;
    status.protocol_version = p2p::kProtocolVersion;
    status.chain_id = node_.spec().chain_id;
    status.genesis_hash = node_.genesis_hash();
    status.head_number = head.number;
    status.head_hash = hash;
    // A committed block is final (Tendermint): the head is the finalized block.
    status.finalized_number = head.number;
    status.finalized_hash = hash;
    return status;
}

void NetworkService::start() {
    host_->start();
    driver_ = std::make_unique<ConsensusDriver>(config_.driver, node_, *this, signer_, wal_,
                                                chain::mldsa_verifier());
    started_ = true;
    thread_ = std::thread{[this] { run(); }};
}

void NetworkService::stop() {
    {
        std::lock_guard lock{mutex_};
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    if (host_) host_->stop();
}

void NetworkService::push(Input input, std::size_t bytes) {
    {
        std::lock_guard lock{mutex_};
        if (stopping_) return;
        // The Host's per-peer rate limits keep this far below the bounds unless the driver
        // thread is starved; past them, peers' messages are dropped (consensus recovers by
        // its re-sends, timeouts and catch-up). Connection events are never dropped: the
        // peer table must stay true.
        const bool droppable = !std::holds_alternative<PeerConnected>(input) &&
                               !std::holds_alternative<PeerDisconnected>(input);
        if (droppable && (queue_.size() >= kMaxQueuedInputs ||
                          (queued_bytes_ != 0 && queued_bytes_ + bytes > kMaxQueuedInputBytes))) {
            ++dropped_inputs_;
            return;
        }
        queue_.push_back(std::move(input));
        queued_bytes_ += bytes;
    }
    wake_.notify_one();
}

void NetworkService::blame(const p2p::NodeId& id, p2p::WireError error, std::string_view what) {
    if (!p2p::peer_is_to_blame(error)) return;
    ++decode_errors_;
    const std::uint64_t reports = logged_reports_++;
    if (reports < kLoggedReports || reports % 100 == 0) {
        spdlog::warn("peer {}: bad {} message: {}", p2p::to_string(id).substr(0, 16), what,
                     p2p::to_string(error));
    }
    host_->report(id, p2p::offence_of(error));
}

// Host thread: decode here, so that the driver thread sees typed messages only.
void NetworkService::on_message(const p2p::NodeId& from, p2p::ChannelMessage message) {
    switch (message.channel) {
        case p2p::Channel::kConsensus: {
            auto decoded = p2p::decode_consensus_message(message.type, message.payload);
            if (!decoded) return blame(from, decoded.error(), "consensus");
            return push(FromPeer{from, std::move(*decoded)}, message.payload.size());
        }
        case p2p::Channel::kBlocks: {
            auto decoded = p2p::decode_blocks_message(message.type, message.payload);
            if (!decoded) return blame(from, decoded.error(), "blocks");
            return push(FromPeer{from, std::move(*decoded)}, message.payload.size());
        }
        case p2p::Channel::kTransactions: {
            auto decoded = p2p::decode_transactions_message(message.type, message.payload);
            if (!decoded) return blame(from, decoded.error(), "transactions");
            return push(FromPeer{from, std::move(*decoded)}, message.payload.size());
        }
        case p2p::Channel::kStatus: {
            // The Host checked it (and keeps it in PeerInfo); the head is what catch-up needs.
            auto status = p2p::decode_status(message.payload);
            if (!status) return;
            return push(PeerStatus{from, status->head_number});
        }
        case p2p::Channel::kPeers:
            return;
    }
}

void NetworkService::run() {
    driver_->start(now_unix_ms());
    publish_status();
    std::deque<Input> batch;
    while (true) {
        {
            std::unique_lock lock{mutex_};
            const std::uint64_t now = now_unix_ms();
            std::uint64_t due = now + kMaxSleepMs;
            if (const auto wakeup = driver_->next_wakeup_ms()) due = std::min(due, *wakeup);
            if (due > now && queue_.empty() && !stopping_) {
                wake_.wait_for(lock,
                               std::chrono::milliseconds{static_cast<std::int64_t>(due - now)},
                               [this] { return stopping_ || !queue_.empty(); });
            }
            if (stopping_) break;
            batch.swap(queue_);
            queued_bytes_ = 0;
        }
        for (Input& input : batch) {
            handle(input, now_unix_ms());
            if (driver_->halted()) break;
        }
        batch.clear();
        if (!driver_->halted()) driver_->tick(now_unix_ms());
        tick_fetcher(now_unix_ms());
        if (const auto& reason = driver_->halted()) {
            spdlog::critical("consensus halted: {}; the node stops", *reason);
            if (on_halt_) on_halt_(*reason);
            break;
        }
        publish_status();
        publish_progress();
    }
}

void NetworkService::publish_progress() {
    ConsensusProgress progress{driver_->height(),  driver_->round(),
                               signer_ != nullptr, driver_->pending_evidence().size(),
                               driver_->stats(),   stats_};
    progress.service.decode_errors = decode_errors_.load();
    const std::lock_guard lock{mutex_};
    progress.service.dropped_inputs = dropped_inputs_;
    progress_ = progress;
}

ConsensusProgress NetworkService::progress() const {
    const std::lock_guard lock{mutex_};
    return progress_;
}

void NetworkService::publish_status() {
    const std::uint64_t head = node_.head().number;
    if (head == published_head_) return;
    published_head_ = head;
    host_->update_status(own_status());
    // Peers still ahead: keep fetching from them.
    const std::uint64_t now = now_unix_ms();
    for (auto& [id, peer] : peers_) {
        if (peer.head > head) catch_up_from(id, peer, now, /*force=*/false);
    }
}

PeerHandle NetworkService::handle_of(const p2p::NodeId& id) {
    auto [it, inserted] = peers_.try_emplace(id);
    if (inserted) {
        it->second.handle = next_handle_++;
        handles_.emplace(it->second.handle, id);
    }
    return it->second.handle;
}

std::optional<p2p::NodeId> NetworkService::id_of(PeerHandle handle) const {
    const auto found = handles_.find(handle);
    if (found == handles_.end()) return std::nullopt;
    return found->second;
}

void NetworkService::send(const p2p::NodeId& id, p2p::ChannelMessage message) {
    try {
        host_->send(id, std::move(message));
    } catch (const std::invalid_argument& error) {
        spdlog::error("not sent to {}: {}", p2p::to_string(id).substr(0, 16), error.what());
    }
}

void NetworkService::send_to_all(const p2p::ChannelMessage& message, PeerHandle except) {
    for (const auto& [id, peer] : peers_) {
        if (peer.handle == except) continue;
        send(id, message);
    }
}

void NetworkService::handle(Input& input, std::uint64_t now_ms) {
    std::visit(Overloaded{
                   [&](PeerConnected& connected) {
                       (void)handle_of(connected.id);
                       Peer& peer = peers_.at(connected.id);
                       peer.head = connected.head;
                       spdlog::info("peer {} connected (head {})",
                                    p2p::to_string(connected.id).substr(0, 16), connected.head);
                       announce_pool_to(connected.id);
                       driver_->on_peer_connected(peer.handle);
                       if (peer.head > node_.head().number)
                           catch_up_from(connected.id, peer, now_ms, /*force=*/true);
                   },
                   [&](PeerDisconnected& disconnected) {
                       const auto found = peers_.find(disconnected.id);
                       if (found == peers_.end()) return;
                       spdlog::info("peer {} disconnected",
                                    p2p::to_string(disconnected.id).substr(0, 16));
                       handles_.erase(found->second.handle);
                       peers_.erase(found);
                       fetcher_.on_peer_disconnected(disconnected.id);
                       std::erase_if(pending_compact_, [&](const auto& entry) {
                           return entry.second.from == disconnected.id;
                       });
                   },
                   [&](PeerStatus& status) {
                       (void)handle_of(status.id);
                       Peer& peer = peers_.at(status.id);
                       peer.head = status.head;
                       if (peer.head > node_.head().number)
                           catch_up_from(status.id, peer, now_ms, /*force=*/false);
                   },
                   [&](FromPeer& from) {
                       (void)handle_of(from.id);
                       std::visit([&](auto& message) { handle_message(from.id, message, now_ms); },
                                  from.message);
                   },
                   [&](LocalTransaction& local) {
                       const auto found = node_.pool().get(local.hash);
                       if (!found) return;
                       relay_transaction(local.hash, chain::encode(found->tx), std::nullopt);
                   },
               },
               input);
}

void NetworkService::handle_message(const p2p::NodeId& id, p2p::ConsensusMessage& message,
                                    std::uint64_t now_ms) {
    const PeerHandle from = handle_of(id);
    std::visit(Overloaded{
                   [&](p2p::ProposalMessage& proposal) {
                       on_compact_proposal(id, std::move(proposal), now_ms);
                   },
                   [&](chain::Vote& vote) { driver_->on_vote(from, vote, now_ms); },
                   [&](chain::DuplicateVoteEvidence& evidence) {
                       driver_->on_evidence(from, evidence, now_ms);
                   },
                   // A certificate alone (without its block) is nothing the driver takes;
                   // committed blocks travel on the blocks channel.
                   [&](chain::CommitCertificate&) {},
               },
               message);
}

void NetworkService::on_compact_proposal(const p2p::NodeId& id, p2p::ProposalMessage message,
                                         std::uint64_t now_ms) {
    // Cheap filter before the pool look-ups: only the current height is of use.
    if (message.proposal.height <= node_.head().number) {
        // Let the driver see it: it answers a peer that is behind with committed blocks.
        if (const auto committed = node_.committed_block(message.proposal.height)) {
            driver_->on_proposal(handle_of(id), message.proposal, committed->first, now_ms);
        }
        return;
    }
    if (message.proposal.height != driver_->height()) return;
    p2p::CompactBlockBuilder builder{std::move(message)};
    const std::vector<Hash32> missing = builder.fill_from(PoolLookup{node_.pool()});
    if (builder.complete()) return deliver_compact(id, builder, now_ms);
    // Ask the proposer's relay for the transactions this pool lacks.
    if (missing.size() > p2p::kMaxRequestedTransactions) return;
    if (pending_compact_.size() >= kMaxPendingCompact)
        pending_compact_.erase(pending_compact_.begin());
    const std::uint64_t request_id = next_request_id_++;
    pending_compact_.emplace(request_id, PendingCompact{id, std::move(builder)});
    ++stats_.compact_fetches;
    send(id, p2p::encode_transactions_message(p2p::GetPooledTransactions{request_id, missing}));
}

void NetworkService::deliver_compact(const p2p::NodeId& id, const p2p::CompactBlockBuilder& builder,
                                     std::uint64_t now_ms) {
    auto block = builder.assemble();
    if (!block) return blame(id, block.error(), "proposal");
    driver_->on_proposal(handle_of(id), builder.message().proposal, *block, now_ms);
}

void NetworkService::handle_message(const p2p::NodeId& id, p2p::BlocksMessage& message,
                                    std::uint64_t now_ms) {
    const PeerHandle from = handle_of(id);
    std::visit(Overloaded{
                   [&](p2p::GetBlocks& request) {
                       send(id, p2p::serve_get_blocks(request, NodeBlockSource{node_}));
                   },
                   [&](p2p::Blocks& blocks) {
                       // In order: each one the driver imports makes the next the head's child.
                       for (const p2p::CommittedBlock& entry : blocks.blocks) {
                           if (entry.certificate.height <= node_.head().number) continue;
                           driver_->on_committed(from, entry.block, entry.certificate, now_ms);
                           if (driver_->halted()) return;
                       }
                       const auto peer = peers_.find(id);
                       if (peer != peers_.end() && peer->second.head > node_.head().number &&
                           !blocks.blocks.empty()) {
                           catch_up_from(id, peer->second, now_ms, /*force=*/true);
                       }
                   },
               },
               message);
}

void NetworkService::handle_message(const p2p::NodeId& id, p2p::TransactionsMessage& message,
                                    std::uint64_t now_ms) {
    std::visit(Overloaded{
                   [&](p2p::NewPooledTransactionHashes& announcement) {
                       const chain::TxPool& pool = node_.pool();
                       fetcher_.on_announcement(
                           id, announcement,
                           [&pool](const Hash32& hash) { return pool.get(hash).has_value(); },
                           now_ms);
                       send_fetch_requests(now_ms);
                   },
                   [&](p2p::GetPooledTransactions& request) {
                       p2p::PooledTransactions answer{request.request_id, {}};
                       std::size_t bytes = 0;
                       const PoolLookup lookup{node_.pool()};
                       for (const Hash32& hash : request.hashes) {
                           auto raw = lookup.find_transaction(hash);
                           if (!raw) continue;
                           if (bytes + raw->size() + 16 > p2p::kMaxPooledTransactionsBytes) break;
                           bytes += raw->size() + 16;
                           answer.transactions.push_back(std::move(*raw));
                       }
                       send(id, p2p::encode_transactions_message(answer));
                   },
                   [&](p2p::PooledTransactions& pooled) { on_pooled(id, pooled, now_ms); },
               },
               message);
}

void NetworkService::on_pooled(const p2p::NodeId& id, const p2p::PooledTransactions& pooled,
                               std::uint64_t now_ms) {
    if (pooled.request_id != 0) {
        const auto pending = pending_compact_.find(pooled.request_id);
        if (pending == pending_compact_.end()) {
            // The answer to an announcement's fetch (the fetcher blames what it never asked).
            p2p::TxFetchResult result = fetcher_.on_response(id, pooled, now_ms);
            for (const p2p::TxFetchBlame& blamed : result.blames)
                blame(blamed.peer, blamed.error, "transactions");
            for (const Bytes& raw : result.transactions) {
                ++stats_.transactions_fetched;
                admit_from_peer(id, raw);
            }
            send_fetch_requests(now_ms);
            return;
        }
        // The answer to a compact proposal's fetch.
        if (pending->second.from != id) {
            return blame(id, p2p::WireError::kUnrequested, "transactions");
        }
        for (const Bytes& raw : pooled.transactions) {
            if (auto added = pending->second.builder.add_transaction(raw); !added) {
                blame(id, added.error(), "transactions");
                pending_compact_.erase(pending);
                return;
            }
        }
        PendingCompact entry = std::move(pending->second);
        pending_compact_.erase(pending);
        // A peer that no longer has them: the proposal is lost here; the round times out or
        // the decided block arrives by catch-up.
        if (entry.builder.complete()) deliver_compact(id, entry.builder, now_ms);
        return;
    }
    // Pushed transactions: admitted to the pool, relayed once to each peer.
    for (const Bytes& raw : pooled.transactions) {
        if (!chain::decode_transaction(raw)) {
            return blame(id, p2p::WireError::kBadTransaction, "transactions");
        }
        admit_from_peer(id, raw);
    }
}

void NetworkService::admit_from_peer(const p2p::NodeId& id, const Bytes& raw) {
    auto tx = chain::decode_transaction(raw);
    if (!tx) return blame(id, p2p::WireError::kBadTransaction, "transactions");
    const Hash32 hash = chain::transaction_hash(*tx);
    if (!host_->note_received(hash, id)) return;
    admitting_from_peer = true;
    auto admitted = node_.submit_raw_transaction(raw);
    admitting_from_peer = false;
    // A rejection is not blamed: a transaction can be valid where it was sent and stale
    // here (a nonce already used, a full pool).
    if (admitted) relay_transaction(hash, raw, id);
}

// What the pool holds when a peer connects would otherwise never reach it: pushes only go
// to peers connected at admission. Hashes only; the peer fetches what it lacks.
void NetworkService::announce_pool_to(const p2p::NodeId& id) {
    const std::vector<chain::PoolTransaction> pending = node_.pool().pending();
    p2p::NewPooledTransactionHashes announcement;
    const auto flush = [&] {
        if (announcement.hashes.empty()) return;
        stats_.hashes_announced += announcement.hashes.size();
        send(id, p2p::encode_transactions_message(announcement));
        announcement = {};
    };
    for (const chain::PoolTransaction& entry : pending) {
        if (entry.size > chain::kMaxTransactionSize) continue;
        announcement.types.push_back(chain::kTransactionType);
        announcement.sizes.push_back(static_cast<std::uint32_t>(entry.size));
        announcement.hashes.push_back(entry.hash);
        if (announcement.hashes.size() == p2p::kMaxAnnouncedHashes) flush();
    }
    flush();
}

void NetworkService::send_fetch_requests(std::uint64_t now_ms) {
    for (p2p::TxFetchRequest& request : fetcher_.schedule(now_ms))
        send(request.peer, p2p::encode_transactions_message(request.request));
}

void NetworkService::tick_fetcher(std::uint64_t now_ms) {
    for (const p2p::TxFetchBlame& blamed : fetcher_.on_tick(now_ms))
        blame(blamed.peer, blamed.error, "transactions");
    send_fetch_requests(now_ms);
}

void NetworkService::relay_transaction(const Hash32& hash, const Bytes& raw,
                                       const std::optional<p2p::NodeId>& from) {
    if (raw.size() + 16 > p2p::kMaxPooledTransactionsBytes) return;
    ++stats_.transactions_relayed;
    host_->relay(hash, push_message(raw), from);
}

void NetworkService::catch_up_from(const p2p::NodeId& id, Peer& peer, std::uint64_t now_ms,
                                   bool force) {
    if (!force && now_ms < peer.last_blocks_request_ms + kBlocksRequestIntervalMs) return;
    peer.last_blocks_request_ms = now_ms;
    const std::uint64_t first = node_.head().number + 1;
    if (peer.head < first) return;
    const std::uint64_t count =
        std::min({config_.catch_up_blocks, p2p::kMaxBlocksPerRequest, peer.head - first + 1});
    if (count == 0) return;
    ++stats_.blocks_requested;
    send(id, p2p::encode_blocks_message(p2p::GetBlocks{next_request_id_++, first, count}));
}

// ---- ConsensusNetwork (driver thread) ----

void NetworkService::broadcast_proposal(const chain::Proposal& proposal, const chain::Block& block,
                                        PeerHandle except) {
    send_to_all(p2p::encode_consensus_message(p2p::make_proposal_message(proposal, block)), except);
}

void NetworkService::broadcast_vote(const chain::Vote& vote, PeerHandle except) {
    send_to_all(p2p::encode_consensus_message(vote), except);
}

void NetworkService::broadcast_evidence(const chain::DuplicateVoteEvidence& evidence,
                                        PeerHandle except) {
    send_to_all(p2p::encode_consensus_message(evidence), except);
}

void NetworkService::send_vote(PeerHandle peer, const chain::Vote& vote) {
    if (const auto id = id_of(peer)) send(*id, p2p::encode_consensus_message(vote));
}

void NetworkService::send_committed(PeerHandle peer, const chain::Block& block,
                                    const chain::CommitCertificate& certificate) {
    const auto id = id_of(peer);
    if (!id) return;
    p2p::Blocks blocks;
    blocks.blocks.push_back(p2p::CommittedBlock{block, certificate});
    send(*id, p2p::encode_blocks_message(blocks));
}

void NetworkService::request_committed(std::uint64_t first) {
    const std::uint64_t now = now_unix_ms();
    if (first == last_request_committed_first_ &&
        now < last_request_committed_ms_ + kRequestCommittedIntervalMs) {
        return;
    }
    last_request_committed_first_ = first;
    last_request_committed_ms_ = now;
    const std::uint64_t count = std::min(config_.catch_up_blocks, p2p::kMaxBlocksPerRequest);
    ++stats_.blocks_requested;
    send_to_all(p2p::encode_blocks_message(p2p::GetBlocks{next_request_id_++, first, count}),
                kNoPeer);
}

void NetworkService::report_peer(PeerHandle peer, const std::string& reason) {
    const auto id = id_of(peer);
    if (!id) return;
    if (const std::uint64_t reports = logged_reports_++;
        reports < kLoggedReports || reports % 100 == 0) {
        spdlog::warn("peer {}: {}", p2p::to_string(*id).substr(0, 16), reason);
    }
    host_->report(*id, p2p::Offence::kInvalidMessage);
}

}  // namespace qtm::node
