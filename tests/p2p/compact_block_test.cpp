// Rebuilding a proposed block from its compact form (header + transaction hashes): from a
// pool holding all, some or none of the transactions, the missing ones listed and then
// filled, and every wrong delivery or mismatching body refused with a typed, blamed error.
#include <gtest/gtest.h>

#include <map>

#include "chain/transaction.hpp"
#include "crypto/keccak.hpp"
#include "p2p/wire/compact_block.hpp"
#include "wire_support.hpp"

namespace qtm::p2p {
namespace {

using testing::make_block;
using testing::make_transfer;
using testing::MapLookup;

const std::vector<chain::Transaction>& five_transfers() {
    static const std::vector<chain::Transaction> txs = [] {
        std::vector<chain::Transaction> out;
        for (std::uint64_t nonce = 0; nonce < 5; ++nonce)
            out.push_back(make_transfer(3, nonce, nonce == 0));
        return out;
    }();
    return txs;
}

ProposalMessage proposal_of(const chain::Block& block) {
    const chain::Proposal proposal{
        block.header.number, 0, std::nullopt, chain::block_hash(block.header), 1000, 0, Bytes{1}};
    return make_proposal_message(proposal, block);
}

chain::Block five_block() {
    return make_block(7, Hash32{0x05}, five_transfers());
}

// The message the peer sent, through the real codec (what a node actually rebuilds from).
ProposalMessage over_the_wire(const ProposalMessage& message) {
    auto decoded = decode_proposal_message(encode_proposal_message(message));
    EXPECT_TRUE(decoded) << to_string(decoded.error());
    return *decoded;
}

void expect_same_block(const chain::Block& got, const chain::Block& want) {
    EXPECT_EQ(chain::encode_block(got), chain::encode_block(want));
}

TEST(CompactBlock, PoolWithEveryTransactionRebuildsTheBlock) {
    const chain::Block block = five_block();
    MapLookup pool;
    for (const auto& tx : block.transactions)
        pool.add(tx);
    CompactBlockBuilder builder{over_the_wire(proposal_of(block))};
    EXPECT_FALSE(builder.complete());
    EXPECT_TRUE(builder.fill_from(pool).empty());
    ASSERT_TRUE(builder.complete());
    auto rebuilt = builder.assemble();
    ASSERT_TRUE(rebuilt) << to_string(rebuilt.error());
    expect_same_block(*rebuilt, block);
}

// The node's pool hands over decoded transactions keyed by their own hash: they are taken
// without raw bytes (find_transaction is never asked), also where a hash is repeated.
class DecodedLookup final : public TransactionLookup {
public:
    void add(const chain::Transaction& tx) { by_hash.emplace(chain::transaction_hash(tx), tx); }
    [[nodiscard]] std::optional<Bytes> find_transaction(const Hash32&) const override {
        ++raw_asks;
        return std::nullopt;
    }
    [[nodiscard]] std::optional<chain::Transaction> find_decoded(
        const Hash32& hash) const override {
        const auto found = by_hash.find(hash);
        if (found == by_hash.end()) return std::nullopt;
        return found->second;
    }
    std::map<Hash32, chain::Transaction> by_hash;
    mutable int raw_asks{0};
};

TEST(CompactBlock, DecodedPoolTransactionsRebuildTheBlockWithoutRawBytes) {
    const chain::Transaction repeated = five_transfers()[1];
    const chain::Block block =
        make_block(9, Hash32{0x02}, {five_transfers()[0], repeated, five_transfers()[2], repeated});
    DecodedLookup pool;
    pool.add(five_transfers()[0]);
    pool.add(repeated);
    // Built directly: the wire decoder refuses a repeated hash before a builder sees it.
    CompactBlockBuilder builder{proposal_of(block)};
    // The one the pool lacks is looked up as raw bytes (and stays missing).
    EXPECT_EQ(builder.fill_from(pool),
              std::vector<Hash32>{chain::transaction_hash(five_transfers()[2])});
    EXPECT_EQ(pool.raw_asks, 1);
    ASSERT_TRUE(builder.add_transaction(chain::encode(five_transfers()[2])));
    ASSERT_TRUE(builder.complete());
    auto rebuilt = builder.assemble();
    ASSERT_TRUE(rebuilt) << to_string(rebuilt.error());
    expect_same_block(*rebuilt, block);
}

TEST(CompactBlock, SomeMissingAreListedInBlockOrderThenFilled) {
    const chain::Block block = five_block();
    MapLookup pool;
    pool.add(block.transactions[1]);
    pool.add(block.transactions[3]);
    pool.add(make_transfer(4, 0));  // unrelated pool content is ignored
    CompactBlockBuilder builder{over_the_wire(proposal_of(block))};
    const std::vector<Hash32> missing = builder.fill_from(pool);
    const std::vector<Hash32> want{chain::transaction_hash(block.transactions[0]),
                                   chain::transaction_hash(block.transactions[2]),
                                   chain::transaction_hash(block.transactions[4])};
    EXPECT_EQ(missing, want);
    EXPECT_EQ(builder.missing(), want);
    // Delivered out of order, as a peer may answer.
    for (const std::size_t i : {4u, 0u}) {
        ASSERT_TRUE(builder.add_transaction(chain::encode(block.transactions[i])));
        EXPECT_FALSE(builder.complete());
    }
    EXPECT_EQ(builder.missing(), (std::vector<Hash32>{want[1]}));
    ASSERT_TRUE(builder.add_transaction(chain::encode(block.transactions[2])));
    ASSERT_TRUE(builder.complete());
    EXPECT_TRUE(builder.missing().empty());
    auto rebuilt = builder.assemble();
    ASSERT_TRUE(rebuilt) << to_string(rebuilt.error());
    expect_same_block(*rebuilt, block);
}

TEST(CompactBlock, EmptyPoolNeedsEveryTransaction) {
    const chain::Block block = five_block();
    CompactBlockBuilder builder{proposal_of(block)};
    const std::vector<Hash32> missing = builder.fill_from(MapLookup{});
    ASSERT_EQ(missing.size(), 5u);
    for (std::size_t i = 0; i < 5; ++i)
        EXPECT_EQ(missing[i], chain::transaction_hash(block.transactions[i]));
    for (const auto& tx : block.transactions)
        ASSERT_TRUE(builder.add_transaction(chain::encode(tx)));
    auto rebuilt = builder.assemble();
    ASSERT_TRUE(rebuilt) << to_string(rebuilt.error());
    expect_same_block(*rebuilt, block);
}

TEST(CompactBlock, EmptyBlockIsCompleteAtOnce) {
    const chain::Block block = make_block(2, Hash32{0x01}, {});
    CompactBlockBuilder builder{proposal_of(block)};
    EXPECT_TRUE(builder.complete());
    EXPECT_TRUE(builder.fill_from(MapLookup{}).empty());
    auto rebuilt = builder.assemble();
    ASSERT_TRUE(rebuilt);
    expect_same_block(*rebuilt, block);
}

TEST(CompactBlock, PoolEntryThatDoesNotMatchItsHashStaysMissing) {
    const chain::Block block = five_block();
    MapLookup pool;
    for (const auto& tx : block.transactions)
        pool.add(tx);
    // A corrupt pool entry under the hash of transaction 2: it is not trusted.
    pool.transactions[chain::transaction_hash(block.transactions[2])] =
        chain::encode(make_transfer(4, 1));
    CompactBlockBuilder builder{proposal_of(block)};
    EXPECT_EQ(builder.fill_from(pool),
              (std::vector<Hash32>{chain::transaction_hash(block.transactions[2])}));
}

TEST(CompactBlock, WrongTransactionIsUnrequestedAndBlamed) {
    const chain::Block block = five_block();
    CompactBlockBuilder builder{proposal_of(block)};
    (void)builder.fill_from(MapLookup{});
    // A valid transaction whose hash is not in the proposal.
    auto wrong = builder.add_transaction(chain::encode(make_transfer(4, 0)));
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error(), WireError::kUnrequested);
    EXPECT_TRUE(peer_is_to_blame(wrong.error()));
    EXPECT_EQ(offence_of(wrong.error()), Offence::kUnrequestedMessage);
    // A flipped byte changes the hash: the same refusal, and nothing was filled.
    Bytes tampered = chain::encode(block.transactions[0]);
    tampered[tampered.size() / 2] ^= 0x01;
    EXPECT_EQ(builder.add_transaction(tampered).error(), WireError::kUnrequested);
    EXPECT_EQ(builder.missing().size(), 5u);
}

TEST(CompactBlock, UndecodableTransactionWithAListedHashIsBadTransaction) {
    // A proposal whose hash list names bytes that are not a transaction: the proposer
    // (or the peer delivering them) sent garbage that hashes to the listed hash.
    const Bytes garbage{0x02, 0xc1, 0x80};
    chain::Block block = make_block(3, Hash32{0x01}, {});
    ProposalMessage message = proposal_of(block);
    message.transaction_hashes = {crypto::keccak256(garbage)};
    CompactBlockBuilder builder{message};
    auto added = builder.add_transaction(garbage);
    ASSERT_FALSE(added);
    EXPECT_EQ(added.error(), WireError::kBadTransaction);
    EXPECT_TRUE(peer_is_to_blame(added.error()));
    EXPECT_FALSE(builder.complete());
}

TEST(CompactBlock, DuplicateDeliveryIsUnrequested) {
    const chain::Block block = five_block();
    CompactBlockBuilder builder{proposal_of(block)};
    const Bytes first = chain::encode(block.transactions[0]);
    ASSERT_TRUE(builder.add_transaction(first));
    auto again = builder.add_transaction(first);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error(), WireError::kUnrequested);
    EXPECT_EQ(builder.missing().size(), 4u);
}

TEST(CompactBlock, DuplicateHashInTheProposalIsListedOnceAndFilledOnce) {
    // The same transaction twice in a block (the executor refuses such a block: the second
    // has a used nonce); the builder asks for it once and places it at both positions.
    const chain::Transaction tx = five_transfers()[1];
    const chain::Block block = make_block(4, Hash32{0x01}, {tx, five_transfers()[2], tx});
    CompactBlockBuilder builder{proposal_of(block)};
    const std::vector<Hash32> missing = builder.fill_from(MapLookup{});
    EXPECT_EQ(missing, (std::vector<Hash32>{chain::transaction_hash(tx),
                                            chain::transaction_hash(five_transfers()[2])}));
    ASSERT_TRUE(builder.add_transaction(chain::encode(tx)));
    EXPECT_EQ(builder.missing().size(), 1u);
    EXPECT_EQ(builder.add_transaction(chain::encode(tx)).error(), WireError::kUnrequested);
    ASSERT_TRUE(builder.add_transaction(chain::encode(five_transfers()[2])));
    auto rebuilt = builder.assemble();
    ASSERT_TRUE(rebuilt) << to_string(rebuilt.error());
    expect_same_block(*rebuilt, block);
}

TEST(CompactBlock, TooManyHashesIsRefusedByTheDecoder) {
    ProposalMessage message = proposal_of(make_block(5, Hash32{0x01}, {}));
    message.transaction_hashes.clear();
    for (std::size_t i = 0; i < kMaxCompactTransactions; ++i) {
        Hash32 hash = testing::filled(0x33);
        hash[0] = static_cast<std::uint8_t>(i >> 8);
        hash[1] = static_cast<std::uint8_t>(i);
        message.transaction_hashes.push_back(hash);  // distinct: a block holds each once
    }
    auto at_limit = decode_proposal_message(encode_proposal_message(message));
    ASSERT_TRUE(at_limit) << to_string(at_limit.error());
    message.transaction_hashes.push_back(testing::filled(0x34));
    auto over = decode_proposal_message(encode_proposal_message(message));
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error(), WireError::kTooManyItems);
    EXPECT_TRUE(peer_is_to_blame(over.error()));
    EXPECT_EQ(offence_of(over.error()), Offence::kInvalidMessage);
}

TEST(CompactBlock, BodyNotMatchingTheHeaderRootBlamesTheProposer) {
    // The proposer signs a header whose transactions root is of five transactions, but its
    // hash list leaves one out (and swaps two): the rebuilt body does not match.
    const chain::Block block = five_block();
    for (const bool swap : {false, true}) {
        ProposalMessage message = proposal_of(block);
        if (swap) {
            std::swap(message.transaction_hashes[0], message.transaction_hashes[1]);
        } else {
            message.transaction_hashes.pop_back();
        }
        CompactBlockBuilder builder{over_the_wire(message)};
        MapLookup pool;
        for (const auto& tx : block.transactions)
            pool.add(tx);
        EXPECT_TRUE(builder.fill_from(pool).empty());
        auto rebuilt = builder.assemble();
        ASSERT_FALSE(rebuilt);
        EXPECT_EQ(rebuilt.error(), WireError::kTransactionsRootMismatch);
        EXPECT_TRUE(peer_is_to_blame(rebuilt.error()));
    }
}

TEST(CompactBlock, EvidenceNotMatchingTheHeaderRootBlamesTheProposer) {
    const chain::Block block = five_block();
    ProposalMessage message = proposal_of(block);
    const chain::Vote a{chain::VoteType::kPrecommit, 5, 1, Hash32{0xaa}, 2, Bytes{1}};
    const chain::Vote b{chain::VoteType::kPrecommit, 5, 1, Hash32{0xbb}, 2, Bytes{2}};
    auto evidence = chain::make_evidence(a, b);
    ASSERT_TRUE(evidence);
    message.evidence = {*evidence};  // the header's evidence root is of no evidence
    CompactBlockBuilder builder{message};
    MapLookup pool;
    for (const auto& tx : block.transactions)
        pool.add(tx);
    EXPECT_TRUE(builder.fill_from(pool).empty());
    auto rebuilt = builder.assemble();
    ASSERT_FALSE(rebuilt);
    EXPECT_EQ(rebuilt.error(), WireError::kEvidenceRootMismatch);
    EXPECT_TRUE(peer_is_to_blame(rebuilt.error()));
}

TEST(CompactBlock, AssembleBeforeCompleteIsAProgrammingError) {
    CompactBlockBuilder builder{proposal_of(five_block())};
    EXPECT_THROW((void)builder.assemble(), std::logic_error);
}

}  // namespace
}  // namespace qtm::p2p
