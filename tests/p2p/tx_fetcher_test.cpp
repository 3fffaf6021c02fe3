// eth/68-style transaction fetching (TxFetcher): announce -> request -> response with the
// time passed in. Only unknown hashes are requested, each from one peer at a time; a
// timeout or a disconnect moves the hash to the next announcer; the per-announcement,
// per-request and byte limits hold; unrequested or mismatching deliveries blame the peer.
#include <gtest/gtest.h>

#include <set>

#include "chain/transaction.hpp"
#include "crypto/keccak.hpp"
#include "p2p/wire/tx_fetcher.hpp"
#include "wire_support.hpp"

namespace qtm::p2p {
namespace {

using testing::peer_id;

const NodeId kA = peer_id(1);
const NodeId kB = peer_id(2);
const NodeId kC = peer_id(3);

// Four real signed transfers, encoded.
const std::vector<Bytes>& raw_transactions() {
    static const std::vector<Bytes> raws = [] {
        std::vector<Bytes> out;
        for (std::uint64_t nonce = 0; nonce < 4; ++nonce)
            out.push_back(chain::encode(testing::make_transfer(5, nonce, nonce == 0)));
        return out;
    }();
    return raws;
}

Hash32 hash_of(const Bytes& raw) {
    return crypto::keccak256(raw);
}

NewPooledTransactionHashes announce(const std::vector<Bytes>& raws) {
    NewPooledTransactionHashes a;
    for (const Bytes& raw : raws) {
        a.types.push_back(raw[0]);
        a.sizes.push_back(static_cast<std::uint32_t>(raw.size()));
        a.hashes.push_back(hash_of(raw));
    }
    return a;
}

// `n` made-up hashes 0..n-1 of `size` bytes each (for the limits; never delivered).
NewPooledTransactionHashes announce_fake(std::size_t n, std::uint32_t size = 3000,
                                         std::size_t offset = 0) {
    NewPooledTransactionHashes a;
    for (std::size_t i = offset; i < offset + n; ++i) {
        Hash32 hash{};
        hash[0] = 0xfe;
        hash[30] = static_cast<std::uint8_t>(i >> 8);
        hash[31] = static_cast<std::uint8_t>(i);
        a.types.push_back(0x02);
        a.sizes.push_back(size);
        a.hashes.push_back(hash);
    }
    return a;
}

const TxFetcher::Known kNothingKnown = [](const Hash32&) { return false; };

std::set<Hash32> hashes_of(const TxFetchRequest& r) {
    return {r.request.hashes.begin(), r.request.hashes.end()};
}

TEST(TxFetcher, RequestsOnlyUnknownHashes) {
    TxFetcher fetcher;
    const auto& raws = raw_transactions();
    const Hash32 known = hash_of(raws[1]);
    fetcher.on_announcement(
        kA, announce(raws), [&](const Hash32& h) { return h == known; }, 0);
    EXPECT_EQ(fetcher.tracked(), 3u);
    auto requests = fetcher.schedule(0);
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].peer, kA);
    EXPECT_EQ(hashes_of(requests[0]),
              (std::set<Hash32>{hash_of(raws[0]), hash_of(raws[2]), hash_of(raws[3])}));
    EXPECT_EQ(fetcher.in_flight(kA), 3u);
}

TEST(TxFetcher, DeliveryGoesToThePoolAndClearsTheEntries) {
    TxFetcher fetcher;
    const auto& raws = raw_transactions();
    fetcher.on_announcement(kA, announce(raws), kNothingKnown, 0);
    auto requests = fetcher.schedule(0);
    ASSERT_EQ(requests.size(), 1u);
    // Answered in a different order than asked.
    PooledTransactions response{requests[0].request.request_id,
                                {raws[3], raws[0], raws[2], raws[1]}};
    const TxFetchResult result = fetcher.on_response(kA, response, 10);
    EXPECT_TRUE(result.blames.empty());
    EXPECT_EQ(result.transactions.size(), 4u);
    EXPECT_EQ(fetcher.tracked(), 0u);
    EXPECT_EQ(fetcher.requests_in_flight(), 0u);
    EXPECT_EQ(fetcher.in_flight(kA), 0u);
    EXPECT_TRUE(fetcher.schedule(20).empty());
    // The same answer again is for a finished request.
    const TxFetchResult again = fetcher.on_response(kA, response, 30);
    EXPECT_TRUE(again.transactions.empty());
    ASSERT_EQ(again.blames.size(), 1u);
    EXPECT_EQ(again.blames[0].error, WireError::kUnrequested);
}

TEST(TxFetcher, AtMostOneRequestInFlightPerHash) {
    TxFetcher fetcher;
    const auto& raws = raw_transactions();
    fetcher.on_announcement(kA, announce(raws), kNothingKnown, 0);
    fetcher.on_announcement(kB, announce(raws), kNothingKnown, 0);
    fetcher.on_announcement(kA, announce(raws), kNothingKnown, 0);  // repeated: no effect
    auto requests = fetcher.schedule(0);
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].peer, kA);  // the first announcer
    EXPECT_EQ(requests[0].request.hashes.size(), 4u);
    EXPECT_EQ(fetcher.in_flight(kB), 0u);
    EXPECT_TRUE(fetcher.schedule(1).empty());
    EXPECT_TRUE(fetcher.schedule(2).empty());
    EXPECT_EQ(fetcher.requests_in_flight(), 1u);
}

TEST(TxFetcher, TimeoutBlamesThePeerAndReasksAnotherAnnouncer) {
    TxFetchConfig config;
    config.request_timeout_ms = 5000;
    TxFetcher fetcher{config};
    const auto& raws = raw_transactions();
    fetcher.on_announcement(kA, announce(raws), kNothingKnown, 1000);
    fetcher.on_announcement(kB, announce(raws), kNothingKnown, 1000);
    auto first = fetcher.schedule(1000);
    ASSERT_EQ(first.size(), 1u);
    ASSERT_EQ(first[0].peer, kA);
    EXPECT_TRUE(fetcher.on_tick(5999).empty());  // not yet
    EXPECT_TRUE(fetcher.schedule(5999).empty());
    const auto blames = fetcher.on_tick(6000);
    ASSERT_EQ(blames.size(), 1u);
    EXPECT_EQ(blames[0].peer, kA);
    EXPECT_EQ(blames[0].error, WireError::kTimeout);
    EXPECT_EQ(offence_of(blames[0].error), Offence::kTimeout);
    EXPECT_EQ(fetcher.in_flight(kA), 0u);
    auto second = fetcher.schedule(6000);
    ASSERT_EQ(second.size(), 1u);
    EXPECT_EQ(second[0].peer, kB);
    EXPECT_EQ(hashes_of(second[0]), hashes_of(first[0]));
    EXPECT_NE(second[0].request.request_id, first[0].request.request_id);
    // A's late answer is for a request that no longer exists.
    const auto late =
        fetcher.on_response(kA, PooledTransactions{first[0].request.request_id, raws}, 6001);
    EXPECT_TRUE(late.transactions.empty());
    ASSERT_EQ(late.blames.size(), 1u);
    EXPECT_EQ(late.blames[0].error, WireError::kUnrequested);
    // B answers: delivered.
    const auto answered =
        fetcher.on_response(kB, PooledTransactions{second[0].request.request_id, raws}, 6002);
    EXPECT_TRUE(answered.blames.empty());
    EXPECT_EQ(answered.transactions.size(), 4u);
    EXPECT_EQ(fetcher.tracked(), 0u);
}

TEST(TxFetcher, TimeoutWithNoOtherAnnouncerForgetsTheHash) {
    TxFetcher fetcher;
    fetcher.on_announcement(kA, announce({raw_transactions()[0]}), kNothingKnown, 0);
    ASSERT_EQ(fetcher.schedule(0).size(), 1u);
    ASSERT_EQ(fetcher.on_tick(TxFetchConfig{}.request_timeout_ms).size(), 1u);
    EXPECT_EQ(fetcher.tracked(), 0u);
    EXPECT_TRUE(fetcher.schedule(10'000).empty());
}

TEST(TxFetcher, LeftOutTransactionGoesToTheNextAnnouncerUnblamed) {
    TxFetcher fetcher;
    const auto& raws = raw_transactions();
    fetcher.on_announcement(kA, announce(raws), kNothingKnown, 0);
    fetcher.on_announcement(kB, announce({raws[2]}), kNothingKnown, 0);
    auto requests = fetcher.schedule(0);
    ASSERT_EQ(requests.size(), 1u);
    const auto result = fetcher.on_response(
        kA, PooledTransactions{requests[0].request.request_id, {raws[0], raws[1], raws[3]}}, 5);
    EXPECT_TRUE(result.blames.empty());  // it no longer has raws[2]: not its fault
    EXPECT_EQ(result.transactions.size(), 3u);
    auto next = fetcher.schedule(5);
    ASSERT_EQ(next.size(), 1u);
    EXPECT_EQ(next[0].peer, kB);
    EXPECT_EQ(next[0].request.hashes, (std::vector<Hash32>{hash_of(raws[2])}));
}

TEST(TxFetcher, UnrequestedResponsesAndItemsBlameThePeer) {
    TxFetcher fetcher;
    const auto& raws = raw_transactions();
    fetcher.on_announcement(kA, announce({raws[0], raws[1]}), kNothingKnown, 0);
    auto requests = fetcher.schedule(0);
    ASSERT_EQ(requests.size(), 1u);
    const std::uint64_t id = requests[0].request.request_id;

    // An id nobody used, and A's id answered by C.
    for (const auto& [peer, rid] : {std::pair{kA, id + 100}, std::pair{kC, id}}) {
        const auto r = fetcher.on_response(peer, PooledTransactions{rid, {raws[0]}}, 1);
        EXPECT_TRUE(r.transactions.empty());
        ASSERT_EQ(r.blames.size(), 1u);
        EXPECT_EQ(r.blames[0].peer, peer);
        EXPECT_EQ(r.blames[0].error, WireError::kUnrequested);
        EXPECT_EQ(offence_of(r.blames[0].error), Offence::kUnrequestedMessage);
    }
    EXPECT_EQ(fetcher.requests_in_flight(), 1u);  // A's request is untouched

    // A answers with one asked-for transaction, one never asked for, and a duplicate.
    const auto r = fetcher.on_response(kA, PooledTransactions{id, {raws[0], raws[3], raws[0]}}, 2);
    EXPECT_EQ(r.transactions, (std::vector<Bytes>{raws[0]}));
    ASSERT_EQ(r.blames.size(), 2u);
    for (const auto& blame : r.blames) {
        EXPECT_EQ(blame.peer, kA);
        EXPECT_EQ(blame.error, WireError::kUnrequested);
    }
}

TEST(TxFetcher, DeliveryDifferingFromTheAnnouncementBlamesThePeer) {
    TxFetcher fetcher;
    const auto& raws = raw_transactions();
    NewPooledTransactionHashes lying = announce({raws[0], raws[1]});
    lying.sizes[0] += 1;    // wrong size
    lying.types[1] = 0x01;  // wrong type
    fetcher.on_announcement(kA, lying, kNothingKnown, 0);
    fetcher.on_announcement(kB, announce({raws[0], raws[1]}), kNothingKnown, 0);
    auto requests = fetcher.schedule(0);
    ASSERT_EQ(requests.size(), 1u);
    ASSERT_EQ(requests[0].peer, kA);
    const auto r = fetcher.on_response(
        kA, PooledTransactions{requests[0].request.request_id, {raws[0], raws[1]}}, 1);
    EXPECT_TRUE(r.transactions.empty());
    ASSERT_EQ(r.blames.size(), 2u);
    for (const auto& blame : r.blames) {
        EXPECT_EQ(blame.peer, kA);
        EXPECT_EQ(blame.error, WireError::kAnnouncementMismatch);
        EXPECT_TRUE(peer_is_to_blame(blame.error));
    }
    // The honest announcer is asked next and its delivery is accepted.
    auto next = fetcher.schedule(2);
    ASSERT_EQ(next.size(), 1u);
    EXPECT_EQ(next[0].peer, kB);
    const auto good = fetcher.on_response(
        kB, PooledTransactions{next[0].request.request_id, {raws[0], raws[1]}}, 3);
    EXPECT_TRUE(good.blames.empty());
    EXPECT_EQ(good.transactions.size(), 2u);
}

TEST(TxFetcher, HashesPerRequestAreLimitedAndSpreadOverAnnouncers) {
    TxFetcher fetcher;
    fetcher.on_announcement(kA, announce_fake(300), kNothingKnown, 0);
    fetcher.on_announcement(kB, announce_fake(300), kNothingKnown, 0);
    auto requests = fetcher.schedule(0);
    ASSERT_EQ(requests.size(), 2u);
    std::set<Hash32> all;
    for (const auto& r : requests) {
        EXPECT_LE(r.request.hashes.size(), kMaxRequestedTransactions);
        for (const Hash32& h : r.request.hashes)
            EXPECT_TRUE(all.insert(h).second) << "a hash requested twice";
    }
    EXPECT_EQ(requests[0].peer, kA);
    EXPECT_EQ(requests[0].request.hashes.size(), kMaxRequestedTransactions);
    EXPECT_EQ(requests[1].peer, kB);
    EXPECT_EQ(requests[1].request.hashes.size(), 300 - kMaxRequestedTransactions);
    // Every request encodes within the wire limit.
    for (const auto& r : requests) {
        EXPECT_LE(encode_transactions_message(r.request).payload.size(), kMaxGetPooledBytes);
    }
}

TEST(TxFetcher, InFlightPerPeerIsLimited) {
    TxFetchConfig config;
    config.max_hashes_per_request = 4;
    config.max_in_flight_per_peer = 6;
    TxFetcher fetcher{config};
    fetcher.on_announcement(kA, announce_fake(10), kNothingKnown, 0);
    auto first = fetcher.schedule(0);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0].request.hashes.size(), 4u);
    auto second = fetcher.schedule(1);
    ASSERT_EQ(second.size(), 1u);
    EXPECT_EQ(second[0].request.hashes.size(), 2u);  // 6 in flight now
    EXPECT_TRUE(fetcher.schedule(2).empty());
    EXPECT_EQ(fetcher.in_flight(kA), 6u);
}

TEST(TxFetcher, AnnouncedBytesPerRequestAreLimited) {
    TxFetchConfig config;
    config.max_bytes_per_request = 10'000;
    TxFetcher fetcher{config};
    fetcher.on_announcement(kA, announce_fake(5, 3000), kNothingKnown, 0);
    auto first = fetcher.schedule(0);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0].request.hashes.size(), 3u);  // 9,000 bytes; a fourth would pass 10,000
    auto second = fetcher.schedule(1);
    ASSERT_EQ(second.size(), 1u);
    EXPECT_EQ(second[0].request.hashes.size(), 2u);
    // A transaction above the limit is still fetched, alone.
    fetcher.on_announcement(kB, announce_fake(2, 20'000, 100), kNothingKnown, 2);
    auto big = fetcher.schedule(2);
    ASSERT_EQ(big.size(), 1u);
    EXPECT_EQ(big[0].peer, kB);
    EXPECT_EQ(big[0].request.hashes.size(), 1u);
}

TEST(TxFetcher, DefaultByteLimitKeepsTheAnswerWithinTheChannel) {
    // 256 announced transactions of the largest size would not fit one answer.
    TxFetcher fetcher;
    fetcher.on_announcement(
        kA, announce_fake(kMaxRequestedTransactions, chain::kMaxTransactionSize), kNothingKnown, 0);
    auto requests = fetcher.schedule(0);
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_LE(requests[0].request.hashes.size() * chain::kMaxTransactionSize,
              kMaxPooledTransactionsBytes);
}

TEST(TxFetcher, AnnouncementsPerPeerAndInAllAreBounded) {
    TxFetchConfig config;
    config.max_announced_per_peer = 10;
    config.max_tracked = 25;
    TxFetcher fetcher{config};
    fetcher.on_announcement(kA, announce_fake(15), kNothingKnown, 0);
    EXPECT_EQ(fetcher.tracked(), 10u);
    fetcher.on_announcement(kA, announce_fake(15, 3000, 15), kNothingKnown, 0);
    EXPECT_EQ(fetcher.tracked(), 10u);  // A is at its limit
    fetcher.on_announcement(kB, announce_fake(10, 3000, 40), kNothingKnown, 0);
    EXPECT_EQ(fetcher.tracked(), 20u);
    fetcher.on_announcement(kC, announce_fake(10, 3000, 60), kNothingKnown, 0);
    EXPECT_EQ(fetcher.tracked(), 25u);  // the global bound
    // A peer at its limit may still be a second announcer of nothing new: its count is full.
    fetcher.on_announcement(kA, announce_fake(10, 3000, 40), kNothingKnown, 0);
    EXPECT_EQ(fetcher.tracked(), 25u);
}

TEST(TxFetcher, DisconnectMidRequestReasksAnotherAnnouncer) {
    TxFetcher fetcher;
    const auto& raws = raw_transactions();
    fetcher.on_announcement(kA, announce(raws), kNothingKnown, 0);
    fetcher.on_announcement(kB, announce(raws), kNothingKnown, 0);
    auto first = fetcher.schedule(0);
    ASSERT_EQ(first.size(), 1u);
    ASSERT_EQ(first[0].peer, kA);
    fetcher.on_peer_disconnected(kA);
    EXPECT_EQ(fetcher.requests_in_flight(), 0u);
    EXPECT_EQ(fetcher.in_flight(kA), 0u);
    auto second = fetcher.schedule(1);
    ASSERT_EQ(second.size(), 1u);
    EXPECT_EQ(second[0].peer, kB);
    EXPECT_EQ(second[0].request.hashes.size(), 4u);
    fetcher.on_peer_disconnected(kB);
    EXPECT_EQ(fetcher.tracked(), 0u);  // nobody offers them any more
}

}  // namespace
}  // namespace qtm::p2p
