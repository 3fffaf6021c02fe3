// Transactions channel messages (eth/68 announce, request, response): round trips, golden
// bytes, limits, and every malformed payload refused with a typed, blamed error.
#include <gtest/gtest.h>

#include "base/hex.hpp"
#include "codec/rlp.hpp"
#include "p2p/wire/transaction_messages.hpp"
#include "wire_support.hpp"

namespace qtm::p2p {
namespace {

const std::string kHash11 = "1111111111111111111111111111111111111111111111111111111111111111";

Result<TransactionsMessage, WireError> decode(const ChannelMessage& m) {
    EXPECT_EQ(m.channel, Channel::kTransactions);
    return decode_transactions_message(m.type, m.payload);
}

TEST(WireTransactions, AnnouncementGoldenBytesAndRoundTrip) {
    const NewPooledTransactionHashes m{Bytes{0x51}, {3000}, {testing::filled(0x11)}};
    const ChannelMessage encoded = encode_transactions_message(m);
    EXPECT_EQ(encoded.type, 0);
    EXPECT_EQ(to_hex(encoded.payload, false), "e751c3820bb8e1a0" + kHash11);
    EXPECT_EQ(std::get<NewPooledTransactionHashes>(*decode(encoded)), m);
}

TEST(WireTransactions, RequestGoldenBytesAndRoundTrip) {
    const GetPooledTransactions m{7, {testing::filled(0x11)}};
    const ChannelMessage encoded = encode_transactions_message(m);
    EXPECT_EQ(encoded.type, 1);
    EXPECT_EQ(to_hex(encoded.payload, false), "e307e1a0" + kHash11);
    EXPECT_EQ(std::get<GetPooledTransactions>(*decode(encoded)), m);
}

TEST(WireTransactions, PooledTransactionsGoldenBytesAndRoundTrip) {
    const Bytes tx = chain::encode(testing::make_transfer(1, 0, /*include_key=*/true));
    ASSERT_GT(tx.size(), 5000u);  // key and signature: 1,952 + 3,309 bytes
    ASSERT_LT(tx.size(), 0xffffu);
    const PooledTransactions m{7, {tx}};
    const ChannelMessage encoded = encode_transactions_message(m);
    EXPECT_EQ(encoded.type, 2);
    // f9 LL LL | 07 | f9 LL LL | b9 LL LL | tx
    const std::size_t string = 3 + tx.size();
    const std::size_t inner = 1 + 3 + string;
    Bytes expected{0xf9,
                   static_cast<std::uint8_t>(inner >> 8),
                   static_cast<std::uint8_t>(inner),
                   0x07,
                   0xf9,
                   static_cast<std::uint8_t>(string >> 8),
                   static_cast<std::uint8_t>(string),
                   0xb9,
                   static_cast<std::uint8_t>(tx.size() >> 8),
                   static_cast<std::uint8_t>(tx.size())};
    expected.insert(expected.end(), tx.begin(), tx.end());
    EXPECT_EQ(encoded.payload, expected);
    EXPECT_EQ(std::get<PooledTransactions>(*decode(encoded)), m);
}

TEST(WireTransactions, EveryTruncationIsRefused) {
    const Bytes tx = chain::encode(testing::make_transfer(1, 1));
    for (const ChannelMessage& m :
         {encode_transactions_message(
              NewPooledTransactionHashes{Bytes{0x51, 0x51}, {3000, 3100}, {Hash32{1}, Hash32{2}}}),
          encode_transactions_message(GetPooledTransactions{300, {Hash32{1}, Hash32{2}}}),
          encode_transactions_message(PooledTransactions{300, {tx}})}) {
        for (std::size_t n = 0; n < m.payload.size(); ++n) {
            auto decoded = decode_transactions_message(m.type, ByteView{m.payload}.first(n));
            ASSERT_FALSE(decoded) << "type " << int(m.type) << " prefix " << n;
            EXPECT_EQ(decoded.error(), WireError::kMalformedRlp);
            EXPECT_TRUE(peer_is_to_blame(decoded.error()));
        }
    }
}

TEST(WireTransactions, AnnouncementRules) {
    // Lists of different lengths.
    auto decoded = decode(encode_transactions_message(
        NewPooledTransactionHashes{Bytes{0x51, 0x51}, {3000}, {Hash32{1}, Hash32{2}}}));
    EXPECT_EQ(decoded.error(), WireError::kWrongShape);
    // A size of zero or above the largest transaction.
    decoded = decode(
        encode_transactions_message(NewPooledTransactionHashes{Bytes{0x51}, {0}, {Hash32{1}}}));
    EXPECT_EQ(decoded.error(), WireError::kBadField);
    decoded = decode(encode_transactions_message(NewPooledTransactionHashes{
        Bytes{0x51}, {static_cast<std::uint32_t>(chain::kMaxTransactionSize + 1)}, {Hash32{1}}}));
    EXPECT_EQ(decoded.error(), WireError::kBadField);
    // One hash more than an announcement may carry.
    NewPooledTransactionHashes many;
    many.types.assign(kMaxAnnouncedHashes + 1, 0x51);
    many.sizes.assign(kMaxAnnouncedHashes + 1, 100);
    many.hashes.assign(kMaxAnnouncedHashes + 1, Hash32{5});
    EXPECT_EQ(decode(encode_transactions_message(many)).error(), WireError::kTooManyItems);
    many.types.pop_back();
    many.sizes.pop_back();
    many.hashes.pop_back();
    EXPECT_TRUE(decode(encode_transactions_message(many)));
    // Over the byte bound.
    EXPECT_EQ(decode_transactions_message(0, Bytes(kMaxAnnouncementBytes + 1, 0)).error(),
              WireError::kOversized);
    // A hash of 33 bytes.
    Bytes payload;
    rlp::append_string(payload, Bytes{0x51});
    rlp::append_list(payload, rlp::encode_uint(3000));
    rlp::append_list(payload, rlp::encode_string(Bytes(33, 1)));
    EXPECT_EQ(decode_transactions_message(0, rlp::encode_list(payload)).error(),
              WireError::kBadField);
}

TEST(WireTransactions, RequestAndResponseLimits) {
    GetPooledTransactions request{1, std::vector<Hash32>(kMaxRequestedTransactions, Hash32{1})};
    EXPECT_TRUE(decode(encode_transactions_message(request)));
    request.hashes.push_back(Hash32{2});
    EXPECT_EQ(decode(encode_transactions_message(request)).error(), WireError::kOversized);

    const Bytes tx = chain::encode(testing::make_transfer(1, 1));
    PooledTransactions response{1, std::vector<Bytes>(kMaxRequestedTransactions, tx)};
    EXPECT_TRUE(decode(encode_transactions_message(response)));
    response.transactions.push_back(tx);
    EXPECT_EQ(decode(encode_transactions_message(response)).error(), WireError::kTooManyItems);
    EXPECT_EQ(decode_transactions_message(2, Bytes(kMaxPooledTransactionsBytes + 1, 0)).error(),
              WireError::kOversized);

    // A transaction that does not decode, and a non-canonical request id.
    EXPECT_EQ(
        decode(encode_transactions_message(PooledTransactions{1, {Bytes{0x02, 0xc0}}})).error(),
        WireError::kBadTransaction);
    EXPECT_EQ(decode_transactions_message(1, *from_hex("0xc400820001c0")).error(),
              WireError::kMalformedRlp);
    EXPECT_EQ(decode_transactions_message(1, *from_hex("0xc3810501c0")).error(),
              WireError::kMalformedRlp);
    // A string where the hash list belongs.
    EXPECT_EQ(decode_transactions_message(1, *from_hex("0xc20180")).error(),
              WireError::kWrongShape);
    EXPECT_EQ(decode_transactions_message(7, Bytes{0xc0}).error(), WireError::kUnknownType);
}

}  // namespace
}  // namespace qtm::p2p
