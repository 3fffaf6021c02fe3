#include <gtest/gtest.h>

#include "rpc/chain_reader.hpp"

namespace qtm::rpc {
namespace {

std::shared_ptr<const FullBlock> block_of(std::uint8_t tag, std::size_t size) {
    auto block = std::make_shared<FullBlock>();
    block->hash.fill(tag);
    block->header.number = tag;
    block->size = size;
    return block;
}

TEST(BlockCache, FindsWhatItHoldsAndEvictsTheLeastRecentByBytes) {
    BlockCache cache{300};
    cache.insert(block_of(1, 100));
    cache.insert(block_of(2, 100));
    cache.insert(block_of(3, 100));
    EXPECT_EQ(cache.bytes(), 300u);
    Hash32 one{};
    one.fill(1);
    ASSERT_NE(cache.find(one), nullptr);  // 1 is now the most recent
    EXPECT_EQ(cache.find(one)->header.number, 1u);
    cache.insert(block_of(4, 100));  // evicts 2, the least recent
    Hash32 two{};
    two.fill(2);
    EXPECT_EQ(cache.find(two), nullptr);
    EXPECT_NE(cache.find(one), nullptr);
    EXPECT_EQ(cache.bytes(), 300u);
    // A block bigger than the whole budget is not kept; a repeated insert changes nothing.
    cache.insert(block_of(5, 301));
    Hash32 five{};
    five.fill(5);
    EXPECT_EQ(cache.find(five), nullptr);
    cache.insert(block_of(4, 100));
    EXPECT_EQ(cache.bytes(), 300u);
    // A handed-out block stays valid after its eviction.
    const auto held = cache.find(one);
    cache.insert(block_of(6, 300));
    EXPECT_EQ(cache.find(one), nullptr);
    EXPECT_EQ(held->header.number, 1u);
}

}  // namespace
}  // namespace qtm::rpc
