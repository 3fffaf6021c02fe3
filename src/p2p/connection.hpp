// One peer connection over TCP (Boost.Asio): the handshake under a time limit, the status
// exchange, then channel messages sent in priority order (consensus > blocks >
// transactions > peers/status) and delivered to a handler. Any handshake, frame, message
// or status failure closes the connection and says whether the peer is to blame.
//
// Single-threaded: every call and every handler runs on the io_context's thread.
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "p2p/handshake.hpp"
#include "p2p/message.hpp"
#include "p2p/session.hpp"
#include "p2p/status.hpp"

namespace qtm::p2p {

// Bytes queued for sending by all the connections of one host together (they run on its io
// thread): with many peers, the per-connection budgets alone would add up to more than a
// node can hold.
struct SharedSendBudget {
    std::size_t max_bytes{64u << 20};
    std::atomic<std::size_t> queued_bytes{0};  // atomic: a connection may die on another thread
};

struct ConnectionConfig {
    NetworkIdentity network;
    const NodeKey* node_key = nullptr;  // not owned; outlives the connection
    Status status;                      // what this node announces
    std::chrono::milliseconds handshake_timeout{std::chrono::seconds{10}};
    FrameLimits limits;
    // Bytes of channel messages waiting to be written, by send priority (consensus, blocks,
    // transactions, peers/status). A message that would pass its queue's budget is dropped:
    // a peer that reads slower than this node writes (or a node starved of CPU) cannot grow
    // memory without bound. An empty queue takes any message up to its channel's limit.
    // Dropping is safe: consensus re-sends its own messages on a timer and catches up by
    // block requests; a fetch that gets no answer times out and is asked elsewhere.
    // A node holds one such queue per peer: the consensus budget (some 600 votes, three rounds
    // of 100 validators) is what a node with tens of peers can afford for each.
    std::array<std::size_t, kPriorityCount> max_queued_bytes{2u << 20, 32u << 20, 4u << 20,
                                                             256u << 10};
    // Shared with the host's other connections (null: none); past it, a message is dropped
    // unless its queue is empty.
    std::shared_ptr<SharedSendBudget> shared_budget;
};

struct CloseReason {
    std::string message;
    bool peer_to_blame{false};
};

class Connection : public std::enable_shared_from_this<Connection> {
public:
    struct Handlers {
        std::function<void(Connection&)> on_ready;  // handshake and status passed
        std::function<void(Connection&, ChannelMessage)> on_message;
        std::function<void(Connection&, const CloseReason&)> on_closed;  // exactly once
    };

    // `expected_peer` set: this side dialed and is the initiator; unset: it accepted.
    static std::shared_ptr<Connection> create(boost::asio::ip::tcp::socket socket,
                                              const ConnectionConfig& config,
                                              std::optional<NodeId> expected_peer, bool initiator,
                                              Handlers handlers);

    void start();
    // Queues a message (after on_ready); false when it was dropped because its queue, or the
    // host's shared budget, is over budget (ConnectionConfig) or the connection is closed. Messages
    // over their channel's limit are refused by throwing (a programming error).
    bool send(const ChannelMessage& message);
    void close(const CloseReason& reason);
    ~Connection();

    [[nodiscard]] bool ready() const noexcept { return ready_; }
    [[nodiscard]] const NodeId& peer_id() const noexcept { return peer_id_; }
    [[nodiscard]] const Status& peer_status() const noexcept { return peer_status_; }
    [[nodiscard]] std::string remote_endpoint() const;

private:
    Connection(boost::asio::ip::tcp::socket socket, const ConnectionConfig& config,
               std::optional<NodeId> expected_peer, bool initiator, Handlers handlers);

    void read_exactly(std::size_t size, std::function<void(Bytes)> then);
    void write_raw(Bytes bytes, std::function<void()> then);
    void on_handshake_done(HandshakeOutcome outcome, Bytes to_send);
    void fail_handshake(HandshakeError error);
    void read_frames();
    void on_plaintext(Bytes plaintext);
    void pump_writes();
    void release_queued();

    boost::asio::ip::tcp::socket socket_;
    boost::asio::steady_timer handshake_timer_;
    ConnectionConfig config_;
    std::optional<NodeId> expected_peer_;
    bool initiator_;
    Handlers handlers_;

    std::optional<InitiatorHandshake> initiator_handshake_;
    std::optional<ResponderHandshake> responder_handshake_;
    std::optional<Session> session_;
    std::deque<Bytes> wire_queue_;  // already framed: the finish, the status frame
    std::array<std::deque<Bytes>, kPriorityCount> queues_;  // plain, sealed when written
    std::array<std::size_t, kPriorityCount> queued_bytes_{};
    Bytes read_buffer_;
    Bytes writing_;
    bool write_in_flight_{false};
    bool ready_{false};
    bool closed_{false};
    NodeId peer_id_{};
    Status peer_status_{};
};

}  // namespace qtm::p2p
