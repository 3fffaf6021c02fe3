// Blocks channel messages (sync requests and responses): round trips, golden bytes, the
// count and byte limits, and malformed payloads refused with typed, blamed errors.
#include <gtest/gtest.h>

#include "base/hex.hpp"
#include "codec/rlp.hpp"
#include "p2p/wire/block_messages.hpp"
#include "wire_support.hpp"

namespace qtm::p2p {
namespace {

Result<BlocksMessage, WireError> decode(const ChannelMessage& m) {
    EXPECT_EQ(m.channel, Channel::kBlocks);
    return decode_blocks_message(m.type, m.payload);
}

Blocks first_blocks(std::size_t n) {
    const auto& chain = testing::test_chain();
    Blocks blocks{42, {}};
    for (std::size_t i = 0; i < n; ++i)
        blocks.blocks.push_back(chain.blocks[i]);
    return blocks;
}

TEST(WireBlocks, GetBlocksGoldenBytesAndLimits) {
    const ChannelMessage encoded = encode_blocks_message(GetBlocks{1, 100, 32});
    EXPECT_EQ(encoded.type, 0);
    EXPECT_EQ(to_hex(encoded.payload, false), "c3016420");
    EXPECT_EQ(std::get<GetBlocks>(*decode(encoded)), (GetBlocks{1, 100, 32}));
    EXPECT_EQ(decode(encode_blocks_message(GetBlocks{1, 100, 0})).error(), WireError::kBadField);
    EXPECT_TRUE(decode(encode_blocks_message(GetBlocks{1, 100, kMaxBlocksPerRequest})));
    EXPECT_EQ(decode(encode_blocks_message(GetBlocks{1, 100, kMaxBlocksPerRequest + 1})).error(),
              WireError::kBadField);
    EXPECT_EQ(decode_blocks_message(0, *from_hex("0xc50182006420")).error(),
              WireError::kMalformedRlp);  // leading zero
    EXPECT_EQ(decode_blocks_message(0, *from_hex("0xc301642000")).error(),
              WireError::kMalformedRlp);  // trailing byte
    EXPECT_EQ(decode_blocks_message(0, *from_hex("0xc5016420")).error(),
              WireError::kMalformedRlp);  // a list longer than the payload
    EXPECT_EQ(decode_blocks_message(0, *from_hex("0xc20164")).error(),
              WireError::kWrongShape);  // a field missing
}

TEST(WireBlocks, BlocksGoldenBytesAndRoundTrip) {
    EXPECT_EQ(to_hex(encode_blocks_message(Blocks{5, {}}).payload, false), "c205c0");
    const Blocks blocks = first_blocks(3);
    const ChannelMessage encoded = encode_blocks_message(blocks);
    EXPECT_EQ(encoded.type, 1);
    auto decoded = decode(encoded);
    ASSERT_TRUE(decoded) << to_string(decoded.error());
    const Blocks& back = std::get<Blocks>(*decoded);
    EXPECT_EQ(back.request_id, 42u);
    ASSERT_EQ(back.blocks.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(chain::encode_block(back.blocks[i].block),
                  chain::encode_block(blocks.blocks[i].block));
        EXPECT_EQ(back.blocks[i].certificate, blocks.blocks[i].certificate);
    }
    EXPECT_EQ(encode_blocks_message(back).payload, encoded.payload);
}

TEST(WireBlocks, EveryTruncationIsRefused) {
    const ChannelMessage m = encode_blocks_message(first_blocks(3));
    for (std::size_t n = 0; n < m.payload.size(); ++n) {
        auto decoded = decode_blocks_message(m.type, ByteView{m.payload}.first(n));
        ASSERT_FALSE(decoded) << "prefix " << n;
        EXPECT_EQ(decoded.error(), WireError::kMalformedRlp);
        EXPECT_TRUE(peer_is_to_blame(decoded.error()));
    }
}

TEST(WireBlocks, CountBytesAndContentsAreChecked) {
    Blocks many{1, {}};
    const CommittedBlock one = testing::test_chain().blocks[0];
    many.blocks.assign(kMaxBlocksPerRequest, one);
    EXPECT_TRUE(decode(encode_blocks_message(many)));
    many.blocks.push_back(one);
    EXPECT_EQ(decode(encode_blocks_message(many)).error(), WireError::kTooManyItems);
    EXPECT_EQ(decode_blocks_message(1, Bytes(kMaxBlocksBytes + 1, 0)).error(),
              WireError::kOversized);

    // An entry whose block does not decode, one whose certificate does not, one of three fields.
    const Bytes block = chain::encode_block(one.block);
    const Bytes certificate = chain::encode_certificate(one.certificate);
    const auto blocks_of = [](const Bytes& entry_payload) {
        Bytes entries;
        rlp::append_list(entries, entry_payload);
        Bytes payload = rlp::encode_uint(1);
        rlp::append_list(payload, entries);
        return rlp::encode_list(payload);
    };
    Bytes bad_block = rlp::encode_list(Bytes{0x80});
    bad_block.insert(bad_block.end(), certificate.begin(), certificate.end());
    EXPECT_EQ(decode_blocks_message(1, blocks_of(bad_block)).error(), WireError::kBadBlock);
    Bytes bad_certificate = block;
    const Bytes short_certificate = rlp::encode_list(rlp::encode_uint(1));
    bad_certificate.insert(bad_certificate.end(), short_certificate.begin(),
                           short_certificate.end());
    EXPECT_EQ(decode_blocks_message(1, blocks_of(bad_certificate)).error(), WireError::kWrongShape);
    Bytes three = block;
    three.insert(three.end(), certificate.begin(), certificate.end());
    three.push_back(0x80);
    EXPECT_EQ(decode_blocks_message(1, blocks_of(three)).error(), WireError::kWrongShape);
    Bytes good = block;
    good.insert(good.end(), certificate.begin(), certificate.end());
    EXPECT_TRUE(decode_blocks_message(1, blocks_of(good)));
    EXPECT_EQ(decode_blocks_message(5, Bytes{0xc0}).error(), WireError::kUnknownType);
}

}  // namespace
}  // namespace qtm::p2p
