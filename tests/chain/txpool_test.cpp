// The transaction pool's rules, each against a map-backed head state: pending and queued
// by nonce, replacement (+10% on both fee fields), every admission rejection with geth's
// wording, per-account and global limits with eviction of the cheapest, best-first
// iteration, head updates (inclusion, promotion, lifetime, affordability), batch admission
// with parallel verification, and new-pending events.
#include "chain/txpool.hpp"

#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "chain/keys.hpp"

namespace qtm::chain {
namespace {

using Clock = std::chrono::steady_clock;
using crypto::SignatureScheme;

constexpr std::uint64_t kChainId = 7357;
const U256 kGwei{1'000'000'000};

const AccountKey& key(std::uint32_t index) {
    static const std::vector<AccountKey> keys = [] {
        std::vector<AccountKey> out;
        for (std::uint32_t i = 0; i < 4; ++i) {
            ByteArray<32> seed{};
            seed[0] = 0x70;
            seed[31] = static_cast<std::uint8_t>(i);
            out.emplace_back(SignatureScheme::kMlDsa44, seed);
        }
        return out;
    }();
    return keys.at(index);
}

class MapState final : public PoolStateReader {
public:
    MapState() {
        for (std::uint32_t i = 0; i < 4; ++i) {
            balances[key(i).address()] = U256{1'000'000} * kGwei * kGwei;
            // Keys registered, so transactions carry only the signature.
            keys[key(i).address()] = state::RegisteredKey{
                crypto::to_byte(SignatureScheme::kMlDsa44), to_bytes(key(i).public_key())};
        }
    }
    std::uint64_t nonce(const Address& a) const override {
        const auto it = nonces.find(a);
        return it == nonces.end() ? 0 : it->second;
    }
    U256 balance(const Address& a) const override {
        const auto it = balances.find(a);
        return it == balances.end() ? U256{} : it->second;
    }
    std::optional<state::RegisteredKey> registered_key(const Address& a) const override {
        const auto it = keys.find(a);
        if (it == keys.end()) return std::nullopt;
        return it->second;
    }
    std::map<Address, std::uint64_t> nonces;
    std::map<Address, U256> balances;
    std::map<Address, state::RegisteredKey> keys;
};

struct TxSpec {
    std::uint32_t from{0};
    std::uint64_t nonce{0};
    U256 tip{kGwei};
    U256 fee_cap{U256{100} * kGwei};
    std::uint64_t gas{100'000};
    std::uint64_t value{1};
    bool include_key{false};
    std::size_t data_bytes{0};
};

Transaction make(const TxSpec& spec) {
    Transaction tx;
    tx.chain_id = kChainId;
    tx.nonce = spec.nonce;
    tx.max_priority_fee_per_gas = spec.tip;
    tx.max_fee_per_gas = spec.fee_cap;
    tx.gas_limit = spec.gas;
    Address to{};
    to.fill(0xee);
    tx.to = to;
    tx.value = U256{spec.value};
    tx.data = Bytes(spec.data_bytes, 0x01);
    sign_transaction(tx, key(spec.from), spec.include_key);
    return tx;
}

TxPoolConfig config() {
    TxPoolConfig c;
    c.chain_id = kChainId;
    c.min_tip = U256{1};
    return c;
}

TxPoolError error_of(const Result<Hash32, TxPoolError>& result) {
    EXPECT_FALSE(result.has_value());
    return result ? TxPoolError::kAlreadyKnown : result.error();
}

class TxPoolTest : public ::testing::Test {
protected:
    MapState state_;
    Clock::time_point now_ = Clock::now();
};

TEST_F(TxPoolTest, GapsAreQueuedAndFillingThemPromotesWithEvents) {
    TxPool pool{config(), state_};
    std::vector<Hash32> events;
    std::mutex events_mutex;
    pool.subscribe([&](const Hash32& hash) {
        const std::lock_guard lock{events_mutex};
        events.push_back(hash);
    });
    const auto tx0 = make({.nonce = 0});
    const auto tx2 = make({.nonce = 2});
    const auto tx1 = make({.nonce = 1});
    ASSERT_TRUE(pool.add(tx0, now_).has_value());
    ASSERT_TRUE(pool.add(tx2, now_).has_value());
    EXPECT_EQ(pool.status().pending, 1u);
    EXPECT_EQ(pool.status().queued, 1u);
    EXPECT_EQ(pool.pending_nonce(key(0).address()), 1u);
    EXPECT_EQ(events.size(), 1u);
    ASSERT_TRUE(pool.add(tx1, now_).has_value());
    EXPECT_EQ(pool.status().pending, 3u);
    EXPECT_EQ(pool.status().queued, 0u);
    EXPECT_EQ(pool.pending_nonce(key(0).address()), 3u);
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[1], transaction_hash(tx1));
    EXPECT_EQ(events[2], transaction_hash(tx2));
    EXPECT_TRUE(pool.get(transaction_hash(tx2)).has_value());
    EXPECT_EQ(error_of(pool.add(tx1, now_)), TxPoolError::kAlreadyKnown);
}

TEST_F(TxPoolTest, ReplacementNeedsTenPercentMoreOnBothFeeFields) {
    TxPool pool{config(), state_};
    const auto original = make({.nonce = 0, .tip = U256{10} * kGwei, .fee_cap = U256{100} * kGwei});
    ASSERT_TRUE(pool.add(original, now_).has_value());
    EXPECT_EQ(
        error_of(pool.add(
            make({.nonce = 0, .tip = U256{10} * kGwei + 1, .fee_cap = U256{200} * kGwei}), now_)),
        TxPoolError::kReplacementUnderpriced);  // tip +0%
    EXPECT_EQ(error_of(pool.add(
                  make({.nonce = 0, .tip = U256{20} * kGwei, .fee_cap = U256{109} * kGwei}), now_)),
              TxPoolError::kReplacementUnderpriced);  // fee cap +9%
    const auto replacement =
        make({.nonce = 0, .tip = U256{11} * kGwei, .fee_cap = U256{110} * kGwei});
    ASSERT_TRUE(pool.add(replacement, now_).has_value());
    EXPECT_FALSE(pool.get(transaction_hash(original)).has_value());
    EXPECT_TRUE(pool.get(transaction_hash(replacement)).has_value());
    EXPECT_EQ(pool.status().pending, 1u);
}

TEST_F(TxPoolTest, EveryAdmissionRuleHasItsGethReason) {
    TxPoolConfig c = config();
    c.block_gas_limit = 1'000'000;
    c.min_tip = U256{2};
    TxPool pool{c, state_};
    state_.nonces[key(0).address()] = 5;
    EXPECT_EQ(error_of(pool.add(make({.nonce = 4}), now_)), TxPoolError::kNonceTooLow);
    EXPECT_EQ(to_string(TxPoolError::kNonceTooLow), "nonce too low");

    state_.balances[key(1).address()] = U256{1000};
    EXPECT_EQ(error_of(pool.add(make({.from = 1}), now_)), TxPoolError::kInsufficientFunds);
    EXPECT_EQ(to_string(TxPoolError::kInsufficientFunds),
              "insufficient funds for gas * price + value");

    EXPECT_EQ(error_of(pool.add(make({.from = 2, .gas = 21'000}), now_)),
              TxPoolError::kIntrinsicGasTooLow);  // + 4,500 for the signature
    EXPECT_EQ(error_of(pool.add(make({.from = 2, .gas = 2'000'000}), now_)),
              TxPoolError::kGasLimitExceeded);
    EXPECT_EQ(error_of(pool.add(make({.from = 2, .tip = U256{1}}), now_)),
              TxPoolError::kUnderpriced);
    EXPECT_EQ(error_of(pool.add(make({.from = 2, .tip = U256{200} * kGwei}), now_)),
              TxPoolError::kTipAboveFeeCap);
    EXPECT_EQ(error_of(pool.add(make({.from = 2, .data_bytes = 130 * 1024}), now_)),
              TxPoolError::kOversizedData);

    Transaction wrong_chain = make({.from = 2});
    wrong_chain.chain_id = 1;
    EXPECT_EQ(error_of(pool.add(wrong_chain, now_)), TxPoolError::kInvalidChainId);

    Transaction tampered = make({.from = 2});
    tampered.value = U256{999};
    EXPECT_EQ(error_of(pool.add(tampered, now_)), TxPoolError::kInvalidSignature);
    EXPECT_EQ(to_string(TxPoolError::kInvalidSignature), "invalid signature");

    // An unregistered account must carry its key; with it, the first transaction is fine.
    state_.keys.erase(key(3).address());
    EXPECT_EQ(error_of(pool.add(make({.from = 3}), now_)), TxPoolError::kInvalidSignature);
    ASSERT_TRUE(pool.add(make({.from = 3, .include_key = true}), now_).has_value());
    // A later transaction may then omit it: the pooled one's key is used.
    EXPECT_TRUE(pool.add(make({.from = 3, .nonce = 1}), now_).has_value());
    EXPECT_EQ(pool.status().pending, 2u);
}

TEST_F(TxPoolTest, QueuedTransactionsPerAccountAreLimited) {
    TxPoolConfig c = config();
    c.account_queue = 2;
    TxPool pool{c, state_};
    ASSERT_TRUE(pool.add(make({.nonce = 5}), now_).has_value());
    ASSERT_TRUE(pool.add(make({.nonce = 6}), now_).has_value());
    EXPECT_EQ(error_of(pool.add(make({.nonce = 7}), now_)), TxPoolError::kAccountLimit);
    EXPECT_EQ(to_string(TxPoolError::kAccountLimit), "account limit exceeded");
    // A pending transaction is not limited by the queue.
    EXPECT_TRUE(pool.add(make({.nonce = 0}), now_).has_value());
}

TEST_F(TxPoolTest, AFullPoolEvictsTheCheapestOrRefusesTheNewcomer) {
    TxPoolConfig c = config();
    c.global_slots = 3;
    c.account_slots = 1;
    TxPool pool{c, state_};
    for (std::uint64_t n = 0; n < 3; ++n) {
        ASSERT_TRUE(pool.add(make({.from = 0, .nonce = n, .tip = kGwei}), now_).has_value());
    }
    // A cheaper newcomer is refused...
    EXPECT_EQ(error_of(pool.add(make({.from = 1, .tip = U256{1}}), now_)),
              TxPoolError::kUnderpriced);
    // ...a better-paying one evicts the cheapest: sender 0's last nonce (it is over its
    // guaranteed slots; evicting the last keeps the rest executable).
    const auto better = make({.from = 1, .tip = U256{5} * kGwei});
    ASSERT_TRUE(pool.add(better, now_).has_value());
    EXPECT_EQ(pool.status().pending, 3u);
    EXPECT_EQ(pool.pending_nonce(key(0).address()), 2u);
    EXPECT_EQ(pool.pending_nonce(key(1).address()), 1u);

    // When nothing can be evicted (everyone within its guaranteed slot), the pool is full.
    TxPoolConfig tight = config();
    tight.global_slots = 2;
    TxPool small{tight, state_};
    ASSERT_TRUE(small.add(make({.from = 0}), now_).has_value());
    ASSERT_TRUE(small.add(make({.from = 1}), now_).has_value());
    EXPECT_EQ(error_of(small.add(make({.from = 2, .tip = U256{50} * kGwei}), now_)),
              TxPoolError::kPoolFull);
    EXPECT_EQ(to_string(TxPoolError::kPoolFull), "txpool is full");
}

TEST_F(TxPoolTest, BestOrdersSendersByEffectiveTipAndKeepsNonceOrder) {
    TxPool pool{config(), state_};
    const U256 base_fee = U256{10} * kGwei;
    // Sender 0: tips 1 then 9 gwei; sender 1: 5 gwei; sender 2: fee cap below the base fee.
    const auto a0 = make({.from = 0, .nonce = 0, .tip = kGwei});
    const auto a1 = make({.from = 0, .nonce = 1, .tip = U256{9} * kGwei});
    const auto b0 = make({.from = 1, .nonce = 0, .tip = U256{5} * kGwei});
    const auto c0 =
        make({.from = 2, .nonce = 0, .tip = U256{3} * kGwei, .fee_cap = U256{5} * kGwei});
    for (const auto* tx : {&a0, &a1, &b0, &c0})
        ASSERT_TRUE(pool.add(*tx, now_).has_value());

    const auto best = pool.best(base_fee, 30'000'000, 1u << 20);
    ASSERT_EQ(best.size(), 3u);
    EXPECT_EQ(transaction_hash(best[0]), transaction_hash(b0));  // 5 gwei beats 1 gwei
    EXPECT_EQ(transaction_hash(best[1]), transaction_hash(a0));  // then sender 0 in order
    EXPECT_EQ(transaction_hash(best[2]), transaction_hash(a1));
    // A gas budget for two transactions.
    EXPECT_EQ(pool.best(base_fee, 200'000, 1u << 20).size(), 2u);
    // With a low base fee the capped sender is included too, its tip capped by its fee cap.
    EXPECT_EQ(pool.best(U256{1} * kGwei, 30'000'000, 1u << 20).size(), 4u);
}

TEST_F(TxPoolTest, NewHeadsDropIncludedPromoteQueuedAndExpireStaleOnes) {
    TxPoolConfig c = config();
    c.lifetime = std::chrono::seconds(60);
    TxPool pool{c, state_};
    ASSERT_TRUE(pool.add(make({.from = 0, .nonce = 0}), now_).has_value());
    ASSERT_TRUE(pool.add(make({.from = 0, .nonce = 2}), now_).has_value());
    ASSERT_TRUE(pool.add(make({.from = 1, .nonce = 3}), now_).has_value());  // queued, gap
    ASSERT_TRUE(pool.add(make({.from = 2, .nonce = 0}), now_).has_value());
    EXPECT_EQ(pool.status().pending, 2u);
    EXPECT_EQ(pool.status().queued, 2u);

    // A block included sender 0's nonces 0 and 1 (1 came from elsewhere); sender 2 went broke.
    state_.nonces[key(0).address()] = 2;
    state_.balances[key(2).address()] = U256{5};
    pool.on_new_head(kGwei, now_ + std::chrono::seconds(10));
    EXPECT_EQ(pool.status().pending, 1u);  // sender 0's nonce 2, promoted
    EXPECT_EQ(pool.status().queued, 1u);   // sender 1's nonce 3, not yet expired
    EXPECT_EQ(pool.pending_nonce(key(0).address()), 3u);

    pool.on_new_head(kGwei, now_ + std::chrono::seconds(61));
    EXPECT_EQ(pool.status().queued, 0u);   // past its lifetime
    EXPECT_EQ(pool.status().pending, 1u);  // pending ones do not expire
}

TEST_F(TxPoolTest, BatchAdmissionVerifiesInParallelAndAnswersInOrder) {
    TxPoolConfig c = config();
    c.verify_threads = 3;
    TxPool pool{c, state_};
    state_.keys.erase(key(3).address());
    std::vector<Transaction> batch;
    for (std::uint64_t n = 0; n < 6; ++n)
        batch.push_back(make({.from = 0, .nonce = n}));
    batch.push_back(make({.from = 3, .nonce = 0, .include_key = true}));
    batch.push_back(make({.from = 3, .nonce = 1}));  // key from the batch's earlier transaction
    Transaction tampered = make({.from = 1});
    tampered.nonce = 9;
    batch.push_back(tampered);
    const auto results = pool.add_batch(batch, now_);
    ASSERT_EQ(results.size(), batch.size());
    for (std::size_t i = 0; i + 1 < results.size(); ++i) {
        ASSERT_TRUE(results[i].has_value()) << i << ": " << to_string(results[i].error());
        EXPECT_EQ(*results[i], transaction_hash(batch[i]));
    }
    EXPECT_EQ(error_of(results.back()), TxPoolError::kInvalidSignature);
    EXPECT_EQ(pool.status().pending, 8u);
}

}  // namespace
}  // namespace qtm::chain
