// The validator network of a node: ConsensusDriver (consensus_driver.hpp) over the p2p Host
// (src/p2p/host.hpp) and the wire codecs (src/p2p/wire). It is what `qtmd --config node.toml`
// runs.
//
//   Host thread: on_message ─ decode (WireError -> host.report) ─┐
//   RPC threads: pool admits a local transaction ────────────────┤ queue (mutex + condvar)
//                                                                 ▼
//   driver thread: owns the ConsensusDriver; applies each input, calls tick() when
//   next_wakeup_ms() is due (system clock, Unix ms), and sends through the Host:
//     consensus channel   compact proposals, votes, evidence
//     blocks channel      GetBlocks / Blocks (catch-up: a peer whose status head is ahead,
//                         the driver's request_committed, and its send_committed)
//     transactions        full transactions pushed as PooledTransactions (request id 0),
//                         relayed once per peer by the Host's gossip; a new peer is sent the
//                         pool's pending hashes (NewPooledTransactionHashes) and fetches what
//                         it lacks through p2p::TxFetcher (GetPooledTransactions); the same
//                         request fills a compact proposal whose transactions the pool lacks
//
// Peers are PeerHandles for the driver (a number per connection, never reused). A message
// that does not decode, or that the driver finds invalid, costs the peer an offence.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <variant>

#include "chain/consensus/signer.hpp"
#include "consensus/wal.hpp"
#include "node/consensus_driver.hpp"
#include "node/node.hpp"
#include "p2p/host.hpp"
#include "p2p/wire/block_messages.hpp"
#include "p2p/wire/compact_block.hpp"
#include "p2p/wire/consensus_messages.hpp"
#include "p2p/wire/transaction_messages.hpp"
#include "p2p/wire/tx_fetcher.hpp"

namespace qtm::node {

struct NetworkServiceConfig {
    ConsensusDriverConfig driver;
    // The Host's settings; `network` and `status` are filled in from the node.
    p2p::HostConfig host;
    // Blocks asked per GetBlocks when catching up.
    std::uint64_t catch_up_blocks{32};
};

struct NetworkServiceStats {
    std::uint64_t decode_errors{0};  // messages a peer was blamed for (bad or unrequested)
    std::uint64_t transactions_relayed{0};
    std::uint64_t compact_fetches{0};
    std::uint64_t blocks_requested{0};
    std::uint64_t dropped_inputs{0};        // past the input queue's bound
    std::uint64_t hashes_announced{0};      // pool hashes announced to new peers
    std::uint64_t transactions_fetched{0};  // announced transactions fetched and admitted
};

// Where consensus stands, for metrics: a copy the driver thread refreshes after each round of
// inputs, readable from any thread.
struct ConsensusProgress {
    std::uint64_t height{0};  // the height being decided
    std::uint32_t round{0};
    bool validator{false};  // this node signs (it has a consensus key)
    std::size_t pending_evidence{0};
    ConsensusDriverStats driver;
    NetworkServiceStats service;
};

class NetworkService final : public ConsensusNetwork {
public:
    // Called once, on the driver thread, when the driver halts (the process must stop).
    using HaltHandler = std::function<void(const std::string& reason)>;

    // `signer` and `wal` null: a full node. Node, key, signer and WAL outlive the service.
    NetworkService(NetworkServiceConfig config, Node& node, const p2p::NodeKey& key,
                   const chain::ConsensusSigner* signer, consensus::Wal* wal, HaltHandler on_halt);
    ~NetworkService() override;  // stop()
    NetworkService(const NetworkService&) = delete;
    NetworkService& operator=(const NetworkService&) = delete;

    // Starts the Host (throws std::runtime_error if the port cannot be bound) and the driver
    // thread.
    void start();
    // Joins the driver thread, then stops the Host. Idempotent.
    void stop();

    [[nodiscard]] p2p::Host& host() noexcept { return *host_; }
    [[nodiscard]] ConsensusProgress progress() const;
    [[nodiscard]] std::size_t peer_count() const { return host_->peer_count(); }

    // ConsensusNetwork: called by the driver, on the driver thread.
    void broadcast_proposal(const chain::Proposal& proposal, const chain::Block& block,
                            PeerHandle except) override;
    void broadcast_vote(const chain::Vote& vote, PeerHandle except) override;
    void broadcast_evidence(const chain::DuplicateVoteEvidence& evidence,
                            PeerHandle except) override;
    void send_vote(PeerHandle peer, const chain::Vote& vote) override;
    void send_committed(PeerHandle peer, const chain::Block& block,
                        const chain::CommitCertificate& certificate) override;
    void request_committed(std::uint64_t first) override;
    void report_peer(PeerHandle peer, const std::string& reason) override;

private:
    struct PeerConnected {
        p2p::NodeId id{};
        std::uint64_t head{0};
    };
    struct PeerDisconnected {
        p2p::NodeId id{};
    };
    struct PeerStatus {
        p2p::NodeId id{};
        std::uint64_t head{0};
    };
    struct FromPeer {
        p2p::NodeId id{};
        std::variant<p2p::ConsensusMessage, p2p::BlocksMessage, p2p::TransactionsMessage> message;
    };
    struct LocalTransaction {
        Hash32 hash{};
    };
    using Input =
        std::variant<PeerConnected, PeerDisconnected, PeerStatus, FromPeer, LocalTransaction>;

    struct Peer {
        PeerHandle handle{kNoPeer};
        std::uint64_t head{0};
        std::uint64_t last_blocks_request_ms{0};
    };
    struct PendingCompact {
        p2p::NodeId from{};
        p2p::CompactBlockBuilder builder;
    };

    // Host thread.
    void on_message(const p2p::NodeId& from, p2p::ChannelMessage message);
    // Past the queue's bounds (a count, and `bytes`: the size of a peer's message) inputs
    // are dropped, except connection events.
    void push(Input input, std::size_t bytes = 0);

    // Driver thread.
    void run();
    void handle(Input& input, std::uint64_t now_ms);
    void handle_message(const p2p::NodeId& id, p2p::ConsensusMessage& message,
                        std::uint64_t now_ms);
    void handle_message(const p2p::NodeId& id, p2p::BlocksMessage& message, std::uint64_t now_ms);
    void handle_message(const p2p::NodeId& id, p2p::TransactionsMessage& message,
                        std::uint64_t now_ms);
    void on_compact_proposal(const p2p::NodeId& id, p2p::ProposalMessage message,
                             std::uint64_t now_ms);
    void deliver_compact(const p2p::NodeId& id, const p2p::CompactBlockBuilder& builder,
                         std::uint64_t now_ms);
    void on_pooled(const p2p::NodeId& id, const p2p::PooledTransactions& pooled,
                   std::uint64_t now_ms);
    void relay_transaction(const Hash32& hash, const Bytes& raw,
                           const std::optional<p2p::NodeId>& from);
    // A transaction from a peer (pushed or fetched): admitted, and relayed when new here.
    void admit_from_peer(const p2p::NodeId& id, const Bytes& raw);
    void announce_pool_to(const p2p::NodeId& id);
    void send_fetch_requests(std::uint64_t now_ms);
    void tick_fetcher(std::uint64_t now_ms);
    void catch_up_from(const p2p::NodeId& id, Peer& peer, std::uint64_t now_ms, bool force);
    void publish_status();
    void publish_progress();
    [[nodiscard]] PeerHandle handle_of(const p2p::NodeId& id);
    [[nodiscard]] std::optional<p2p::NodeId> id_of(PeerHandle handle) const;
    void send_to_all(const p2p::ChannelMessage& message, PeerHandle except);
    void send(const p2p::NodeId& id, p2p::ChannelMessage message);
    void blame(const p2p::NodeId& id, p2p::WireError error, std::string_view what);
    [[nodiscard]] p2p::Status own_status() const;

    NetworkServiceConfig config_;
    Node& node_;
    const chain::ConsensusSigner* signer_;
    consensus::Wal* wal_;
    HaltHandler on_halt_;
    std::unique_ptr<p2p::Host> host_;
    std::unique_ptr<ConsensusDriver> driver_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Input> queue_;
    std::size_t queued_bytes_{0};  // of the peers' messages in queue_
    bool stopping_{false};
    std::thread thread_;
    std::atomic<bool> started_{false};
    // Either thread.
    std::atomic<std::uint64_t> decode_errors_{0};
    std::atomic<std::uint64_t> logged_reports_{0};
    std::uint64_t dropped_inputs_{0};  // under mutex_
    ConsensusProgress progress_;       // under mutex_

    // Driver thread only.
    std::map<p2p::NodeId, Peer> peers_;
    std::map<PeerHandle, p2p::NodeId> handles_;
    PeerHandle next_handle_{1};
    std::map<std::uint64_t, PendingCompact> pending_compact_;  // request id -> builder
    // Compact-proposal and GetBlocks ids start high: the fetcher numbers its own from 1.
    std::uint64_t next_request_id_{std::uint64_t{1} << 48};
    p2p::TxFetcher fetcher_;
    std::uint64_t last_request_committed_ms_{0};
    std::uint64_t last_request_committed_first_{0};
    std::uint64_t published_head_{~std::uint64_t{0}};
    NetworkServiceStats stats_;
};

}  // namespace qtm::node
