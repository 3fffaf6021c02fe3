// The block file of `qtm chain export/import`: blocks round-trip in order, and a truncated
// file, a frame that is not an RLP list, an oversized frame and a frame that is not a block
// are errors naming the byte offset, never a crash.
#include "chain/block_file.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "chain_db_support.hpp"
#include "storage/chain_store.hpp"

namespace qtm::chain {
namespace {

std::vector<Block> stored_blocks(const test::ChainDb& chain) {
    const storage::ChainStore store{*chain.db};
    std::vector<Block> blocks;
    for (std::size_t n = 0; n < chain.hashes.size(); ++n) {
        auto body = *decode_body(**store.load_body(chain.hashes[n]));
        blocks.push_back(
            Block{chain.headers[n], std::move(body.transactions), std::move(body.evidence)});
    }
    return blocks;
}

std::string file_of(const std::vector<Block>& blocks) {
    std::ostringstream out;
    for (const auto& block : blocks)
        write_block_frame(out, block);
    return out.str();
}

TEST(BlockFile, BlocksRoundTripInOrder) {
    const auto chain = test::make_chain_db();
    const auto blocks = stored_blocks(chain);
    std::istringstream in{file_of(blocks)};
    BlockFileReader reader{in};
    for (const auto& expected : blocks) {
        auto next = reader.next();
        ASSERT_TRUE(next.has_value()) << next.error();
        ASSERT_TRUE(next->has_value());
        EXPECT_EQ(encode_block(**next), encode_block(expected));
        EXPECT_EQ(block_hash((*next)->header), block_hash(expected.header));
    }
    auto end = reader.next();
    ASSERT_TRUE(end.has_value());
    EXPECT_FALSE(end->has_value());
}

TEST(BlockFile, DamagedFilesAreErrorsWithTheOffset) {
    const auto chain = test::make_chain_db();
    const auto blocks = stored_blocks(chain);
    const std::string whole = file_of(blocks);
    const std::size_t first = encode_block(blocks[0]).size();

    std::istringstream truncated{whole.substr(0, whole.size() - 1)};
    BlockFileReader reader{truncated};
    std::string error;
    for (;;) {
        auto next = reader.next();
        if (!next) {
            error = next.error();
            break;
        }
        ASSERT_TRUE(next->has_value()) << "the truncated last frame must be an error";
    }
    const std::size_t last = whole.size() - encode_block(blocks.back()).size();
    EXPECT_EQ(error, "at byte " + std::to_string(last) + ": the file ends inside a frame");

    std::istringstream not_a_list{whole.substr(0, first) + "\x05"};
    BlockFileReader reader2{not_a_list};
    ASSERT_TRUE(reader2.next().has_value());
    auto bad = reader2.next();
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error(), "at byte " + std::to_string(first) +
                               ": not an RLP list (a block frame begins with 0xc0-0xff)");

    std::istringstream huge{std::string{"\xfb\x7f\xff\xff\xff", 5}};
    BlockFileReader reader3{huge};
    auto too_big = reader3.next();
    ASSERT_FALSE(too_big.has_value());
    EXPECT_EQ(too_big.error(), "at byte 0: a frame larger than 256 MiB");

    std::istringstream empty_list{std::string{"\xc0", 1}};
    BlockFileReader reader4{empty_list};
    auto not_block = reader4.next();
    ASSERT_FALSE(not_block.has_value());
    EXPECT_EQ(not_block.error().rfind("at byte 0: the block does not decode: ", 0), 0U)
        << not_block.error();
}

}  // namespace
}  // namespace qtm::chain
