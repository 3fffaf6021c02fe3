#include "p2p/message.hpp"

namespace qtm::p2p {

std::string_view to_string(Channel channel) noexcept {
    switch (channel) {
        case Channel::kConsensus:
            return "consensus";
        case Channel::kBlocks:
            return "blocks";
        case Channel::kTransactions:
            return "transactions";
        case Channel::kPeers:
            return "peers";
        case Channel::kStatus:
            return "status";
    }
    return "unknown";
}

std::string_view to_string(MessageError error) noexcept {
    switch (error) {
        case MessageError::kTooShort:
            return "message shorter than its header";
        case MessageError::kUnknownChannel:
            return "message on an unknown channel";
        case MessageError::kTooLarge:
            return "message payload over its channel's limit";
    }
    return "unknown message error";
}

Bytes encode_message(const ChannelMessage& message) {
    Bytes out;
    out.reserve(2 + message.payload.size());
    out.push_back(static_cast<std::uint8_t>(message.channel));
    out.push_back(message.type);
    out.insert(out.end(), message.payload.begin(), message.payload.end());
    return out;
}

Result<ChannelMessage, MessageError> decode_message(ByteView bytes) {
    if (bytes.size() < 2) return unexpected(MessageError::kTooShort);
    if (bytes[0] >= kChannelCount) return unexpected(MessageError::kUnknownChannel);
    const auto channel = static_cast<Channel>(bytes[0]);
    if (bytes.size() - 2 > max_payload_size(channel)) return unexpected(MessageError::kTooLarge);
    return ChannelMessage{channel, bytes[1], to_bytes(bytes.subspan(2))};
}

}  // namespace qtm::p2p
