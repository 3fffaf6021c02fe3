// RLP: every error kind, boundary lengths, typed reads, and round-trip properties.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "base/hex.hpp"
#include "codec/rlp.hpp"

namespace qtm::rlp {
namespace {

Bytes hex(std::string_view text) {
    return *from_hex(text);
}

TEST(RlpDecode, EachMalformedFormHasItsOwnError) {
    EXPECT_EQ(decode({}).error(), RlpError::kInputTooShort);
    EXPECT_EQ(decode(hex("b9")).error(), RlpError::kInputTooShort);        // length bytes missing
    EXPECT_EQ(decode(hex("83aabb")).error(), RlpError::kLengthPastInput);  // truncated payload
    EXPECT_EQ(decode(hex("c3aabb")).error(), RlpError::kLengthPastInput);
    EXPECT_EQ(decode(hex("b801ff")).error(), RlpError::kNonCanonicalSize);    // long form, short
    EXPECT_EQ(decode(hex("b90001ff")).error(), RlpError::kNonCanonicalSize);  // leading zero
    EXPECT_EQ(decode(hex("8100")).error(), RlpError::kNonCanonicalSingleByte);
    EXPECT_EQ(decode(hex("817f")).error(), RlpError::kNonCanonicalSingleByte);
    EXPECT_EQ(decode(hex("bfffffffffffffffff")).error(), RlpError::kLengthOverflow);
    EXPECT_EQ(decode(hex("8001")).error(), RlpError::kTrailingBytes);
    EXPECT_EQ(decode(hex("c20102ff")).error(), RlpError::kTrailingBytes);
    // An item inside a list that runs past the list's payload.
    EXPECT_EQ(decode(hex("c28301")).error(), RlpError::kLengthPastInput);
}

TEST(RlpDecode, TypedReadsCheckTheirFields) {
    const Bytes encoded = hex("c88200ff8180c2010205");  // [0x00ff, 0x80, [1, 2]] then 5
    Decoder outer{encoded};
    auto list = outer.read_list();
    ASSERT_TRUE(list.has_value());
    EXPECT_EQ(list->read_uint64().error(), RlpError::kLeadingZeros);
    EXPECT_EQ(*list->read_uint64(), 0x80U);
    EXPECT_EQ(list->read_string().error(), RlpError::kUnexpectedList);
    EXPECT_EQ(list->read_list()->read_uint64().value(), 1U);
    EXPECT_TRUE(list->at_end());
    EXPECT_EQ(outer.finish().error(), RlpError::kTrailingBytes);
    EXPECT_EQ(outer.read_list().error(), RlpError::kUnexpectedString);

    const Bytes nine_bytes = encode_string(Bytes(9, 0x01));
    EXPECT_EQ(Decoder{nine_bytes}.read_uint64().error(), RlpError::kIntegerOverflow);
    const Bytes thirty_three = encode_string(Bytes(33, 0x01));
    EXPECT_EQ(Decoder{thirty_three}.read_u256().error(), RlpError::kIntegerOverflow);
    EXPECT_EQ(Decoder{thirty_three}.read_fixed<32>().error(), RlpError::kUnexpectedLength);
    EXPECT_EQ(*Decoder{encode_uint(0)}.read_uint64(), 0U);
    EXPECT_EQ(*Decoder{encode_u256(U256::max())}.read_u256(), U256::max());
}

TEST(RlpDecode, NestingDepthIsBounded) {
    Bytes nested = hex("c0");
    for (std::size_t i = 0; i < kMaxDepth + 10; ++i)
        nested = encode_list(nested);
    EXPECT_EQ(decode(nested).error(), RlpError::kTooDeep);
    Bytes shallow = hex("c0");
    for (std::size_t i = 0; i < 100; ++i)
        shallow = encode_list(shallow);
    EXPECT_TRUE(decode(shallow).has_value());
}

TEST(RlpEncode, BoundaryLengths) {
    EXPECT_EQ(encode_string({}), hex("80"));
    EXPECT_EQ(encode_string(hex("00")), hex("00"));
    EXPECT_EQ(encode_string(hex("7f")), hex("7f"));
    EXPECT_EQ(encode_string(hex("80")), hex("8180"));
    for (const std::size_t size : {0UL, 1UL, 2UL, 55UL, 56UL, 255UL, 256UL, 65535UL, 65536UL}) {
        const Bytes payload(size, 0xaa);
        const Bytes encoded = encode_string(payload);
        EXPECT_EQ(encoded.size(), string_size(payload)) << size;
        const auto decoded = decode(encoded);
        ASSERT_TRUE(decoded.has_value()) << size;
        EXPECT_EQ(decoded->bytes, payload);
        const Bytes list = encode_list(encoded);
        EXPECT_EQ(list.size(), header_size(encoded.size()) + encoded.size());
        ASSERT_TRUE(decode(list).has_value()) << size;
    }
    EXPECT_EQ(encode_string(Bytes(55, 0))[0], 0xb7);
    EXPECT_EQ(encode_string(Bytes(56, 0))[0], 0xb8);
    EXPECT_EQ(encode_string(Bytes(256, 0))[0], 0xb9);
    EXPECT_EQ(encode_uint(0), hex("80"));
    EXPECT_EQ(encode_uint(127), hex("7f"));
    EXPECT_EQ(encode_uint(128), hex("8180"));
    EXPECT_EQ(encode_uint(0x0400), hex("820400"));
    // 2^192: the byte 0x01 and 24 zero bytes.
    EXPECT_EQ(encode_u256(U256{0, 0, 0, 1}), hex("9901" + std::string(48, '0')));
    EXPECT_EQ(uint_size(0x0400), 3U);
    EXPECT_EQ(u256_size(U256::max()), 33U);
}

// Random item trees: encode then decode gives the same tree.
Item random_item(std::size_t depth) {
    Item item;
    item.is_list = depth < 4 && *rc::gen::inRange(0, 3) == 0;
    if (item.is_list) {
        const int count = *rc::gen::inRange(0, 5);
        for (int i = 0; i < count; ++i)
            item.items.push_back(random_item(depth + 1));
    } else {
        const int size = *rc::gen::oneOf(rc::gen::inRange(0, 3), rc::gen::inRange(0, 80));
        item.bytes = *rc::gen::container<Bytes>(static_cast<std::size_t>(size),
                                                rc::gen::arbitrary<std::uint8_t>());
    }
    return item;
}

TEST(RlpProperties, ItemTreesRoundTrip) {
    EXPECT_TRUE(rc::check("decode(encode(item)) == item", [] {
        const Item item = random_item(0);
        const Bytes encoded = encode(item);
        const auto decoded = decode(encoded);
        RC_ASSERT(decoded.has_value());
        RC_ASSERT(*decoded == item);
    }));
}

TEST(RlpProperties, AcceptedInputsReEncodeToThemselves) {
    // Canonical decoding: any byte string that decodes is the one encoding of its value.
    EXPECT_TRUE(
        rc::check("encode(decode(bytes)) == bytes", [](const std::vector<std::uint8_t>& raw) {
            const auto decoded = decode(raw);
            if (decoded) RC_ASSERT(encode(*decoded) == raw);
        }));
    // Bias toward structurally plausible inputs: mutate valid encodings.
    EXPECT_TRUE(rc::check("mutated encodings decode canonically or fail", [] {
        Bytes encoded = encode(random_item(0));
        const auto position = *rc::gen::inRange<std::size_t>(0, encoded.size());
        encoded[position] = *rc::gen::arbitrary<std::uint8_t>();
        const auto decoded = decode(encoded);
        if (decoded) RC_ASSERT(encode(*decoded) == encoded);
    }));
    EXPECT_TRUE(rc::check("integers round trip", [](std::uint64_t value) {
        RC_ASSERT(*Decoder{encode_uint(value)}.read_uint64() == value);
        const U256 wide{value, *rc::gen::arbitrary<std::uint64_t>(), 0, value};
        RC_ASSERT(*Decoder{encode_u256(wide)}.read_u256() == wide);
    }));
}

}  // namespace
}  // namespace qtm::rlp
