// The transaction pool's rules (docs/txpool.md), each against a map-backed head state:
// pending and queued by nonce, replacement, every admission rejection with geth's wording,
// per-account and global limits with eviction of the cheapest, best-first iteration, head
// updates (inclusion, promotion, lifetime, affordability), batch admission with parallel
// verification, new-pending events, and concurrent use.
#include "chain/txpool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"

namespace qtm::chain {
namespace {

using Clock = std::chrono::steady_clock;
using crypto::SignatureScheme;

constexpr std::uint64_t kChainId = 7357;
constexpr std::uint32_t kKeys = 4;
const U256 kGwei{1'000'000'000};

// Signing is the slow part of these tests: four keys, made once.
const AccountKey& key(std::uint32_t index) {
    static const std::vector<AccountKey> keys = [] {
        std::vector<AccountKey> out;
        for (std::uint32_t i = 0; i < kKeys; ++i) {
            ByteArray<32> seed{};
            seed[0] = 0x70;
            seed[31] = static_cast<std::uint8_t>(i);
            out.emplace_back(SignatureScheme::kMlDsa44, seed);
        }
        return out;
    }();
    return keys.at(index);
}

Address address(std::uint32_t index) {
    return key(index).address();
}

class MapState final : public PoolStateReader {
public:
    MapState() {
        for (std::uint32_t i = 0; i < kKeys; ++i) {
            balances[address(i)] = U256{1'000'000} * kGwei * kGwei;
            // Registered, so that transactions need carry only the signature.
            keys[address(i)] = state::RegisteredKey{crypto::to_byte(SignatureScheme::kMlDsa44),
                                                    to_bytes(key(i).public_key())};
        }
    }
    std::uint64_t nonce(const Address& a) const override {
        ++nonce_reads;
        const auto it = nonces.find(a);
        return it == nonces.end() ? 0 : it->second;
    }
    U256 balance(const Address& a) const override {
        ++balance_reads;
        const auto it = balances.find(a);
        return it == balances.end() ? U256{} : it->second;
    }
    std::optional<state::RegisteredKey> registered_key(const Address& a) const override {
        ++key_reads;
        const auto it = keys.find(a);
        if (it == keys.end()) return std::nullopt;
        return it->second;
    }
    std::map<Address, std::uint64_t> nonces;
    std::map<Address, U256> balances;
    std::map<Address, state::RegisteredKey> keys;
    // Reads, as the node's reader would make database reads.
    mutable std::atomic<std::uint64_t> nonce_reads{0};
    mutable std::atomic<std::uint64_t> balance_reads{0};
    mutable std::atomic<std::uint64_t> key_reads{0};
};

struct TxSpec {
    std::uint32_t from{0};
    std::uint64_t nonce{0};
    U256 tip{kGwei};
    U256 fee_cap{U256{100} * kGwei};
    std::uint64_t gas{100'000};
    U256 value{1};
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
    tx.value = spec.value;
    tx.data = Bytes(spec.data_bytes, 0x01);
    sign_transaction(tx, key(spec.from), spec.include_key);
    return tx;
}

// gas limit × fee cap + value of a default TxSpec.
const U256 kDefaultCost = U256{100'000} * U256{100} * kGwei + U256{1};

// Gas enough for a transaction of `bytes` of calldata (16 gas a byte, 25,500 base).
constexpr std::uint64_t gas_for(std::size_t bytes) {
    return 30'000 + 16 * bytes;
}

TxPoolConfig config() {
    TxPoolConfig c;
    c.chain_id = kChainId;
    c.min_tip = U256{1};
    c.verify_threads = 2;
    return c;
}

TxPoolError error_of(const Result<Hash32, TxPoolError>& result) {
    EXPECT_FALSE(result.has_value());
    return result ? TxPoolError::kAlreadyKnown : result.error();
}

class TxPoolTest : public ::testing::Test {
protected:
    bool add(TxPool& pool, const Transaction& tx) {
        const auto result = pool.add(tx, now_);
        EXPECT_TRUE(result.has_value()) << to_string(result.error());
        return result.has_value();
    }
    bool contains(const TxPool& pool, const Transaction& tx) const {
        return pool.get(transaction_hash(tx)).has_value();
    }

    MapState state_;
    Clock::time_point now_ = Clock::now();
};

// ---- Admission rules, in the order the pool applies them ----

TEST_F(TxPoolTest, OversizedTransactionIsRefused) {
    TxPool pool{config(), state_};
    EXPECT_EQ(
        error_of(pool.add(make({.gas = gas_for(130 * 1024), .data_bytes = 130 * 1024}), now_)),
        TxPoolError::kOversizedData);
    // Just under the limit is fine.
    const auto large = make({.gas = gas_for(120 * 1024), .data_bytes = 120 * 1024});
    EXPECT_LE(encode(large).size(), kMaxTransactionSize);
    EXPECT_TRUE(add(pool, large));
}

TEST_F(TxPoolTest, WrongChainIdIsRefused) {
    TxPool pool{config(), state_};
    Transaction tx = make({});
    tx.chain_id = 1;
    sign_transaction(tx, key(0), false);
    EXPECT_EQ(error_of(pool.add(tx, now_)), TxPoolError::kInvalidChainId);
}

TEST_F(TxPoolTest, TipAboveFeeCapIsRefused) {
    TxPool pool{config(), state_};
    EXPECT_EQ(error_of(pool.add(make({.tip = U256{101} * kGwei}), now_)),
              TxPoolError::kTipAboveFeeCap);
    EXPECT_TRUE(add(pool, make({.tip = U256{100} * kGwei})));  // equal is fine
}

TEST_F(TxPoolTest, GasLimitAboveTheBlockGasLimitIsRefused) {
    TxPoolConfig c = config();
    c.block_gas_limit = 1'000'000;
    TxPool pool{c, state_};
    EXPECT_EQ(error_of(pool.add(make({.gas = 1'000'001}), now_)), TxPoolError::kGasLimitExceeded);
    EXPECT_TRUE(add(pool, make({.gas = 1'000'000})));
}

TEST_F(TxPoolTest, IntrinsicGasCountsVerificationAndKeyRegistration) {
    TxPool pool{config(), state_};
    // 21,000 + 4,500 for the ML-DSA-44 verification.
    EXPECT_EQ(error_of(pool.add(make({.gas = 25'499}), now_)), TxPoolError::kIntrinsicGasTooLow);
    EXPECT_TRUE(add(pool, make({.gas = 25'500})));
    // Registering the key costs more.
    state_.keys.erase(address(1));
    EXPECT_EQ(error_of(pool.add(make({.from = 1, .gas = 25'500, .include_key = true}), now_)),
              TxPoolError::kIntrinsicGasTooLow);
    const auto registering = make({.from = 1, .gas = 100'000, .include_key = true});
    EXPECT_EQ(
        intrinsic_gas(registering),
        25'500 + kKeyRegistrationBaseGas +
            kKeyRegistrationGasPerByte * static_cast<std::int64_t>(key(1).public_key().size()));
    EXPECT_TRUE(add(pool, registering));
}

TEST_F(TxPoolTest, TipBelowTheMinimumIsUnderpriced) {
    TxPoolConfig c = config();
    c.min_tip = U256{2};
    TxPool pool{c, state_};
    EXPECT_EQ(error_of(pool.add(make({.tip = U256{1}}), now_)), TxPoolError::kUnderpriced);
    EXPECT_TRUE(add(pool, make({.tip = U256{2}})));
}

TEST_F(TxPoolTest, BadSignaturesAndKeysAreRefusedWithTheirReason) {
    TxPool pool{config(), state_};
    Transaction tampered = make({});
    tampered.value = U256{999};
    EXPECT_EQ(error_of(pool.add(tampered, now_)), TxPoolError::kInvalidSignature);

    Transaction wrong_sender = make({.from = 1});
    wrong_sender.from = address(2);  // signed by 1, claims to be 2
    EXPECT_EQ(error_of(pool.add(wrong_sender, now_)), TxPoolError::kInvalidSignature);

    // An unregistered account must carry its key.
    state_.keys.erase(address(3));
    EXPECT_EQ(error_of(pool.add(make({.from = 3}), now_)), TxPoolError::kMissingPublicKey);
    // A carried key that does not derive the sender's address.
    Transaction other_key = make({.from = 2, .include_key = true});
    other_key.public_key = key(1).public_key();
    EXPECT_EQ(error_of(pool.add(other_key, now_)), TxPoolError::kKeyAddressMismatch);
    // A carried key where a different one is registered.
    state_.keys[address(1)] = state_.keys.at(address(2));
    EXPECT_EQ(error_of(pool.add(make({.from = 1, .include_key = true}), now_)),
              TxPoolError::kKeyAlreadyRegistered);
    EXPECT_EQ(pool.status().pending + pool.status().queued, 0u);
}

TEST_F(TxPoolTest, ANewAccountsLaterTransactionsUseItsPooledKey) {
    TxPool pool{config(), state_};
    state_.keys.erase(address(3));
    EXPECT_TRUE(add(pool, make({.from = 3, .nonce = 0, .include_key = true})));
    EXPECT_TRUE(add(pool, make({.from = 3, .nonce = 1})));
    // Not for a nonce below the carrier's: that one would execute before the key exists.
    state_.keys.erase(address(2));
    EXPECT_TRUE(add(pool, make({.from = 2, .nonce = 1, .include_key = true})));
    EXPECT_EQ(error_of(pool.add(make({.from = 2, .nonce = 0}), now_)),
              TxPoolError::kMissingPublicKey);
}

TEST_F(TxPoolTest, SameHashIsAlreadyKnown) {
    TxPool pool{config(), state_};
    const auto tx = make({});
    EXPECT_TRUE(add(pool, tx));
    EXPECT_EQ(error_of(pool.add(tx, now_)), TxPoolError::kAlreadyKnown);
}

TEST_F(TxPoolTest, NonceBelowTheStateNonceIsTooLow) {
    TxPool pool{config(), state_};
    state_.nonces[address(0)] = 5;
    EXPECT_EQ(error_of(pool.add(make({.nonce = 4}), now_)), TxPoolError::kNonceTooLow);
    EXPECT_TRUE(add(pool, make({.nonce = 5})));
}

TEST_F(TxPoolTest, BalanceMustCoverGasTimesFeeCapPlusValue) {
    TxPool pool{config(), state_};
    state_.balances[address(0)] = kDefaultCost - U256{1};
    EXPECT_EQ(error_of(pool.add(make({}), now_)), TxPoolError::kInsufficientFunds);
    state_.balances[address(0)] = kDefaultCost;
    EXPECT_TRUE(add(pool, make({})));
}

TEST_F(TxPoolTest, CostsThatOverflowAreInsufficientFunds) {
    TxPool pool{config(), state_};
    state_.balances[address(0)] = U256::max();
    EXPECT_EQ(error_of(pool.add(make({.fee_cap = U256::max()}), now_)),
              TxPoolError::kInsufficientFunds);
    EXPECT_EQ(error_of(pool.add(make({.value = U256::max()}), now_)),
              TxPoolError::kInsufficientFunds);
}

TEST_F(TxPoolTest, EarlierPendingTransactionsArePaidForFirst) {
    TxPool pool{config(), state_};
    const U256 tenth = U256{100'000} * U256{10} * kGwei;  // a 10% fee bump on a default
    state_.balances[address(0)] = kDefaultCost + kDefaultCost + tenth;
    EXPECT_TRUE(add(pool, make({.nonce = 0})));
    EXPECT_TRUE(add(pool, make({.nonce = 1})));
    // A third, pending or queued, overdraws the account.
    EXPECT_EQ(error_of(pool.add(make({.nonce = 2}), now_)), TxPoolError::kInsufficientFunds);
    EXPECT_EQ(error_of(pool.add(make({.nonce = 5}), now_)), TxPoolError::kInsufficientFunds);
    // A replacement is charged only its difference: exactly affordable.
    EXPECT_TRUE(
        add(pool,
            make({.nonce = 1, .tip = U256{11} * kGwei / U256{10}, .fee_cap = U256{110} * kGwei})));
    EXPECT_EQ(pool.status().pending, 2u);
}

// ---- Replacement ----

TEST_F(TxPoolTest, ReplacementNeedsTheBumpOnBothFeeFields) {
    TxPool pool{config(), state_};
    const auto original = make({.tip = U256{10} * kGwei, .fee_cap = U256{100} * kGwei});
    ASSERT_TRUE(add(pool, original));
    EXPECT_EQ(error_of(pool.add(
                  make({.tip = U256{10} * kGwei + U256{1}, .fee_cap = U256{200} * kGwei}), now_)),
              TxPoolError::kReplacementUnderpriced);  // tip +0%
    EXPECT_EQ(
        error_of(pool.add(make({.tip = U256{20} * kGwei, .fee_cap = U256{109} * kGwei}), now_)),
        TxPoolError::kReplacementUnderpriced);  // fee cap +9%
    const auto replacement = make({.tip = U256{11} * kGwei, .fee_cap = U256{110} * kGwei});
    EXPECT_TRUE(add(pool, replacement));  // exactly +10% on both
    EXPECT_FALSE(contains(pool, original));
    EXPECT_TRUE(contains(pool, replacement));
    EXPECT_EQ(pool.status().pending, 1u);
}

TEST_F(TxPoolTest, ReplacementMustRaiseBothPricesEvenWithoutABump) {
    TxPoolConfig c = config();
    c.price_bump_percent = 0;
    TxPool pool{c, state_};
    ASSERT_TRUE(add(pool, make({.value = U256{1}})));
    EXPECT_EQ(error_of(pool.add(make({.value = U256{2}}), now_)),
              TxPoolError::kReplacementUnderpriced);
    EXPECT_EQ(error_of(pool.add(make({.tip = kGwei + U256{1}}), now_)),
              TxPoolError::kReplacementUnderpriced);  // the fee cap is not higher
    EXPECT_EQ(error_of(pool.add(make({.fee_cap = U256{100} * kGwei + U256{1}}), now_)),
              TxPoolError::kReplacementUnderpriced);  // the tip is not higher
    EXPECT_TRUE(add(pool, make({.tip = kGwei + U256{1}, .fee_cap = U256{100} * kGwei + U256{1}})));
}

TEST_F(TxPoolTest, AReplacedQueuedTransactionStaysQueued) {
    TxPool pool{config(), state_};
    ASSERT_TRUE(add(pool, make({.nonce = 3})));
    const auto replacement =
        make({.nonce = 3, .tip = U256{2} * kGwei, .fee_cap = U256{200} * kGwei});
    EXPECT_TRUE(add(pool, replacement));
    EXPECT_EQ(pool.status().queued, 1u);
    EXPECT_EQ(pool.status().pending, 0u);
    ASSERT_EQ(pool.queued().size(), 1u);
    EXPECT_EQ(pool.queued()[0].hash, transaction_hash(replacement));
}

// ---- Pending and queued ----

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
    ASSERT_TRUE(add(pool, tx0));
    ASSERT_TRUE(add(pool, tx2));
    EXPECT_EQ(pool.status().pending, 1u);
    EXPECT_EQ(pool.status().queued, 1u);
    EXPECT_EQ(pool.pending_nonce(address(0)), 1u);
    ASSERT_EQ(events.size(), 1u);  // a queued transaction is not announced
    EXPECT_EQ(events[0], transaction_hash(tx0));
    ASSERT_TRUE(add(pool, tx1));
    EXPECT_EQ(pool.status().pending, 3u);
    EXPECT_EQ(pool.status().queued, 0u);
    EXPECT_EQ(pool.pending_nonce(address(0)), 3u);
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[1], transaction_hash(tx1));
    EXPECT_EQ(events[2], transaction_hash(tx2));
}

TEST_F(TxPoolTest, ListenersRunOutsideTheLock) {
    TxPool pool{config(), state_};
    std::size_t seen_pending = 0;
    pool.subscribe([&](const Hash32& hash) {
        // Would deadlock if called under the pool's mutex.
        seen_pending = pool.status().pending;
        EXPECT_TRUE(pool.get(hash).has_value());
    });
    ASSERT_TRUE(add(pool, make({})));
    EXPECT_EQ(seen_pending, 1u);
}

TEST_F(TxPoolTest, PendingNonceCountsOnlyTheContiguousRun) {
    TxPool pool{config(), state_};
    state_.nonces[address(1)] = 7;
    EXPECT_EQ(pool.pending_nonce(address(1)), 7u);  // nothing pooled: the state's
    ASSERT_TRUE(add(pool, make({.from = 1, .nonce = 7})));
    ASSERT_TRUE(add(pool, make({.from = 1, .nonce = 9})));
    EXPECT_EQ(pool.pending_nonce(address(1)), 8u);
}

TEST_F(TxPoolTest, ContentAndLookupReportWhatIsPooled) {
    TxPool pool{config(), state_};
    const auto pending = make({.nonce = 0});
    const auto queued = make({.from = 1, .nonce = 2});
    ASSERT_TRUE(add(pool, pending));
    ASSERT_TRUE(add(pool, queued));
    const auto found = pool.get(transaction_hash(pending));
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->size, encode(pending).size());
    EXPECT_EQ(found->added, now_);
    EXPECT_EQ(found->tx.nonce, 0u);
    ASSERT_EQ(pool.pending().size(), 1u);
    EXPECT_EQ(pool.pending()[0].hash, transaction_hash(pending));
    ASSERT_EQ(pool.queued().size(), 1u);
    EXPECT_EQ(pool.queued()[0].hash, transaction_hash(queued));
    EXPECT_EQ(pool.status().bytes, encode(pending).size() + encode(queued).size());
    EXPECT_FALSE(pool.get(Hash32{}).has_value());
}

// ---- Limits and eviction ----

TEST_F(TxPoolTest, QueuedTransactionsPerAccountAreLimited) {
    TxPoolConfig c = config();
    c.account_queue = 2;
    TxPool pool{c, state_};
    ASSERT_TRUE(add(pool, make({.nonce = 5})));
    ASSERT_TRUE(add(pool, make({.nonce = 6})));
    EXPECT_EQ(error_of(pool.add(make({.nonce = 7}), now_)), TxPoolError::kAccountLimit);
    // Neither a pending transaction nor a queued replacement counts against the queue.
    EXPECT_TRUE(add(pool, make({.nonce = 0})));
    EXPECT_TRUE(
        add(pool, make({.nonce = 6, .tip = U256{2} * kGwei, .fee_cap = U256{200} * kGwei})));
    // Another account has its own queue.
    EXPECT_TRUE(add(pool, make({.from = 1, .nonce = 5})));
}

TEST_F(TxPoolTest, QueuedTransactionsInTotalAreLimited) {
    TxPoolConfig c = config();
    c.global_queue = 2;
    TxPool pool{c, state_};
    ASSERT_TRUE(add(pool, make({.from = 0, .nonce = 5})));
    ASSERT_TRUE(add(pool, make({.from = 1, .nonce = 5})));
    EXPECT_EQ(error_of(pool.add(make({.from = 2, .nonce = 5}), now_)), TxPoolError::kPoolFull);
    EXPECT_TRUE(add(pool, make({.from = 2, .nonce = 0})));  // pending: not limited by it
}

TEST_F(TxPoolTest, SlotsAreThirtyTwoKibibytesEach) {
    TxPoolConfig c = config();
    c.global_slots = 3;
    TxPool pool{c, state_};
    // 40 KiB of calldata: two slots.
    ASSERT_TRUE(add(pool, make({.from = 0, .gas = gas_for(40 * 1024), .data_bytes = 40 * 1024})));
    ASSERT_TRUE(add(pool, make({.from = 1})));
    // Both senders hold only guaranteed pending slots: nothing can go.
    EXPECT_EQ(error_of(pool.add(make({.from = 2, .tip = U256{50} * kGwei}), now_)),
              TxPoolError::kPoolFull);
    EXPECT_EQ(to_string(TxPoolError::kPoolFull), "txpool is full");
}

TEST_F(TxPoolTest, TotalBytesAreLimited) {
    const std::size_t size = encode(make({})).size();
    TxPoolConfig c = config();
    c.max_bytes = 2 * size + size / 2;
    c.account_slots = 0;  // nothing guaranteed: pending transactions can be evicted too
    TxPool pool{c, state_};
    ASSERT_TRUE(add(pool, make({.from = 0, .tip = U256{3} * kGwei})));
    const auto cheap = make({.from = 1, .tip = U256{2} * kGwei});
    ASSERT_TRUE(add(pool, cheap));
    EXPECT_EQ(error_of(pool.add(make({.from = 2, .tip = U256{2} * kGwei}), now_)),
              TxPoolError::kUnderpriced);
    EXPECT_TRUE(add(pool, make({.from = 2, .tip = U256{4} * kGwei})));
    EXPECT_FALSE(contains(pool, cheap));
    EXPECT_LE(pool.status().bytes, c.max_bytes);
}

TEST_F(TxPoolTest, AFullPoolEvictsTheCheapestOrRefusesTheNewcomer) {
    TxPoolConfig c = config();
    c.global_slots = 3;
    c.account_slots = 1;
    TxPool pool{c, state_};
    for (std::uint64_t n = 0; n < 3; ++n)
        ASSERT_TRUE(add(pool, make({.from = 0, .nonce = n, .tip = kGwei})));
    // Paying the same as the cheapest is not enough (geth: "transaction underpriced").
    EXPECT_EQ(error_of(pool.add(make({.from = 1, .tip = kGwei}), now_)), TxPoolError::kUnderpriced);
    // A better-paying one evicts the cheapest: sender 0's last nonce (the higher nonce goes
    // first on a tie, which keeps the rest executable).
    ASSERT_TRUE(add(pool, make({.from = 1, .tip = U256{5} * kGwei})));
    EXPECT_EQ(pool.status().pending, 3u);
    EXPECT_EQ(pool.pending_nonce(address(0)), 2u);
    EXPECT_EQ(pool.pending_nonce(address(1)), 1u);
    // Sender 0 is down to two; one more newcomer takes its nonce 1, then it is at its
    // guaranteed slot.
    ASSERT_TRUE(add(pool, make({.from = 2, .tip = U256{5} * kGwei})));
    EXPECT_EQ(pool.pending_nonce(address(0)), 1u);
    EXPECT_EQ(error_of(pool.add(make({.from = 3, .tip = U256{50} * kGwei}), now_)),
              TxPoolError::kPoolFull);
}

TEST_F(TxPoolTest, EvictionPrefersQueuedTransactions) {
    TxPoolConfig c = config();
    c.global_slots = 5;
    c.account_slots = 1;
    TxPool pool{c, state_};
    for (std::uint64_t n = 0; n < 4; ++n)  // nonces 1 to 3 beyond its slot
        ASSERT_TRUE(add(pool, make({.from = 0, .nonce = n})));
    const auto queued = make({.from = 1, .nonce = 2});  // same tip, lower nonce, but queued
    ASSERT_TRUE(add(pool, queued));
    ASSERT_TRUE(add(pool, make({.from = 2, .tip = U256{2} * kGwei})));
    EXPECT_FALSE(contains(pool, queued));
    EXPECT_EQ(pool.pending_nonce(address(0)), 4u);
}

TEST_F(TxPoolTest, AFutureTransactionNeverEvictsPendingOnes) {
    TxPoolConfig c = config();
    c.global_slots = 2;
    c.account_slots = 0;
    TxPool pool{c, state_};
    ASSERT_TRUE(add(pool, make({.from = 0})));
    ASSERT_TRUE(add(pool, make({.from = 1})));
    EXPECT_EQ(error_of(pool.add(make({.from = 2, .nonce = 3, .tip = U256{9} * kGwei}), now_)),
              TxPoolError::kPoolFull);
    EXPECT_TRUE(add(pool, make({.from = 2, .nonce = 0, .tip = U256{9} * kGwei})));
}

TEST_F(TxPoolTest, ASenderNeverEvictsItsOwnTransactions) {
    TxPoolConfig c = config();
    c.global_slots = 2;
    TxPool pool{c, state_};
    const auto own_queued = make({.from = 0, .nonce = 5});
    ASSERT_TRUE(add(pool, own_queued));
    ASSERT_TRUE(add(pool, make({.from = 1})));
    // Its own queued transaction would be the only candidate: the pool is full for it.
    EXPECT_EQ(error_of(pool.add(make({.from = 0, .tip = U256{9} * kGwei}), now_)),
              TxPoolError::kPoolFull);
    EXPECT_TRUE(contains(pool, own_queued));
    // Another sender may evict it.
    EXPECT_TRUE(add(pool, make({.from = 2, .tip = U256{9} * kGwei})));
    EXPECT_FALSE(contains(pool, own_queued));
}

TEST_F(TxPoolTest, EvictionPricesAtTheLatestBaseFee) {
    TxPoolConfig c = config();
    c.global_slots = 1;
    TxPool pool{c, state_};
    // Queued, so evictable: tip 5 gwei, but only 1 gwei above a 10 gwei base fee.
    const auto capped =
        make({.from = 0, .nonce = 1, .tip = U256{5} * kGwei, .fee_cap = U256{11} * kGwei});
    ASSERT_TRUE(add(pool, capped));
    const auto newcomer = make({.from = 1, .tip = U256{3} * kGwei});
    EXPECT_EQ(error_of(pool.add(newcomer, now_)), TxPoolError::kUnderpriced);
    pool.on_new_head(U256{10} * kGwei, now_);
    EXPECT_TRUE(add(pool, newcomer));
    EXPECT_FALSE(contains(pool, capped));
}

TEST_F(TxPoolTest, AReplacementThatCannotFitKeepsTheOriginal) {
    TxPoolConfig c = config();
    c.global_slots = 2;
    TxPool pool{c, state_};
    const auto original = make({.from = 0});
    ASSERT_TRUE(add(pool, original));
    ASSERT_TRUE(add(pool, make({.from = 1})));
    // Two slots instead of one, and sender 1 is within its guaranteed slots.
    const auto larger = make({.from = 0,
                              .tip = U256{2} * kGwei,
                              .fee_cap = U256{200} * kGwei,
                              .gas = gas_for(40 * 1024),
                              .data_bytes = 40 * 1024});
    EXPECT_EQ(error_of(pool.add(larger, now_)), TxPoolError::kPoolFull);
    EXPECT_TRUE(contains(pool, original));
    EXPECT_EQ(pool.status().pending, 2u);
}

// ---- Block building ----

TEST_F(TxPoolTest, BestOrdersSendersByEffectiveTipAndKeepsNonceOrder) {
    TxPool pool{config(), state_};
    const U256 base_fee = U256{10} * kGwei;
    // Sender 0: tips 1 then 9 gwei; sender 1: 5 gwei; sender 2: 9 gwei capped to 2 by its fee
    // cap; sender 3: fee cap below the base fee.
    const auto a0 = make({.from = 0, .nonce = 0, .tip = kGwei});
    const auto a1 = make({.from = 0, .nonce = 1, .tip = U256{9} * kGwei});
    const auto b0 = make({.from = 1, .tip = U256{5} * kGwei});
    const auto c0 = make({.from = 2, .tip = U256{9} * kGwei, .fee_cap = U256{12} * kGwei});
    const auto d0 = make({.from = 3, .tip = U256{3} * kGwei, .fee_cap = U256{5} * kGwei});
    for (const auto* tx : {&a0, &a1, &b0, &c0, &d0})
        ASSERT_TRUE(add(pool, *tx));

    const auto best = pool.best(base_fee, 30'000'000, 1u << 20);
    ASSERT_EQ(best.size(), 4u);
    EXPECT_EQ(transaction_hash(best[0]), transaction_hash(b0));  // 5 gwei
    EXPECT_EQ(transaction_hash(best[1]), transaction_hash(c0));  // min(9, 12 - 10) = 2
    EXPECT_EQ(transaction_hash(best[2]), transaction_hash(a0));  // 1, then its 9
    EXPECT_EQ(transaction_hash(best[3]), transaction_hash(a1));
    // With a low base fee everyone is in, sender 3 too.
    EXPECT_EQ(pool.best(kGwei, 30'000'000, 1u << 20).size(), 5u);
}

TEST_F(TxPoolTest, BestStopsASenderAtAFeeCapBelowTheBaseFee) {
    TxPool pool{config(), state_};
    ASSERT_TRUE(add(pool, make({.nonce = 0, .fee_cap = U256{20} * kGwei})));
    ASSERT_TRUE(add(pool, make({.nonce = 1, .tip = U256{1}, .fee_cap = U256{5} * kGwei})));
    ASSERT_TRUE(add(pool, make({.nonce = 2, .fee_cap = U256{20} * kGwei})));
    const auto best = pool.best(U256{10} * kGwei, 30'000'000, 1u << 20);
    ASSERT_EQ(best.size(), 1u);
    EXPECT_EQ(best[0].nonce, 0u);
    EXPECT_EQ(pool.status().pending, 3u);  // left in the pool
}

TEST_F(TxPoolTest, BestLeavesOutQueuedTransactions) {
    TxPool pool{config(), state_};
    ASSERT_TRUE(add(pool, make({.nonce = 1})));
    EXPECT_TRUE(pool.best(U256{}, 30'000'000, 1u << 20).empty());
}

TEST_F(TxPoolTest, BestRespectsTheGasBudgetPerSender) {
    TxPool pool{config(), state_};
    ASSERT_TRUE(add(pool, make({.from = 0, .tip = U256{9} * kGwei, .gas = 500'000})));
    ASSERT_TRUE(add(pool, make({.from = 0, .nonce = 1, .tip = U256{9} * kGwei})));
    ASSERT_TRUE(add(pool, make({.from = 1, .nonce = 0})));
    ASSERT_TRUE(add(pool, make({.from = 1, .nonce = 1})));
    // Sender 0's first does not fit, so its second cannot go; sender 1's both do.
    const auto best = pool.best(U256{}, 250'000, 1u << 20);
    ASSERT_EQ(best.size(), 2u);
    EXPECT_EQ(best[0].from, address(1));
    EXPECT_EQ(best[1].from, address(1));
}

TEST_F(TxPoolTest, BestRespectsTheByteBudget) {
    TxPool pool{config(), state_};
    const auto big = make(
        {.from = 0, .tip = U256{9} * kGwei, .gas = gas_for(10 * 1024), .data_bytes = 10 * 1024});
    const auto small = make({.from = 1});
    ASSERT_TRUE(add(pool, big));
    ASSERT_TRUE(add(pool, small));
    const auto best = pool.best(U256{}, 30'000'000, 4 * 1024);
    ASSERT_EQ(best.size(), 1u);
    EXPECT_EQ(transaction_hash(best[0]), transaction_hash(small));
    EXPECT_EQ(pool.best(U256{}, 30'000'000, encode(big).size() + encode(small).size()).size(), 2u);
}

// ---- Head updates ----

TEST_F(TxPoolTest, NewHeadsDropIncludedAndPromoteWhatBecameContiguous) {
    TxPool pool{config(), state_};
    std::vector<Hash32> events;
    const auto tx0 = make({.nonce = 0});
    const auto tx2 = make({.nonce = 2});
    ASSERT_TRUE(add(pool, tx0));
    ASSERT_TRUE(add(pool, tx2));
    pool.subscribe([&](const Hash32& hash) { events.push_back(hash); });
    // A block included nonces 0 and 1 (1 came from elsewhere).
    state_.nonces[address(0)] = 2;
    pool.on_new_head(kGwei, now_);
    EXPECT_FALSE(contains(pool, tx0));
    EXPECT_EQ(pool.status().pending, 1u);
    EXPECT_EQ(pool.status().queued, 0u);
    EXPECT_EQ(pool.pending_nonce(address(0)), 3u);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0], transaction_hash(tx2));
}

TEST_F(TxPoolTest, NewHeadsDropWhatIsNoLongerAffordable) {
    TxPool pool{config(), state_};
    ASSERT_TRUE(add(pool, make({.nonce = 0})));
    const auto dear = make({.nonce = 1, .value = U256{1} * kGwei * kGwei});
    ASSERT_TRUE(add(pool, dear));
    ASSERT_TRUE(add(pool, make({.nonce = 2})));
    state_.balances[address(0)] = kDefaultCost;
    pool.on_new_head(kGwei, now_);
    EXPECT_FALSE(contains(pool, dear));
    // Nonce 2 now waits behind a gap.
    EXPECT_EQ(pool.status().pending, 1u);
    EXPECT_EQ(pool.status().queued, 1u);
    EXPECT_EQ(pool.pending_nonce(address(0)), 1u);
}

TEST_F(TxPoolTest, QueuedTransactionsExpireAfterTheLifetime) {
    TxPoolConfig c = config();
    c.lifetime = std::chrono::seconds(60);
    TxPool pool{c, state_};
    ASSERT_TRUE(add(pool, make({.from = 0, .nonce = 0})));
    const auto queued = make({.from = 1, .nonce = 3});
    ASSERT_TRUE(add(pool, queued));
    pool.on_new_head(kGwei, now_ + std::chrono::seconds(60));
    EXPECT_TRUE(contains(pool, queued));  // not older than the lifetime yet
    pool.on_new_head(kGwei, now_ + std::chrono::seconds(61));
    EXPECT_FALSE(contains(pool, queued));
    EXPECT_EQ(pool.status().queued, 0u);
    EXPECT_EQ(pool.status().pending, 1u);  // pending ones do not expire
}

// ---- Batches and concurrency ----

TEST_F(TxPoolTest, BatchAdmissionVerifiesInParallelAndAnswersInOrder) {
    TxPoolConfig c = config();
    c.verify_threads = 3;
    TxPool pool{c, state_};
    state_.keys.erase(address(3));
    std::vector<Transaction> batch;
    for (std::uint64_t n = 0; n < 6; ++n)
        batch.push_back(make({.from = 0, .nonce = n}));
    batch.push_back(make({.from = 3, .nonce = 0, .include_key = true}));
    batch.push_back(make({.from = 3, .nonce = 1}));  // under the key of the one before
    Transaction tampered = make({.from = 1});
    tampered.nonce = 9;
    batch.push_back(tampered);
    batch.push_back(batch[0]);  // a duplicate
    const auto results = pool.add_batch(batch, now_);
    ASSERT_EQ(results.size(), batch.size());
    for (std::size_t i = 0; i + 2 < results.size(); ++i) {
        ASSERT_TRUE(results[i].has_value()) << i << ": " << to_string(results[i].error());
        EXPECT_EQ(*results[i], transaction_hash(batch[i]));
    }
    EXPECT_EQ(error_of(results[8]), TxPoolError::kInvalidSignature);
    EXPECT_EQ(error_of(results[9]), TxPoolError::kAlreadyKnown);
    EXPECT_EQ(pool.status().pending, 8u);
}

TEST_F(TxPoolTest, BatchRechecksAKeyWhoseCarrierWasRefused) {
    TxPoolConfig c = config();
    c.verify_threads = 0;  // one per core
    TxPool pool{c, state_};
    state_.keys.erase(address(3));
    // The carrier passes every rule before the signature and fails its verification; the
    // follower was verified, in parallel, under the key the carrier brought.
    Transaction carrier = make({.from = 3, .nonce = 0, .include_key = true});
    carrier.value = U256{2};
    const auto follower = make({.from = 3, .nonce = 1});
    const auto results = pool.add_batch({carrier, follower}, now_);
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(error_of(results[0]), TxPoolError::kInvalidSignature);
    EXPECT_EQ(error_of(results[1]), TxPoolError::kMissingPublicKey);
    EXPECT_EQ(pool.status().queued, 0u);
}

// ---- Cheap refusals: the rules after the signature run before it too ----
// A transaction whose signature is broken shows which rule decided: had it been verified
// first, every refusal here would read "invalid signature".

Transaction with_broken_signature(Transaction tx) {
    tx.signature.front() ^= 0x01;
    return tx;
}

TEST_F(TxPoolTest, AnUnfundedSenderIsRefusedBeforeItsSignatureIsVerified) {
    TxPool pool{config(), state_};
    state_.balances[address(0)] = kDefaultCost - U256{1};
    EXPECT_EQ(error_of(pool.add(with_broken_signature(make({})), now_)),
              TxPoolError::kInsufficientFunds);
    // Funded, the same broken signature is what refuses it.
    state_.balances[address(0)] = kDefaultCost;
    EXPECT_EQ(error_of(pool.add(with_broken_signature(make({})), now_)),
              TxPoolError::kInvalidSignature);
}

TEST_F(TxPoolTest, AFullPoolRefusesBeforeVerifying) {
    TxPoolConfig c = config();
    c.global_slots = 2;
    c.account_slots = 0;
    TxPool pool{c, state_};
    ASSERT_TRUE(add(pool, make({.from = 0, .tip = U256{2} * kGwei})));
    ASSERT_TRUE(add(pool, make({.from = 1, .tip = U256{2} * kGwei})));
    EXPECT_EQ(
        error_of(pool.add(with_broken_signature(make({.from = 2, .tip = U256{2} * kGwei})), now_)),
        TxPoolError::kUnderpriced);
    // One that would pay its way in is verified, and its broken signature refuses it; the
    // pool is left as it was.
    EXPECT_EQ(
        error_of(pool.add(with_broken_signature(make({.from = 2, .tip = U256{3} * kGwei})), now_)),
        TxPoolError::kInvalidSignature);
    EXPECT_EQ(pool.status().pending, 2u);
}

TEST_F(TxPoolTest, QueueLimitsAndUnderpricedReplacementsRefuseBeforeVerifying) {
    TxPoolConfig c = config();
    c.account_queue = 1;
    TxPool pool{c, state_};
    ASSERT_TRUE(add(pool, make({.from = 0, .nonce = 5})));
    EXPECT_EQ(error_of(pool.add(with_broken_signature(make({.from = 0, .nonce = 6})), now_)),
              TxPoolError::kAccountLimit);
    EXPECT_EQ(
        error_of(pool.add(with_broken_signature(make({.from = 0, .nonce = 5, .value = 2})), now_)),
        TxPoolError::kReplacementUnderpriced);
}

TEST_F(TxPoolTest, ABatchJudgesLaterTransactionsOnlyByRulesEarlierOnesCannotChange) {
    TxPoolConfig c = config();
    c.global_queue = 1;
    TxPool pool{c, state_};
    ASSERT_TRUE(add(pool, make({.from = 1, .nonce = 3})));  // the queue is full
    // On its own, sender 0's nonce 1 would be queued and refused; after its nonce 0 from
    // the same batch it is pending, and gets in.
    const auto results =
        pool.add_batch({make({.from = 0, .nonce = 0}), make({.from = 0, .nonce = 1}),
                        with_broken_signature(make({.from = 2, .value = U256::max()}))},
                       now_);
    ASSERT_EQ(results.size(), 3u);
    EXPECT_TRUE(results[0].has_value());
    EXPECT_TRUE(results[1].has_value());
    // A later one whose own cost exceeds the balance is refused before verification.
    EXPECT_EQ(error_of(results[2]), TxPoolError::kInsufficientFunds);
    EXPECT_EQ(pool.pending_nonce(address(0)), 2u);
}

// Each rule asks for the sender's nonce, balance or key; each ask of the node's reader is a
// database read. One batch reads each of them once before the verification and once after
// (a block may have committed in between), however many of the sender's transactions it
// holds, and a later batch reads the state afresh.
TEST_F(TxPoolTest, ABatchReadsEachAccountFieldOnceBeforeAndOnceAfterVerifying) {
    TxPool pool{config(), state_};
    std::vector<Transaction> txs;
    for (std::uint64_t n = 0; n < 10; ++n)
        txs.push_back(make({.from = 1, .nonce = n}));
    for (const auto& result : pool.add_batch(txs, now_))
        ASSERT_TRUE(result.has_value()) << to_string(result.error());
    EXPECT_EQ(state_.nonce_reads.load(), 2u);
    EXPECT_EQ(state_.balance_reads.load(), 2u);
    EXPECT_EQ(state_.key_reads.load(), 2u);
    EXPECT_EQ(pool.pending_nonce(address(1)), 10u);

    state_.nonces[address(1)] = 20;  // a block committed the sender's nonces up to 19
    EXPECT_EQ(error_of(pool.add(make({.from = 1, .nonce = 15}), now_)), TxPoolError::kNonceTooLow);
}

TEST(TxPoolConfigFor, HoldsThreeBlocksAndNeverLessThanGethsDefaults) {
    ChainSpec spec;
    spec.chain_id = 9;
    spec.gas_limit = 30'000'000;
    spec.max_block_bytes = 4u << 20;
    TxPoolConfig small = pool_config_for(spec);
    EXPECT_EQ(small.chain_id, 9u);
    EXPECT_EQ(small.block_gas_limit, 30'000'000u);
    EXPECT_EQ(small.global_slots, 5120u);  // 3 × 1,428 = 4,284 is below geth's default
    EXPECT_EQ(small.global_queue, 1024u);
    EXPECT_EQ(small.max_bytes, std::size_t{64} << 20);
    EXPECT_EQ(small.min_tip, U256{1});

    spec.gas_limit = 110'000'000;
    spec.max_block_bytes = 12u << 20;
    TxPoolConfig large = pool_config_for(spec);
    EXPECT_EQ(large.global_slots, 3u * (110'000'000u / 21'000u));
    EXPECT_EQ(large.global_queue, large.global_slots / 5);
    EXPECT_EQ(large.max_bytes, std::size_t{64} << 20);

    spec.gas_limit = 1'000'000'000;
    EXPECT_EQ(pool_config_for(spec).global_slots, 3u * 47'619u);
}

TEST_F(TxPoolTest, ConcurrentAddsAndReadsAgree) {
    TxPool pool{config(), state_};
    constexpr std::uint64_t kPerSender = 10;
    std::vector<std::vector<Transaction>> txs(kKeys);
    for (std::uint32_t s = 0; s < kKeys; ++s) {
        for (std::uint64_t n = 0; n < kPerSender; ++n)
            txs[s].push_back(make({.from = s, .nonce = n}));
    }
    std::atomic<std::size_t> announced{0};
    pool.subscribe([&](const Hash32&) { ++announced; });
    std::vector<std::thread> threads;
    for (std::uint32_t s = 0; s < kKeys; ++s) {
        threads.emplace_back([&, s] {
            for (const auto& tx : txs[s]) {
                EXPECT_TRUE(pool.add(tx, now_).has_value());
                (void)pool.best(U256{}, 30'000'000, 1u << 20);
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    EXPECT_EQ(pool.status().pending, kKeys * kPerSender);
    EXPECT_EQ(announced.load(), kKeys * kPerSender);
    EXPECT_EQ(pool.best(U256{}, 30'000'000, 1u << 20).size(), kKeys * kPerSender);
}

TEST(TxPoolErrors, AreWordedAsGeth) {
    EXPECT_EQ(to_string(TxPoolError::kAlreadyKnown), "already known");
    EXPECT_EQ(to_string(TxPoolError::kNonceTooLow), "nonce too low");
    EXPECT_EQ(to_string(TxPoolError::kInsufficientFunds),
              "insufficient funds for gas * price + value");
    EXPECT_EQ(to_string(TxPoolError::kIntrinsicGasTooLow), "intrinsic gas too low");
    EXPECT_EQ(to_string(TxPoolError::kGasLimitExceeded), "exceeds block gas limit");
    EXPECT_EQ(to_string(TxPoolError::kReplacementUnderpriced),
              "replacement transaction underpriced");
    EXPECT_EQ(to_string(TxPoolError::kUnderpriced), "transaction underpriced");
    EXPECT_EQ(to_string(TxPoolError::kInvalidSignature), "invalid signature");
    EXPECT_EQ(to_string(TxPoolError::kMissingPublicKey),
              "invalid sender: no public key registered; the first transaction of an account "
              "must carry its public key");
    EXPECT_EQ(to_string(TxPoolError::kInvalidChainId), "invalid chain id");
    EXPECT_EQ(to_string(TxPoolError::kOversizedData), "oversized data");
    EXPECT_EQ(to_string(TxPoolError::kFeeCapBelowBaseFee),
              "max fee per gas less than block base fee");
    EXPECT_EQ(to_string(TxPoolError::kTipAboveFeeCap),
              "max priority fee per gas higher than max fee per gas");
    EXPECT_EQ(to_string(TxPoolError::kPoolFull), "txpool is full");
    EXPECT_EQ(to_string(TxPoolError::kAccountLimit), "account limit exceeded");
}

}  // namespace
}  // namespace qtm::chain
