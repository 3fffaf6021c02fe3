#include "chain/executor.hpp"

#include <gtest/gtest.h>

#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"
#include "node/head_state.hpp"
#include "state/world_state.hpp"
#include "storage/chain_store.hpp"

namespace qtm::chain {
namespace {

const AccountKey& key(std::uint32_t index) {
    static const std::vector<AccountKey> keys = [] {
        std::vector<AccountKey> out;
        for (std::uint32_t i = 0; i < 3; ++i) {
            out.emplace_back(crypto::SignatureScheme::kMlDsa44, dev_account_seed(i));
        }
        return out;
    }();
    return keys.at(index);
}

Address proposer() {
    Address address{};
    address.fill(0x77);
    return address;
}

class ExecutorTest : public ::testing::Test {
protected:
    void SetUp() override {
        spec_ = *builtin_chain_spec("dev");
        db_ = storage::make_memory_database();
        storage::WriteBatch batch;
        auto genesis = build_genesis(spec_, *db_, batch);
        ASSERT_TRUE(genesis.has_value());
        ASSERT_TRUE(db_->write(batch, false).has_value());
        genesis_ = genesis->block.header;
    }

    Transaction transfer(std::uint32_t from, std::uint64_t nonce, const Address& to,
                         std::uint64_t value, bool include_key) const {
        Transaction tx;
        tx.chain_id = spec_.chain_id;
        tx.nonce = nonce;
        tx.max_priority_fee_per_gas = U256{2'000'000'000};
        tx.max_fee_per_gas = U256{50'000'000'000};
        tx.gas_limit = 100'000;
        tx.to = to;
        tx.value = U256{value};
        sign_transaction(tx, key(from), include_key);
        return tx;
    }

    U256 balance(const Address& address) const {
        return node::HeadStateReader{*db_}.balance(address);
    }

    // Block 1 with two transfers to 0xb0..b0, the first carrying the sender's key.
    [[nodiscard]] Result<ExecutedBlock, BlockError> build_two_transfers() {
        Address bob{};
        bob.fill(0xb0);
        BlockExecutor builder{spec_, *db_};
        const std::vector<Transaction> txs = {transfer(0, 0, bob, 7, true),
                                              transfer(0, 1, bob, 8, false)};
        return builder.build(genesis_, genesis_.timestamp + 2, proposer(), txs, nullptr);
    }

    // A second node with only the genesis: what validates a block built on db_.
    [[nodiscard]] std::unique_ptr<storage::Database> genesis_replica() const {
        auto replica = storage::make_memory_database();
        storage::WriteBatch batch;
        EXPECT_TRUE(build_genesis(spec_, *replica, batch).has_value());
        EXPECT_TRUE(replica->write(batch, false).has_value());
        return replica;
    }

    ChainSpec spec_;
    std::unique_ptr<storage::Database> db_;
    Header genesis_;
};

TEST_F(ExecutorTest, TransferPaysFeesBurnsBaseFeeAndMintsTheReward) {
    Address bob{};
    bob.fill(0xb0);
    const U256 alice_before = balance(key(0).address());
    BlockExecutor executor{spec_, *db_};
    std::vector<Rejection> rejected;
    const std::vector<Transaction> txs = {transfer(0, 0, bob, 1000, true)};
    auto block = executor.build(genesis_, genesis_.timestamp + 2, proposer(), txs, &rejected);
    ASSERT_TRUE(block.has_value()) << block.error().message;
    EXPECT_TRUE(rejected.empty());
    ASSERT_TRUE(db_->write(block->batch, true).has_value());

    const Header& header = block->block.header;
    const std::uint64_t gas = 21000 + 4500 + 20000 + 16 * 1312;
    EXPECT_EQ(header.gas_used, gas);
    EXPECT_EQ(block->receipts.at(0).cumulative_gas_used, gas);
    EXPECT_TRUE(block->receipts.at(0).success);
    EXPECT_EQ(header.base_fee, next_base_fee(spec_, genesis_));
    const U256 price = header.base_fee + U256{2'000'000'000};
    EXPECT_EQ(block->results.at(0).effective_gas_price, price);
    EXPECT_EQ(balance(bob), U256{1000});
    EXPECT_EQ(balance(key(0).address()), alice_before - U256{1000} - price * U256{gas});
    EXPECT_EQ(balance(proposer()), U256{2'000'000'000} * U256{gas} + spec_.block_reward);
    // The key is registered: the next transaction may omit it.
    auto registered = node::HeadStateReader{*db_}.registered_key(key(0).address());
    ASSERT_TRUE(registered.has_value());
    EXPECT_EQ(registered->public_key, key(0).public_key());

    // The block and its pointers are in the same batch.
    const storage::ChainStore store{*db_};
    EXPECT_EQ(**store.head(), block->hash);
    EXPECT_EQ(**store.canonical_hash(1), block->hash);
    EXPECT_EQ((*store.txn_location(block->results[0].hash))->block_number, 1U);

    // Total supply: genesis + reward - burned base fee.
    U256 total =
        balance(bob) + balance(key(0).address()) + balance(proposer()) + balance(staking_address());
    for (std::uint32_t i = 1; i < kDevAccountCount; ++i) {
        total =
            total +
            balance(AccountKey{crypto::SignatureScheme::kMlDsa44, dev_account_seed(i)}.address());
    }
    EXPECT_EQ(total, genesis_supply() + spec_.block_reward - header.base_fee * U256{gas});
}

TEST_F(ExecutorTest, InvalidCandidatesAreLeftOutWithReasons) {
    Address bob{};
    bob.fill(0xb0);
    Transaction wrong_chain = transfer(1, 0, bob, 1, true);
    wrong_chain.chain_id = 1;
    sign_transaction(wrong_chain, key(1), true);
    const std::vector<Transaction> txs = {
        transfer(0, 5, bob, 1, true),               // nonce too high
        transfer(2, 0, bob, 1, false),              // no key registered and none carried
        wrong_chain, transfer(0, 0, bob, 1, true),  // fine
    };
    BlockExecutor executor{spec_, *db_};
    std::vector<Rejection> rejected;
    auto block = executor.build(genesis_, genesis_.timestamp + 2, proposer(), txs, &rejected);
    ASSERT_TRUE(block.has_value());
    EXPECT_EQ(block->block.transactions.size(), 1U);
    ASSERT_EQ(rejected.size(), 3U);
    EXPECT_EQ(rejected[0].reason, "nonce too high");
    EXPECT_NE(rejected[1].reason.find("no public key registered"), std::string::npos);
    EXPECT_EQ(rejected[2].reason, "invalid chain id");
}

TEST_F(ExecutorTest, ValidateReproducesABlockAndCatchesTampering) {
    auto built = build_two_transfers();
    ASSERT_TRUE(built.has_value());
    ASSERT_EQ(built->block.transactions.size(), 2U);

    // A second node with only the genesis validates the same block to the same hash.
    const auto replica = genesis_replica();
    BlockExecutor validator{spec_, *replica};
    auto validated = validator.validate(genesis_, built->block, /*signatures_verified=*/false);
    ASSERT_TRUE(validated.has_value()) << validated.error().message;
    EXPECT_EQ(validated->hash, built->hash);

    Block bad_root = built->block;
    bad_root.header.state_root[0] ^= 1;
    auto rejected_root = validator.validate(genesis_, bad_root, false);
    ASSERT_FALSE(rejected_root.has_value());
    EXPECT_NE(rejected_root.error().message.find("state root"), std::string::npos);

    Block bad_signature = built->block;
    bad_signature.transactions[0].signature[10] ^= 1;
    auto rejected_signature = validator.validate(genesis_, bad_signature, false);
    ASSERT_FALSE(rejected_signature.has_value());
    EXPECT_NE(rejected_signature.error().message.find("invalid signature"), std::string::npos);

    Block bad_number = built->block;
    bad_number.header.number = 5;
    EXPECT_FALSE(validator.validate(genesis_, bad_number, false).has_value());
    Block bad_time = built->block;
    bad_time.header.timestamp = genesis_.timestamp;
    EXPECT_FALSE(validator.validate(genesis_, bad_time, false).has_value());
}

// A node's pool verified its transactions on admission: validating a proposal made of them
// skips those checks by transaction hash, and still verifies every transaction not named.
TEST_F(ExecutorTest, ValidateVerifiesOnlyTheSignaturesNotVerifiedBefore) {
    auto built = build_two_transfers();
    ASSERT_TRUE(built.has_value());
    Block bad_signature = built->block;
    bad_signature.transactions[1].signature[10] ^= 1;
    const Hash32 tampered = transaction_hash(bad_signature.transactions[1]);

    const auto replica = genesis_replica();
    BlockExecutor validator{spec_, *replica};

    int asked = 0;
    std::vector<Hash32> seen;
    const auto only_first = [&](std::span<const Hash32> hashes) {
        ++asked;
        seen.assign(hashes.begin(), hashes.end());
        std::vector<bool> known(hashes.size(), false);
        known[0] = true;
        return known;
    };
    // The first is taken as verified, the tampered second is checked and refused.
    auto refused = validator.validate(genesis_, bad_signature, only_first);
    ASSERT_FALSE(refused.has_value());
    EXPECT_NE(refused.error().message.find("transaction 1: invalid signature"), std::string::npos)
        << refused.error().message;
    EXPECT_EQ(asked, 1);  // once per block, with every hash in order
    ASSERT_EQ(seen.size(), 2U);
    EXPECT_EQ(seen[0], transaction_hash(built->block.transactions[0]));
    EXPECT_EQ(seen[1], tampered);

    // What is named is not verified again: the same bytes marked as verified pass the
    // signature step (the skip is by the hash of exactly these bytes) and the block is
    // refused only later, by its transactions root, which commits to the original bytes.
    const auto all_known = [&](std::span<const Hash32> hashes) {
        std::vector<bool> known(hashes.size(), false);
        for (std::size_t i = 0; i < hashes.size(); ++i)
            known[i] = hashes[i] == tampered || i == 0;
        return known;
    };
    auto skipped = validator.validate(genesis_, bad_signature, all_known);
    ASSERT_FALSE(skipped.has_value());
    EXPECT_NE(skipped.error().message.find("transactions root"), std::string::npos)
        << skipped.error().message;
    // A good block validates with its pooled transactions marked, to the builder's hash.
    auto validated = validator.validate(genesis_, built->block, all_known);
    ASSERT_TRUE(validated.has_value()) << validated.error().message;
    EXPECT_EQ(validated->hash, built->hash);
    // The key rule depends on the state, not on what was verified: a transaction verified
    // before against a key that was only pooled is refused when the block lacks the
    // transaction that registers that key.
    Block without_key = built->block;
    without_key.transactions.erase(without_key.transactions.begin());
    auto unregistered = validator.validate(genesis_, without_key, all_known);
    ASSERT_FALSE(unregistered.has_value());
    EXPECT_NE(unregistered.error().message.find("transaction 0: invalid sender: no public key"),
              std::string::npos)
        << unregistered.error().message;
    // A predicate that answers for the wrong number of transactions is a programming error.
    const BlockExecutor::VerifiedBefore wrong_size{
        [](std::span<const Hash32>) { return std::vector<bool>{}; }};
    EXPECT_THROW((void)validator.validate(genesis_, built->block, wrong_size), std::logic_error);
}

// One size rule (BodySize) for building and validating: a block the builder fills up to
// the spec's maximum body size is accepted by every validator, byte for byte at the limit.
TEST_F(ExecutorTest, ABlockFilledToTheSizeLimitIsValid) {
    Address bob{};
    bob.fill(0xb0);
    std::vector<Transaction> txs;
    for (std::uint64_t nonce = 0; nonce < 6; ++nonce)
        txs.push_back(transfer(0, nonce, bob, 1 + nonce, nonce == 0));
    BodySize three;
    for (std::size_t i = 0; i < 3; ++i)
        three.add_transaction(encode(txs[i]).size());
    EXPECT_EQ(three.total(), encode_body({txs[0], txs[1], txs[2]}).size());

    // Room for exactly three of them: the fourth would pass a sum of raw sizes, not the
    // encoded body's size.
    spec_.max_block_bytes = three.total();
    BlockExecutor builder{spec_, *db_};
    auto built = builder.build(genesis_, genesis_.timestamp + 2, proposer(), txs, nullptr);
    ASSERT_TRUE(built.has_value()) << built.error().message;
    ASSERT_EQ(built->block.transactions.size(), 3U);
    EXPECT_EQ(encode_body(built->block.transactions, built->block.evidence).size(),
              spec_.max_block_bytes);

    const auto replica = genesis_replica();
    BlockExecutor validator{spec_, *replica};
    auto validated = validator.validate(genesis_, built->block, false);
    ASSERT_TRUE(validated.has_value()) << validated.error().message;

    // One byte less and the same block is refused, naming both sizes.
    ChainSpec tighter = spec_;
    tighter.max_block_bytes = spec_.max_block_bytes - 1;
    BlockExecutor strict{tighter, *replica};
    auto refused = strict.validate(genesis_, built->block, false);
    ASSERT_FALSE(refused.has_value());
    EXPECT_NE(refused.error().message.find("larger than the chain spec's maximum"),
              std::string::npos);
}

TEST_F(ExecutorTest, RevertedCallIsIncludedAndCharged) {
    // Deploy code that always reverts: PUSH1 0 PUSH1 0 REVERT, via a creation whose initcode
    // returns it.
    const Bytes runtime = {0x60, 0x00, 0x60, 0x00, 0xfd};
    Bytes initcode = {0x64};  // PUSH5 runtime
    initcode.insert(initcode.end(), runtime.begin(), runtime.end());
    const Bytes tail = {0x60, 0x00, 0x52, 0x60, 0x05, 0x60, 0x1b, 0xf3};  // MSTORE; RETURN(27,5)
    initcode.insert(initcode.end(), tail.begin(), tail.end());
    Transaction create;
    create.chain_id = spec_.chain_id;
    create.max_priority_fee_per_gas = U256{1};
    create.max_fee_per_gas = U256{50'000'000'000};
    create.gas_limit = 200'000;
    create.data = initcode;
    sign_transaction(create, key(0), true);
    BlockExecutor executor{spec_, *db_};
    auto first =
        executor.build(genesis_, genesis_.timestamp + 2, proposer(), std::vector{create}, nullptr);
    ASSERT_TRUE(first.has_value());
    ASSERT_TRUE(first->receipts.at(0).success);
    ASSERT_TRUE(first->results.at(0).contract_address.has_value());
    ASSERT_TRUE(db_->write(first->batch, true).has_value());

    Transaction call = transfer(0, 1, *first->results[0].contract_address, 0, false);
    auto second = executor.build(first->block.header, first->block.header.timestamp + 2, proposer(),
                                 std::vector{call}, nullptr);
    ASSERT_TRUE(second.has_value());
    ASSERT_EQ(second->block.transactions.size(), 1U);
    EXPECT_FALSE(second->receipts[0].success);
    EXPECT_EQ(second->results[0].status, evm::Status::kRevert);
    EXPECT_GT(second->block.header.gas_used, 21000U + 4500U);
}

}  // namespace
}  // namespace qtm::chain

namespace qtm::chain {
namespace {

// EIP-3529 through the QTM executor: clearing a slot refunds 4,800 gas, capped at a fifth of
// the gas used, and the refund comes back to the sender.
TEST(ExecutorRefund, ClearingAStorageSlotRefundsUnderTheEip3529Cap) {
    ChainSpec spec = *builtin_chain_spec("dev");
    Address contract{};
    contract.fill(0xcc);
    // PUSH1 0 PUSH1 0 SSTORE STOP: clears slot 0, which genesis sets to 1.
    spec.alloc[contract] = GenesisAccount{.balance = U256{},
                                          .nonce = 1,
                                          .code = Bytes{0x60, 0x00, 0x60, 0x00, 0x55, 0x00},
                                          .storage = {{U256{0}, U256{1}}}};
    auto db = storage::make_memory_database();
    storage::WriteBatch batch;
    auto genesis = build_genesis(spec, *db, batch);
    ASSERT_TRUE(genesis.has_value()) << genesis.error().message;
    ASSERT_TRUE(db->write(batch, false).has_value());

    const AccountKey sender{crypto::SignatureScheme::kMlDsa44, dev_account_seed(0)};
    Transaction tx;
    tx.chain_id = spec.chain_id;
    tx.max_priority_fee_per_gas = U256{1};
    tx.max_fee_per_gas = U256{50'000'000'000};
    tx.gas_limit = 200'000;
    tx.to = contract;
    sign_transaction(tx, sender, true);

    BlockExecutor executor{spec, *db};
    const std::vector<Transaction> txs = {tx};
    auto block = executor.build(genesis->block.header, genesis->block.header.timestamp + 2,
                                Address{}, txs, nullptr);
    ASSERT_TRUE(block.has_value()) << block.error().message;
    ASSERT_EQ(block->results.size(), 1U);
    // 21,000 + 4,500 (ML-DSA-44) + 20,000 + 16 * 1,312 (key registration) + 3 + 3 + 5,000
    // (cold SSTORE resetting a non-zero slot) = 71,498; refund min(4,800, 71,498 / 5).
    const std::uint64_t before_refund = 21'000 + 4'500 + 20'000 + 16 * 1'312 + 3 + 3 + 5'000;
    EXPECT_EQ(block->results[0].gas_used, before_refund - 4'800);
    EXPECT_TRUE(block->receipts[0].success);
    ASSERT_TRUE(db->write(block->batch, false).has_value());
    state::WorldState after{*db, block->block.header.state_root};
    EXPECT_EQ(after.storage(contract, U256{0}), U256{0});
}

}  // namespace
}  // namespace qtm::chain
