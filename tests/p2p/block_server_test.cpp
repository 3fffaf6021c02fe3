// The serving side of sync (serve_get_blocks): consecutive committed blocks from a store,
// each with its commit certificate, cut at the count limit, the byte limit and the end of
// the chain; an answer past the head is empty. Every answer decodes with the real decoder.
#include <gtest/gtest.h>

#include <limits>

#include "p2p/sync/block_server.hpp"
#include "wire_support.hpp"

namespace qtm::p2p {
namespace {

using testing::ChainSource;
using testing::test_chain;

Blocks served(const GetBlocks& request, const BlockSource& source, const ServeLimits& limits = {}) {
    const ChannelMessage message = serve_get_blocks(request, source, limits);
    EXPECT_EQ(message.channel, Channel::kBlocks);
    EXPECT_EQ(message.type, static_cast<std::uint8_t>(BlocksType::kBlocks));
    EXPECT_LE(message.payload.size(), limits.max_bytes);
    auto decoded = decode_blocks_message(message.type, message.payload);
    EXPECT_TRUE(decoded) << to_string(decoded.error());
    if (!decoded) return {};
    return std::get<Blocks>(*decoded);
}

// The answer holds blocks first..first+n-1 of the test chain, with their certificates.
void expect_range(const Blocks& blocks, std::uint64_t first, std::size_t n) {
    ASSERT_EQ(blocks.blocks.size(), n);
    for (std::size_t i = 0; i < n; ++i) {
        const CommittedBlock& want = test_chain().blocks[first - 1 + i];
        EXPECT_EQ(blocks.blocks[i].block.header.number, first + i);
        EXPECT_EQ(chain::encode_block(blocks.blocks[i].block), chain::encode_block(want.block));
        EXPECT_EQ(blocks.blocks[i].certificate, want.certificate);
        EXPECT_EQ(blocks.blocks[i].certificate.block_hash,
                  chain::block_hash(blocks.blocks[i].block.header));
    }
}

TEST(BlockServer, AnswersTheRangeWithCertificates) {
    const ChainSource source{test_chain(), 12};
    const Blocks blocks = served(GetBlocks{7, 3, 4}, source);
    EXPECT_EQ(blocks.request_id, 7u);
    expect_range(blocks, 3, 4);
}

TEST(BlockServer, StopsAtTheHead) {
    const ChainSource source{test_chain(), 10};
    expect_range(served(GetBlocks{1, 8, 32}, source), 8, 3);
    expect_range(served(GetBlocks{1, 1, kMaxBlocksPerRequest}, source), 1, 10);
}

TEST(BlockServer, EmptyAnswerPastTheHeadAndForGenesis) {
    const ChainSource source{test_chain(), 10};
    for (const std::uint64_t first : {11u, 12u, 1000u, 0u}) {
        const ChannelMessage message = serve_get_blocks(GetBlocks{9, first, 4}, source);
        auto decoded = decode_blocks_message(message.type, message.payload);
        ASSERT_TRUE(decoded);
        const Blocks& blocks = std::get<Blocks>(*decoded);
        EXPECT_EQ(blocks.request_id, 9u);
        EXPECT_TRUE(blocks.blocks.empty()) << "first " << first;
    }
}

TEST(BlockServer, CountLimit) {
    const ChainSource source{test_chain(), 12};
    ServeLimits limits;
    limits.max_blocks = 5;
    expect_range(served(GetBlocks{1, 2, 10}, source, limits), 2, 5);
    expect_range(served(GetBlocks{1, 2, 3}, source, limits), 2, 3);
}

TEST(BlockServer, ByteLimitCutsBeforeTheEntryThatWouldPassIt) {
    const ChainSource source{test_chain(), 12};
    // The exact payload of blocks 1..3.
    std::vector<Bytes> entries;
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < 3; ++i) {
        entries.push_back(encode_committed_block(test_chain().blocks[i]));
        bytes += entries.back().size();
    }
    const std::size_t three = encode_blocks_of_encoded(5, entries).size();
    EXPECT_EQ(three, blocks_payload_size(5, bytes));
    EXPECT_EQ(encode_blocks_of_encoded(0, {}).size(), blocks_payload_size(0, 0));
    EXPECT_EQ(encode_blocks_of_encoded(~std::uint64_t{0}, entries).size(),
              blocks_payload_size(~std::uint64_t{0}, bytes));

    ServeLimits limits;
    limits.max_bytes = three;
    expect_range(served(GetBlocks{5, 1, 10}, source, limits), 1, 3);
    limits.max_bytes = three - 1;
    expect_range(served(GetBlocks{5, 1, 10}, source, limits), 1, 2);
    // Too small for even one entry: an empty answer, still a valid message.
    limits.max_bytes = entries[0].size();
    expect_range(served(GetBlocks{5, 1, 10}, source, limits), 1, 0);
}

TEST(BlockServer, DefaultLimitsKeepTheAnswerWithinTheDecoderBound) {
    // 128 copies of the largest test block: under the 16 MiB channel bound by far, so all
    // come back; the answer decodes (the decoder's bound is the server's default).
    class Repeating final : public BlockSource {
    public:
        std::optional<CommittedBlock> committed_block(std::uint64_t number) const override {
            if (number == 0) return std::nullopt;
            return test_chain().blocks[2];
        }
    };
    const Repeating source;
    const Blocks blocks = served(GetBlocks{1, 1, kMaxBlocksPerRequest}, source);
    EXPECT_EQ(blocks.blocks.size(), kMaxBlocksPerRequest);
}

TEST(BlockServer, RangeAtTheTopOfTheNumberSpaceDoesNotWrap) {
    class Everything final : public BlockSource {
    public:
        std::optional<CommittedBlock> committed_block(std::uint64_t number) const override {
            asked.push_back(number);
            return test_chain().blocks[0];
        }
        mutable std::vector<std::uint64_t> asked;
    };
    const Everything source;
    const std::uint64_t top = std::numeric_limits<std::uint64_t>::max();
    const ChannelMessage message = serve_get_blocks(GetBlocks{1, top - 1, 5}, source);
    EXPECT_EQ(source.asked, (std::vector<std::uint64_t>{top - 1, top}));
    auto decoded = decode_blocks_message(message.type, message.payload);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(std::get<Blocks>(*decoded).blocks.size(), 2u);
}

}  // namespace
}  // namespace qtm::p2p
