#include "p2p/connection.hpp"

#include <algorithm>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <stdexcept>

namespace qtm::p2p {
namespace {

constexpr std::size_t kReadChunk = 64u << 10;

}  // namespace

std::shared_ptr<Connection> Connection::create(boost::asio::ip::tcp::socket socket,
                                               const ConnectionConfig& config,
                                               std::optional<NodeId> expected_peer, bool initiator,
                                               Handlers handlers) {
    return std::shared_ptr<Connection>{
        new Connection{std::move(socket), config, expected_peer, initiator, std::move(handlers)}};
}

Connection::Connection(boost::asio::ip::tcp::socket socket, const ConnectionConfig& config,
                       std::optional<NodeId> expected_peer, bool initiator, Handlers handlers)
    : socket_{std::move(socket)},
      handshake_timer_{socket_.get_executor()},
      config_{config},
      expected_peer_{expected_peer},
      initiator_{initiator},
      handlers_{std::move(handlers)} {
    if (config_.node_key == nullptr) throw std::invalid_argument("ConnectionConfig: no node key");
}

std::string Connection::remote_endpoint() const {
    boost::system::error_code error;
    const auto endpoint = socket_.remote_endpoint(error);
    if (error) return "?";
    return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

void Connection::start() {
    auto self = shared_from_this();
    handshake_timer_.expires_after(config_.handshake_timeout);
    handshake_timer_.async_wait([self](const boost::system::error_code& error) {
        if (!error && !self->ready_) {
            // A peer that proved its node id and then is slow to send its status is slow
            // (a starved machine), not hostile: it is dropped, not banned.
            self->close({"handshake not finished in time",
                         /*peer_to_blame=*/self->peer_id_ == NodeId{}});
        }
    });
    const NodeKey& key = *config_.node_key;
    if (initiator_) {
        initiator_handshake_.emplace(config_.network, key, expected_peer_,
                                     InitiatorRandomness::fresh());
        write_raw(initiator_handshake_->hello(), [self] {
            self->read_exactly(kReplySize, [self](Bytes reply) {
                auto finished = self->initiator_handshake_->on_reply(reply);
                if (!finished) return self->fail_handshake(finished.error());
                Bytes finish = std::move(finished->finish);
                self->on_handshake_done(std::move(finished->outcome), std::move(finish));
            });
        });
        return;
    }
    responder_handshake_.emplace(config_.network, key, ResponderRandomness::fresh());
    read_exactly(kHelloSize, [self](Bytes hello) {
        auto reply = self->responder_handshake_->on_hello(hello);
        if (!reply) return self->fail_handshake(reply.error());
        self->write_raw(std::move(*reply), [self] {
            self->read_exactly(kFinishSize, [self](Bytes finish) {
                auto outcome = self->responder_handshake_->on_finish(finish);
                if (!outcome) return self->fail_handshake(outcome.error());
                self->on_handshake_done(std::move(*outcome), {});
            });
        });
    });
}

void Connection::read_exactly(std::size_t size, std::function<void(Bytes)> then) {
    auto self = shared_from_this();
    auto buffer = std::make_shared<Bytes>(size);
    boost::asio::async_read(
        socket_, boost::asio::buffer(*buffer),
        [self, buffer, then = std::move(then)](const boost::system::error_code& error,
                                               std::size_t) {
            if (self->closed_) return;
            if (error)
                return self->close({"connection closed during the handshake: " + error.message(),
                                    /*peer_to_blame=*/false});
            then(std::move(*buffer));
        });
}

void Connection::write_raw(Bytes bytes, std::function<void()> then) {
    auto self = shared_from_this();
    auto buffer = std::make_shared<Bytes>(std::move(bytes));
    boost::asio::async_write(
        socket_, boost::asio::buffer(*buffer),
        [self, buffer, then = std::move(then)](const boost::system::error_code& error,
                                               std::size_t) {
            if (self->closed_) return;
            if (error) return self->close({"write failed: " + error.message(), false});
            then();
        });
}

void Connection::fail_handshake(HandshakeError error) {
    close({std::string{"handshake failed: "} + std::string{to_string(error)},
           peer_is_to_blame(error)});
}

void Connection::on_handshake_done(HandshakeOutcome outcome, Bytes to_send) {
    peer_id_ = outcome.peer_id;
    session_.emplace(Session::from_keys(outcome.keys, config_.limits));
    initiator_handshake_.reset();
    responder_handshake_.reset();
    // The finish goes first, then our status as the first frame of the session, both
    // ahead of any channel message.
    if (!to_send.empty()) wire_queue_.push_back(std::move(to_send));
    const Bytes status = encode_message({Channel::kStatus, 0, encode_status(config_.status)});
    wire_queue_.push_back(session_->sealer.seal(status));
    pump_writes();
    read_buffer_.resize(kReadChunk);
    read_frames();
}

bool Connection::send(const ChannelMessage& message) {
    if (closed_) return false;
    if (!ready_) throw std::logic_error("Connection::send before the connection is ready");
    if (message.payload.size() > max_payload_size(message.channel)) {
        throw std::invalid_argument("Connection::send: payload over the channel limit");
    }
    const std::size_t priority = send_priority(message.channel);
    const std::size_t size = 2 + message.payload.size();
    SharedSendBudget* shared = config_.shared_budget.get();
    if (!queues_[priority].empty() &&
        (queued_bytes_[priority] + size > config_.max_queued_bytes[priority] ||
         (shared != nullptr && shared->queued_bytes + size > shared->max_bytes))) {
        return false;
    }
    // Plain messages wait in their priority queue and are sealed when written, so frames
    // leave in the order their counters say.
    queues_[priority].push_back(encode_message(message));
    queued_bytes_[priority] += size;
    if (shared != nullptr) shared->queued_bytes += size;
    pump_writes();
    return true;
}

void Connection::pump_writes() {
    if (write_in_flight_ || closed_) return;
    if (!wire_queue_.empty()) {
        writing_ = std::move(wire_queue_.front());
        wire_queue_.pop_front();
    } else {
        auto queue =
            std::find_if(queues_.begin(), queues_.end(), [](const auto& q) { return !q.empty(); });
        if (queue == queues_.end()) return;
        writing_ = session_->sealer.seal(queue->front());
        queued_bytes_[static_cast<std::size_t>(queue - queues_.begin())] -= queue->front().size();
        if (config_.shared_budget) config_.shared_budget->queued_bytes -= queue->front().size();
        queue->pop_front();
    }
    write_in_flight_ = true;
    auto self = shared_from_this();
    boost::asio::async_write(
        socket_, boost::asio::buffer(writing_),
        [self](const boost::system::error_code& error, std::size_t) {
            self->write_in_flight_ = false;
            if (self->closed_) return;
            if (error) {
                return self->close({"write failed: " + error.message(), false});
            }
            self->pump_writes();
        });
}

void Connection::read_frames() {
    auto self = shared_from_this();
    socket_.async_read_some(
        boost::asio::buffer(read_buffer_),
        [self](const boost::system::error_code& error, std::size_t size) {
            if (self->closed_) return;
            if (error) return self->close({"connection closed: " + error.message(), false});
            self->session_->opener.append(ByteView{self->read_buffer_}.first(size));
            while (!self->closed_) {
                auto next = self->session_->opener.next();
                if (!next) {
                    return self->close(
                        {std::string{to_string(next.error())}, peer_is_to_blame(next.error())});
                }
                if (!next->has_value()) break;
                self->on_plaintext(std::move(**next));
            }
            if (!self->closed_) self->read_frames();
        });
}

void Connection::on_plaintext(Bytes plaintext) {
    auto message = decode_message(plaintext);
    if (!message) return close({std::string{to_string(message.error())}, true});
    if (!ready_) {
        // The first message must be the peer's status.
        if (message->channel != Channel::kStatus) {
            return close({"first message is not a status", true});
        }
        auto status = decode_status(message->payload);
        if (!status) return close({std::string{to_string(status.error())}, true});
        if (auto ok = check_peer_status(config_.status, *status); !ok) {
            return close({std::string{to_string(ok.error())}, peer_is_to_blame(ok.error())});
        }
        peer_status_ = *status;
        ready_ = true;
        handshake_timer_.cancel();
        if (handlers_.on_ready) handlers_.on_ready(*this);
        return;
    }
    if (handlers_.on_message) handlers_.on_message(*this, std::move(*message));
}

Connection::~Connection() {
    release_queued();
}

// What a closed connection will never write no longer counts against the host's budget.
void Connection::release_queued() {
    for (std::size_t priority = 0; priority < kPriorityCount; ++priority) {
        if (config_.shared_budget) config_.shared_budget->queued_bytes -= queued_bytes_[priority];
        queued_bytes_[priority] = 0;
        queues_[priority].clear();
    }
}

void Connection::close(const CloseReason& reason) {
    if (closed_) return;
    closed_ = true;
    release_queued();
    handshake_timer_.cancel();
    boost::system::error_code ignored;
    socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    if (handlers_.on_closed) handlers_.on_closed(*this, reason);
}

}  // namespace qtm::p2p
