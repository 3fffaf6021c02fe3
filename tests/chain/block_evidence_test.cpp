// The block format with evidence (docs/protocol.md, "Blocks"): header fields evidence_root
// and validators_hash, body [[transactions], [evidence]], strict and bounded decoding, and a
// golden header encoding.
#include <gtest/gtest.h>

#include "base/hex.hpp"
#include "chain/block.hpp"
#include "codec/rlp_decode.hpp"
#include "codec/rlp_encode.hpp"
#include "trie/trie.hpp"

namespace qtm::chain {
namespace {

DuplicateVoteEvidence evidence_for(std::uint32_t validator, std::uint64_t height) {
    Vote a{VoteType::kPrecommit, height, 0, Hash32{0x01}, validator, Bytes(8, 0xaa)};
    Vote b = a;
    b.block_hash = Hash32{0x02};
    b.signature = Bytes(8, 0xbb);
    return *make_evidence(a, b);
}

Header sample_header() {
    Header header;
    header.number = 9;
    header.timestamp = 1000;
    header.base_fee = U256{7};
    header.evidence_root = Hash32{0xee};
    header.validators_hash = Hash32{0x5a};
    header.extra_data = {0x01};
    return header;
}

TEST(BlockEvidence, HeaderAndBodyRoundTrip) {
    const Header header = sample_header();
    const auto decoded = decode_header(encode_header(header));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, header);

    const std::vector<DuplicateVoteEvidence> evidence = {evidence_for(1, 5), evidence_for(2, 6)};
    const auto body = decode_body(encode_body({}, evidence));
    ASSERT_TRUE(body.has_value());
    EXPECT_TRUE(body->transactions.empty());
    EXPECT_EQ(body->evidence, evidence);

    const Block block{header, {}, evidence};
    const auto back = decode_block(encode_block(block));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->header, header);
    EXPECT_EQ(back->evidence, evidence);
    // The block is [header, txs, evidence]: the body's items follow the header.
    const Bytes header_bytes = encode_header(header);
    const Bytes body_bytes = encode_body({}, evidence);
    Bytes payload = header_bytes;
    const std::size_t body_header = rlp::decode_header(body_bytes)->header_size;
    payload.insert(payload.end(), body_bytes.begin() + static_cast<long>(body_header),
                   body_bytes.end());
    EXPECT_EQ(encode_block(block), rlp::encode_list(payload));
}

TEST(BlockEvidence, EvidenceRootIsATrieOfTheEncodings) {
    EXPECT_EQ(evidence_root({}), trie::kEmptyRoot);
    const auto one = evidence_for(1, 5);
    const auto two = evidence_for(2, 5);
    EXPECT_NE(evidence_root({one}), evidence_root({two}));
    EXPECT_NE(evidence_root({one, two}), evidence_root({two, one}));
    EXPECT_EQ(evidence_root({one}),
              trie::compute_root({{rlp::encode_uint(0), encode_evidence(one)}}));
}

TEST(BlockEvidence, DecodingIsStrictAndBounded) {
    // At most kMaxEvidencePerBlock pieces.
    std::vector<DuplicateVoteEvidence> many;
    for (std::uint32_t i = 0; i < kMaxEvidencePerBlock; ++i)
        many.push_back(evidence_for(i, 3));
    EXPECT_TRUE(decode_body(encode_body({}, many)).has_value());
    many.push_back(evidence_for(99, 3));
    EXPECT_EQ(decode_body(encode_body({}, many)).error(), BlockDecodeError::kTooMuchEvidence);
    // Out of canonical order.
    auto swapped = evidence_for(1, 5);
    std::swap(swapped.vote_a, swapped.vote_b);
    EXPECT_EQ(decode_body(encode_body({}, {swapped})).error(), BlockDecodeError::kBadEvidence);
    // The old body (a bare list of transactions) and a missing or extra list are refused.
    EXPECT_EQ(decode_body(rlp::encode_list({})).error(), BlockDecodeError::kMalformedBody);
    Bytes lists;
    rlp::append_list(lists, {});
    rlp::append_list(lists, {});
    rlp::append_list(lists, {});
    EXPECT_EQ(decode_body(rlp::encode_list(lists)).error(), BlockDecodeError::kMalformedBody);
    // Evidence as a byte string instead of a list.
    Bytes items;
    rlp::append_list(items, {});
    Bytes wrapped;
    rlp::append_string(wrapped, encode_evidence(evidence_for(1, 5)));
    rlp::append_list(items, wrapped);
    EXPECT_EQ(decode_body(rlp::encode_list(items)).error(), BlockDecodeError::kBadEvidence);
    // A header without the two new fields (the old layout) does not decode.
    Bytes old;
    const Header header = sample_header();
    rlp::append_string(old, header.parent_hash);
    rlp::append_uint(old, header.number);
    rlp::append_uint(old, header.timestamp);
    rlp::append_string(old, header.proposer);
    rlp::append_string(old, header.state_root);
    rlp::append_string(old, header.transactions_root);
    rlp::append_string(old, header.receipts_root);
    rlp::append_string(old, header.logs_bloom);
    rlp::append_uint(old, header.gas_limit);
    rlp::append_uint(old, header.gas_used);
    rlp::append_u256(old, header.base_fee);
    rlp::append_string(old, header.extra_data);
    rlp::append_string(old, header.parent_commit);
    EXPECT_EQ(decode_header(rlp::encode_list(old)).error(), BlockDecodeError::kMalformedHeader);
}

// Golden: the header's field order is the protocol (docs/protocol.md, "Blocks").
TEST(BlockEvidence, GoldenHeaderTail) {
    const Bytes encoded = encode_header(sample_header());
    // ... gas_limit 0, gas_used 0, base_fee 7, evidence_root, validators_hash, extra 01, commit ""
    const std::string tail = to_hex(ByteView{encoded}.subspan(encoded.size() - 71));
    EXPECT_EQ(tail,
              "0x8080"
              "07"
              "a0ee00000000000000000000000000000000000000000000000000000000000000"
              "a05a00000000000000000000000000000000000000000000000000000000000000"
              "01"
              "80");
}

}  // namespace
}  // namespace qtm::chain
