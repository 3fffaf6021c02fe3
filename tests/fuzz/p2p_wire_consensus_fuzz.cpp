// Fuzzes the consensus channel decoder (decode_consensus_message): the first byte is the
// message type, the rest the payload. Any input either fails with a typed error or decodes
// to a message that encodes back to exactly the same type and bytes (canonical RLP).
#include <cstdint>
#include <cstdlib>

#include "p2p/wire/consensus_messages.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const auto type = static_cast<std::uint8_t>(data[0] % 5);  // the four types and one unknown
    const qtm::ByteView payload{data + 1, size - 1};
    const auto decoded = qtm::p2p::decode_consensus_message(type, payload);
    if (!decoded) {
        (void)qtm::p2p::to_string(decoded.error());
        return 0;
    }
    const qtm::p2p::ChannelMessage back = qtm::p2p::encode_consensus_message(*decoded);
    if (back.channel != qtm::p2p::Channel::kConsensus || back.type != type) std::abort();
    if (!qtm::equal(back.payload, payload)) std::abort();
    return 0;
}
