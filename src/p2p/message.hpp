// Channel messages carried by the session: one frame holds `channel (1 byte) | type
// (1 byte) | payload`. Channels have send priorities, so that a flood of transactions never
// delays a vote, and each has its own payload size limit. Payloads stay opaque here: the
// consensus and block types are the chain layer's, plugged in by the validator network.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "base/bytes.hpp"
#include "base/result.hpp"

namespace qtm::p2p {

enum class Channel : std::uint8_t {
    kConsensus = 0,     // proposals, votes, evidence
    kBlocks = 1,        // sync requests and responses
    kTransactions = 2,  // announcements by hash, requests, responses
    kPeers = 3,         // address exchange
    kStatus = 4,        // version, chain, genesis, head and finalized
};
inline constexpr std::size_t kChannelCount = 5;
inline constexpr std::size_t kPriorityCount = 4;

[[nodiscard]] std::string_view to_string(Channel channel) noexcept;

// 0 is sent first: consensus > blocks > transactions > peers and status.
[[nodiscard]] constexpr std::size_t send_priority(Channel channel) noexcept {
    switch (channel) {
        case Channel::kConsensus:
            return 0;
        case Channel::kBlocks:
            return 1;
        case Channel::kTransactions:
            return 2;
        case Channel::kPeers:
        case Channel::kStatus:
            return 3;
    }
    return 3;
}

// The largest payload each channel accepts (a block response may carry many blocks; a vote
// or proposal is a few KB; a status a few hundred bytes).
[[nodiscard]] constexpr std::size_t max_payload_size(Channel channel) noexcept {
    switch (channel) {
        case Channel::kConsensus:
            return 1u << 20;
        case Channel::kBlocks:
            return (16u << 20) - 2;
        case Channel::kTransactions:
            return 4u << 20;
        case Channel::kPeers:
            return 64u << 10;
        case Channel::kStatus:
            return 1024;
    }
    return 0;
}

struct ChannelMessage {
    Channel channel{Channel::kStatus};
    std::uint8_t type{0};
    Bytes payload;
};

enum class MessageError {
    kTooShort,        // fewer than the two header bytes
    kUnknownChannel,  // a channel byte this version does not know
    kTooLarge,        // a payload over its channel's limit
};
[[nodiscard]] std::string_view to_string(MessageError error) noexcept;

[[nodiscard]] Bytes encode_message(const ChannelMessage& message);
[[nodiscard]] Result<ChannelMessage, MessageError> decode_message(ByteView bytes);

}  // namespace qtm::p2p
