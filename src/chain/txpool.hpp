// The transaction pool, with geth's semantics (DESIGN.md §4, docs/txpool.md): per sender, a
// run of "pending" transactions with consecutive nonces from the account's state nonce
// (executable now) and "queued" ones behind a nonce gap; replacement of a same-nonce
// transaction only with both fee cap and tip at least 10% higher; limits per account and in
// total, counted in slots (32 KiB each, as geth) and bytes; eviction of the cheapest
// (lowest effective tip) and of queued transactions older than a lifetime; best-first
// iteration for block building; listeners told of each new pending transaction.
//
// Signatures are verified on admission, in parallel on a thread pool sized to the machine
// (add_batch), and never again when the block is built. The pool takes no clock of its
// own: the caller passes the current time. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/u256.hpp"
#include "chain/transaction.hpp"
#include "state/world_state.hpp"

namespace qtm::chain {

// What the pool needs to know of the head state. The node implements it over the latest
// committed state; tests over a map.
class PoolStateReader {
public:
    virtual ~PoolStateReader() = default;
    [[nodiscard]] virtual std::uint64_t nonce(const Address& address) const = 0;
    [[nodiscard]] virtual U256 balance(const Address& address) const = 0;
    [[nodiscard]] virtual std::optional<state::RegisteredKey> registered_key(
        const Address& address) const = 0;
};

struct TxPoolConfig {
    std::uint64_t chain_id{0};
    std::uint64_t block_gas_limit{30'000'000};
    U256 min_tip{};                         // geth --txpool.pricelimit (1 wei default)
    std::uint32_t price_bump_percent{10};   // replacement threshold
    std::size_t account_slots{16};          // pending slots guaranteed per account
    std::size_t global_slots{4096 + 1024};  // pending + queued, all accounts
    std::size_t account_queue{64};          // queued per account
    std::size_t global_queue{1024};
    std::size_t max_bytes{64u << 20};         // total encoded bytes
    std::chrono::seconds lifetime{3 * 3600};  // queued transactions older than this go
    std::size_t verify_threads{0};            // 0: std::thread::hardware_concurrency()
};

struct ChainSpec;

// The pool for a chain: its chain id and gas limit, and limits that hold at least three
// blocks of the chain's capacity (of the smallest transactions, 21,000 gas each, and of its
// block bytes), never below geth's defaults (4096 + 1024 slots, 64 MiB); a fifth of the
// slots may be queued (geth's 1024 of 5120).
[[nodiscard]] TxPoolConfig pool_config_for(const ChainSpec& spec);

// Every reason a transaction is refused, worded as geth's errors.
enum class TxPoolError {
    kAlreadyKnown,            // "already known"
    kNonceTooLow,             // "nonce too low"
    kInsufficientFunds,       // "insufficient funds for gas * price + value"
    kIntrinsicGasTooLow,      // "intrinsic gas too low"
    kGasLimitExceeded,        // "exceeds block gas limit"
    kReplacementUnderpriced,  // "replacement transaction underpriced"
    kUnderpriced,             // "transaction underpriced" (tip below min_tip, or pool full
                              //  of better-paying transactions)
    kInvalidSignature,        // "invalid signature"
    // The key-registration rules (chain::SignatureError's texts):
    kKeyAddressMismatch,    // the carried public key does not derive `from`
    kKeyAlreadyRegistered,  // a different key is registered for the sender
    kMissingPublicKey,      // no key carried and none registered (or pooled before it)
    kSchemeMismatch,        // the scheme differs from the registered key's
    kInvalidChainId,        // "invalid chain id"
    kOversizedData,         // "oversized data"
    kFeeCapBelowBaseFee,    // "max fee per gas less than block base fee"
    kTipAboveFeeCap,        // "max priority fee per gas higher than max fee per gas"
    kPoolFull,              // "txpool is full"
    kAccountLimit,          // "account limit exceeded"
};
[[nodiscard]] std::string_view to_string(TxPoolError error) noexcept;

struct PoolTransaction {
    Transaction tx;
    Hash32 hash{};
    std::size_t size{0};  // encoded bytes
    std::chrono::steady_clock::time_point added{};
};

struct TxPoolStatus {
    std::size_t pending{0};
    std::size_t queued{0};
    std::size_t bytes{0};
};

class TxPool {
public:
    TxPool(TxPoolConfig config, const PoolStateReader& state);
    ~TxPool();
    TxPool(const TxPool&) = delete;
    TxPool& operator=(const TxPool&) = delete;

    // Admits one transaction (its signature verified here). Returns its hash.
    [[nodiscard]] Result<Hash32, TxPoolError> add(const Transaction& tx,
                                                  std::chrono::steady_clock::time_point now);
    // Admits many; signatures are verified in parallel first. One result per input, in order.
    [[nodiscard]] std::vector<Result<Hash32, TxPoolError>> add_batch(
        const std::vector<Transaction>& txs, std::chrono::steady_clock::time_point now);

    // Pending transactions for a block, best first: the sender whose next transaction pays the
    // highest effective tip at `base_fee` goes first; per sender, nonces in order. Transactions
    // whose fee cap is below `base_fee` are left out (they stay in the pool).
    [[nodiscard]] std::vector<Transaction> best(const U256& base_fee, std::uint64_t gas_limit,
                                                std::size_t max_bytes) const;

    // After a block is committed: drops included and now-stale transactions (nonce below the
    // state nonce, or no longer affordable), promotes queued ones that became executable,
    // and drops queued transactions older than the lifetime.
    void on_new_head(const U256& base_fee, std::chrono::steady_clock::time_point now);

    [[nodiscard]] std::optional<PoolTransaction> get(const Hash32& hash) const;
    // For each hash, whether the pool holds that transaction (so its signature was verified
    // on admission). One lock for all.
    [[nodiscard]] std::vector<bool> contains(std::span<const Hash32> hashes) const;
    [[nodiscard]] TxPoolStatus status() const;
    // txpool_content: per sender, pending and queued transactions by nonce.
    [[nodiscard]] std::vector<PoolTransaction> pending() const;
    [[nodiscard]] std::vector<PoolTransaction> queued() const;
    // The next nonce the sender can use, counting its pending transactions (eth_getTransactionCount
    // "pending").
    [[nodiscard]] std::uint64_t pending_nonce(const Address& sender) const;

    // Called (outside the pool's lock) for every transaction that becomes pending.
    using Listener = std::function<void(const Hash32& hash)>;
    void subscribe(Listener listener);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace qtm::chain
