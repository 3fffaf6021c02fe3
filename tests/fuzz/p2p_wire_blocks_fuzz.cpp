// Fuzzes the blocks channel decoder (decode_blocks_message, sync's GetBlocks and Blocks):
// the first byte is the message type, the rest the payload. Any input either fails with a
// typed error or decodes to a message within the count limits that encodes back to exactly
// the same type and bytes (canonical RLP).
#include <cstdint>
#include <cstdlib>
#include <variant>

#include "p2p/wire/block_messages.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const auto type = static_cast<std::uint8_t>(data[0] % 3);  // the two types and one unknown
    const qtm::ByteView payload{data + 1, size - 1};
    const auto decoded = qtm::p2p::decode_blocks_message(type, payload);
    if (!decoded) {
        (void)qtm::p2p::to_string(decoded.error());
        return 0;
    }
    if (const auto* get = std::get_if<qtm::p2p::GetBlocks>(&*decoded)) {
        if (get->count == 0 || get->count > qtm::p2p::kMaxBlocksPerRequest) std::abort();
    } else if (std::get<qtm::p2p::Blocks>(*decoded).blocks.size() >
               qtm::p2p::kMaxBlocksPerRequest) {
        std::abort();
    }
    const qtm::p2p::ChannelMessage back = qtm::p2p::encode_blocks_message(*decoded);
    if (back.channel != qtm::p2p::Channel::kBlocks || back.type != type) std::abort();
    if (!qtm::equal(back.payload, payload)) std::abort();
    return 0;
}
