#include "p2p/sync/block_server.hpp"

#include <algorithm>

namespace qtm::p2p {

ChannelMessage serve_get_blocks(const GetBlocks& request, const BlockSource& source,
                                const ServeLimits& limits) {
    const std::uint64_t count = std::min(request.count, limits.max_blocks);
    std::vector<Bytes> entries;
    std::size_t entries_bytes = 0;
    for (std::uint64_t i = 0; i < count; ++i) {
        const std::uint64_t number = request.first + i;
        if (number < request.first) break;  // past the largest block number
        auto entry = source.committed_block(number);
        if (!entry) break;
        Bytes encoded = encode_committed_block(*entry);
        if (blocks_payload_size(request.request_id, entries_bytes + encoded.size()) >
            limits.max_bytes)
            break;
        entries_bytes += encoded.size();
        entries.push_back(std::move(encoded));
    }
    return ChannelMessage{Channel::kBlocks, static_cast<std::uint8_t>(BlocksType::kBlocks),
                          encode_blocks_of_encoded(request.request_id, entries)};
}

}  // namespace qtm::p2p
