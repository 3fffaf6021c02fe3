// The transaction pool (txpool.hpp, docs/txpool.md).
//
// Per sender, transactions are kept by nonce; which of them are pending is derived from the
// sender's state nonce: the run of consecutive nonces starting there is pending, everything
// after a gap is queued. Each change to a sender re-derives its split (`reorganize`).
//
// Admission runs in three phases so that the lock is never held across an ML-DSA
// verification: stateless checks and hashing (no lock), a look-up of the key each signature
// must verify under (lock), the verifications (no lock, in parallel for a batch), and the
// stateful checks and insertion (lock), in input order.
#include "chain/txpool.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <queue>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>

#include "chain/chain_spec.hpp"
#include "crypto/keccak.hpp"

namespace qtm::chain {

std::string_view to_string(TxPoolError error) noexcept {
    switch (error) {
        case TxPoolError::kAlreadyKnown:
            return "already known";
        case TxPoolError::kNonceTooLow:
            return "nonce too low";
        case TxPoolError::kInsufficientFunds:
            return "insufficient funds for gas * price + value";
        case TxPoolError::kIntrinsicGasTooLow:
            return "intrinsic gas too low";
        case TxPoolError::kGasLimitExceeded:
            return "exceeds block gas limit";
        case TxPoolError::kReplacementUnderpriced:
            return "replacement transaction underpriced";
        case TxPoolError::kUnderpriced:
            return "transaction underpriced";
        case TxPoolError::kInvalidSignature:
            return to_string(SignatureError::kInvalidSignature);
        case TxPoolError::kKeyAddressMismatch:
            return to_string(SignatureError::kKeyAddressMismatch);
        case TxPoolError::kKeyAlreadyRegistered:
            return to_string(SignatureError::kKeyAlreadyRegistered);
        case TxPoolError::kMissingPublicKey:
            return to_string(SignatureError::kMissingPublicKey);
        case TxPoolError::kSchemeMismatch:
            return to_string(SignatureError::kSchemeMismatch);
        case TxPoolError::kInvalidChainId:
            return "invalid chain id";
        case TxPoolError::kOversizedData:
            return "oversized data";
        case TxPoolError::kFeeCapBelowBaseFee:
            return "max fee per gas less than block base fee";
        case TxPoolError::kTipAboveFeeCap:
            return "max priority fee per gas higher than max fee per gas";
        case TxPoolError::kPoolFull:
            return "txpool is full";
        case TxPoolError::kAccountLimit:
            return "account limit exceeded";
    }
    return "unknown txpool error";
}

namespace {

using TimePoint = std::chrono::steady_clock::time_point;

constexpr std::size_t kSlotSize = 32 * 1024;  // geth's txSlotSize

std::size_t slots_of(std::size_t size) {
    return (size + kSlotSize - 1) / kSlotSize;
}

// Prices come from outside: arithmetic on them must not wrap into something affordable.
std::optional<U256> checked_mul(const U256& a, const U256& b) {
    if (!a.is_zero() && b > U256::max() / a) return std::nullopt;
    return a * b;
}

std::optional<U256> checked_add(const U256& a, const U256& b) {
    const U256 sum = a + b;
    if (sum < a) return std::nullopt;
    return sum;
}

// gas limit × fee cap + value; nullopt when no balance could pay it.
std::optional<U256> cost_of(const Transaction& tx) {
    const auto gas = checked_mul(U256{tx.gas_limit}, tx.max_fee_per_gas);
    return gas ? checked_add(*gas, tx.value) : std::nullopt;
}

// floor(price × (100 + percent) / 100), exactly, without the intermediate overflowing.
std::optional<U256> bumped(const U256& price, std::uint32_t percent) {
    const U256 factor{std::uint64_t{100} + percent};
    const auto whole = checked_mul(price / U256{100}, factor);
    return whole ? checked_add(*whole, price % U256{100} * factor / U256{100}) : std::nullopt;
}

U256 effective_tip(const Transaction& tx, const U256& base_fee) {
    if (tx.max_fee_per_gas < base_fee) return U256{};
    return std::min(tx.max_priority_fee_per_gas, tx.max_fee_per_gas - base_fee);
}

bool same_key(const std::optional<state::RegisteredKey>& a,
              const std::optional<state::RegisteredKey>& b) {
    if (!a || !b) return !a && !b;
    return a->scheme == b->scheme && a->public_key == b->public_key;
}

state::RegisteredKey carried_key(const Transaction& tx) {
    return state::RegisteredKey{crypto::to_byte(tx.scheme), tx.public_key};
}

struct Entry {
    PoolTransaction pooled;
    bool pending{false};
};

struct Sender {
    std::map<std::uint64_t, Entry> by_nonce;
    std::size_t pending_count{0};
};

// A transaction on its way in, with what is learnt of it before it is admitted.
struct Incoming {
    const Transaction* tx{nullptr};
    std::size_t size{0};
    Hash32 hash{};
    std::optional<TxPoolError> refused;       // decided before the stateful checks
    std::optional<state::RegisteredKey> key;  // what the signature was verified under
    Result<void, SignatureError> verification{unexpected(SignatureError::kInvalidSignature)};
};

TxPoolError pool_error(SignatureError error) {
    switch (error) {
        case SignatureError::kInvalidSignature:
            return TxPoolError::kInvalidSignature;
        case SignatureError::kKeyAddressMismatch:
            return TxPoolError::kKeyAddressMismatch;
        case SignatureError::kKeyAlreadyRegistered:
            return TxPoolError::kKeyAlreadyRegistered;
        case SignatureError::kMissingPublicKey:
            return TxPoolError::kMissingPublicKey;
        case SignatureError::kSchemeMismatch:
            return TxPoolError::kSchemeMismatch;
    }
    return TxPoolError::kInvalidSignature;
}

struct Victim {
    Address sender{};
    std::uint64_t nonce{0};
    U256 tip{};
    bool pending{false};
    TimePoint added{};
    std::size_t size{0};
};

// The head state as one locked section of the pool sees it: each account's nonce, balance
// and key read at most once (an admission asks for each several times; each ask is a
// database read). Forgotten at the start of every section, since a block may commit between
// two of them.
class StateMemo {
public:
    explicit StateMemo(const PoolStateReader& state) noexcept : state_{state} {}

    void forget() noexcept {
        nonces_.clear();
        balances_.clear();
        keys_.clear();
    }
    [[nodiscard]] std::uint64_t nonce(const Address& address) const {
        return remembered(nonces_, address, [&] { return state_.nonce(address); });
    }
    [[nodiscard]] U256 balance(const Address& address) const {
        return remembered(balances_, address, [&] { return state_.balance(address); });
    }
    [[nodiscard]] std::optional<state::RegisteredKey> registered_key(const Address& address) const {
        return remembered(keys_, address, [&] { return state_.registered_key(address); });
    }

private:
    template <typename T>
    using Memo = std::unordered_map<Address, T, state::ByteArrayHasher>;

    template <typename T, typename Read>
    static T remembered(Memo<T>& memo, const Address& address, Read read) {
        if (const auto found = memo.find(address); found != memo.end()) return found->second;
        return memo.emplace(address, read()).first->second;
    }

    const PoolStateReader& state_;
    mutable Memo<std::uint64_t> nonces_;
    mutable Memo<U256> balances_;
    mutable Memo<std::optional<state::RegisteredKey>> keys_;
};

}  // namespace

struct TxPool::Impl {
    TxPoolConfig config;  // never changed after construction: read without the lock
    StateMemo state;      // under the lock
    mutable std::mutex mutex;
    std::map<Address, Sender> senders;
    std::unordered_map<Hash32, std::pair<Address, std::uint64_t>, state::ByteArrayHasher> by_hash;
    std::size_t slots{0};
    std::size_t bytes{0};
    std::size_t pending{0};
    std::size_t queued{0};
    U256 base_fee{};  // the latest head's, to price transactions against each other
    std::vector<Listener> listeners;

    Impl(TxPoolConfig c, const PoolStateReader& s) : config{std::move(c)}, state{s} {}

    // The rules that need neither the state nor the pool.
    std::optional<TxPoolError> check_stateless(const Transaction& tx, std::size_t size) const {
        if (size > kMaxTransactionSize) return TxPoolError::kOversizedData;
        if (tx.chain_id != config.chain_id) return TxPoolError::kInvalidChainId;
        if (tx.max_priority_fee_per_gas > tx.max_fee_per_gas) return TxPoolError::kTipAboveFeeCap;
        if (tx.gas_limit > config.block_gas_limit) return TxPoolError::kGasLimitExceeded;
        if (std::cmp_less(tx.gas_limit, intrinsic_gas(tx))) return TxPoolError::kIntrinsicGasTooLow;
        if (tx.max_priority_fee_per_gas < config.min_tip) return TxPoolError::kUnderpriced;
        return std::nullopt;
    }

    // The key a transaction must be signed with: the registered one, or else the one an
    // earlier pooled transaction of the sender carries (so that a new account can queue
    // several transactions before its first is mined).
    std::optional<state::RegisteredKey> expected_key(const Transaction& tx) const {
        if (auto registered = state.registered_key(tx.from)) return registered;
        const auto sender = senders.find(tx.from);
        if (sender == senders.end()) return std::nullopt;
        for (const auto& [nonce, entry] : sender->second.by_nonce) {
            if (nonce >= tx.nonce) break;
            if (!entry.pooled.tx.public_key.empty()) return carried_key(entry.pooled.tx);
        }
        return std::nullopt;
    }

    void remove(Sender& sender, std::map<std::uint64_t, Entry>::iterator it) {
        const Entry& entry = it->second;
        slots -= slots_of(entry.pooled.size);
        bytes -= entry.pooled.size;
        if (entry.pending) {
            --pending;
            --sender.pending_count;
        } else {
            --queued;
        }
        by_hash.erase(entry.pooled.hash);
        sender.by_nonce.erase(it);
    }

    // Drops what the state nonce has passed, then marks the consecutive run pending and the
    // rest queued. Appends newly pending hashes to `promoted`.
    void reorganize(const Address& address, std::vector<Hash32>& promoted) {
        const auto found = senders.find(address);
        if (found == senders.end()) return;
        Sender& sender = found->second;
        const std::uint64_t state_nonce = state.nonce(address);
        while (!sender.by_nonce.empty() && sender.by_nonce.begin()->first < state_nonce) {
            remove(sender, sender.by_nonce.begin());
        }
        std::uint64_t expected = state_nonce;
        for (auto& [nonce, entry] : sender.by_nonce) {
            const bool now_pending = nonce == expected;
            if (now_pending) ++expected;
            if (now_pending == entry.pending) continue;
            entry.pending = now_pending;
            if (now_pending) {
                ++pending;
                --queued;
                ++sender.pending_count;
                promoted.push_back(entry.pooled.hash);
            } else {
                --pending;
                ++queued;
                --sender.pending_count;
            }
        }
        if (sender.by_nonce.empty()) senders.erase(found);
    }

    // What must go for a newcomer of `size` bytes to fit (`freed` bytes leave with the
    // transaction it replaces). Only transactions paying a strictly lower effective tip can
    // go, cheapest first; on a tie queued before pending, then the higher nonce (as geth: it
    // keeps a sender's earlier nonces executable), then the oldest. Candidates: other
    // senders' queued transactions and, unless the newcomer would itself be queued (geth
    // never lets a future transaction churn pending ones), the pending transactions an
    // account holds beyond its `account_slots`, which are thus guaranteed.
    Result<std::vector<Victim>, TxPoolError> make_room(const Transaction& tx, std::size_t size,
                                                       std::size_t freed,
                                                       bool newcomer_pending) const {
        std::size_t need_slots = slots - slots_of(freed) + slots_of(size);
        std::size_t need_bytes = bytes - freed + size;
        const auto fits = [&] {
            return need_slots <= config.global_slots && need_bytes <= config.max_bytes;
        };
        if (fits()) return std::vector<Victim>{};
        std::vector<Victim> candidates;
        for (const auto& [address, sender] : senders) {
            if (address == tx.from) continue;
            std::size_t pending_seen = 0;
            for (const auto& [nonce, entry] : sender.by_nonce) {
                if (entry.pending && (!newcomer_pending || ++pending_seen <= config.account_slots))
                    continue;
                candidates.push_back(Victim{address, nonce,
                                            effective_tip(entry.pooled.tx, base_fee), entry.pending,
                                            entry.pooled.added, entry.pooled.size});
            }
        }
        if (candidates.empty()) return unexpected(TxPoolError::kPoolFull);
        const U256 tip = effective_tip(tx, base_fee);
        // A full pool of equal prices (the usual flood) is refused without sorting it.
        const auto cheapest =
            std::min_element(candidates.begin(), candidates.end(),
                             [](const Victim& a, const Victim& b) { return a.tip < b.tip; });
        if (cheapest->tip >= tip) return unexpected(TxPoolError::kUnderpriced);
        std::sort(candidates.begin(), candidates.end(), [](const Victim& a, const Victim& b) {
            if (a.tip != b.tip) return a.tip < b.tip;
            if (a.pending != b.pending) return !a.pending;
            if (a.nonce != b.nonce) return a.nonce > b.nonce;
            return a.added < b.added;
        });
        std::vector<Victim> victims;
        for (const auto& candidate : candidates) {
            if (candidate.tip >= tip) return unexpected(TxPoolError::kUnderpriced);
            victims.push_back(candidate);
            need_slots -= slots_of(candidate.size);
            need_bytes -= candidate.size;
            if (fits()) return victims;
        }
        return unexpected(TxPoolError::kPoolFull);
    }

    // The sender's pending transactions other than the one at `tx.nonce` are paid for first
    // (geth's overdraft rule); nullopt when the total overflows 256 bits.
    std::optional<U256> funds_needed(const Transaction& tx, const Sender* sender) const {
        std::optional<U256> need = cost_of(tx);
        if (!sender) return need;
        for (const auto& [nonce, entry] : sender->by_nonce) {
            if (!need || !entry.pending) break;
            if (nonce == tx.nonce) continue;
            const auto cost = cost_of(entry.pooled.tx);
            need = cost ? checked_add(*need, *cost) : std::nullopt;
        }
        return need;
    }

    // How a transaction that passed every other rule gets in.
    struct Admission {
        const Entry* replaced{nullptr};
        std::vector<Victim> victims;
    };

    // The rules after the signature (docs/txpool.md, 10 to 15): funds, replacement price,
    // queue limits and room. They read the pool and the state and change nothing, so
    // add_all also runs them before the costly verification.
    Result<Admission, TxPoolError> check_admission(const Incoming& in,
                                                   std::uint64_t state_nonce) const {
        const Transaction& tx = *in.tx;
        const auto found = senders.find(tx.from);
        const Sender* sender = found == senders.end() ? nullptr : &found->second;
        Admission admission;
        if (sender) {
            const auto same = sender->by_nonce.find(tx.nonce);
            if (same != sender->by_nonce.end()) admission.replaced = &same->second;
        }

        const auto need = funds_needed(tx, sender);
        if (!need || state.balance(tx.from) < *need) {
            return unexpected(TxPoolError::kInsufficientFunds);
        }

        if (const Entry* replaced = admission.replaced) {
            const Transaction& old = replaced->pooled.tx;
            const auto fee_cap = bumped(old.max_fee_per_gas, config.price_bump_percent);
            const auto tip = bumped(old.max_priority_fee_per_gas, config.price_bump_percent);
            // Strictly higher too, as geth, so that a zero bump cannot churn identical prices.
            if (!fee_cap || !tip || tx.max_fee_per_gas <= old.max_fee_per_gas ||
                tx.max_priority_fee_per_gas <= old.max_priority_fee_per_gas ||
                tx.max_fee_per_gas < *fee_cap || tx.max_priority_fee_per_gas < *tip) {
                return unexpected(TxPoolError::kReplacementUnderpriced);
            }
        }

        std::uint64_t next = state_nonce;  // the sender's first nonce gap
        if (sender) {
            for (auto it = sender->by_nonce.find(next);
                 it != sender->by_nonce.end() && it->first == next; ++it) {
                ++next;
            }
        }
        const bool newcomer_pending = tx.nonce <= next;
        if (!newcomer_pending && !admission.replaced) {
            const std::size_t sender_queued =
                sender ? sender->by_nonce.size() - sender->pending_count : 0;
            if (sender_queued >= config.account_queue) {
                return unexpected(TxPoolError::kAccountLimit);
            }
            if (queued >= config.global_queue) return unexpected(TxPoolError::kPoolFull);
        }

        auto victims =
            make_room(tx, in.size, admission.replaced ? admission.replaced->pooled.size : 0,
                      newcomer_pending);
        if (!victims) return unexpected(victims.error());
        admission.victims = std::move(*victims);
        return admission;
    }

    Result<Hash32, TxPoolError> admit(const Incoming& in, TimePoint now,
                                      std::vector<Hash32>& promoted) {
        const Transaction& tx = *in.tx;
        if (in.refused) return unexpected(*in.refused);
        if (by_hash.contains(in.hash)) return unexpected(TxPoolError::kAlreadyKnown);
        const std::uint64_t state_nonce = state.nonce(tx.from);
        if (tx.nonce < state_nonce) return unexpected(TxPoolError::kNonceTooLow);
        // The state may have moved since the last head: count only what is still pending.
        reorganize(tx.from, promoted);
        // Verified under a key that no longer holds (an earlier transaction of the batch that
        // carried it was refused): verify again, here, as rarely happens.
        const auto key = expected_key(tx);
        const auto verification =
            same_key(key, in.key) ? in.verification : verify_signature(tx, key);
        if (!verification) return unexpected(pool_error(verification.error()));

        auto admission = check_admission(in, state_nonce);
        if (!admission) return unexpected(admission.error());
        const std::vector<Victim>& victims = admission->victims;

        // Every check passed: from here on the pool changes.
        std::vector<Address> touched;
        for (const auto& victim : victims) {
            Sender& owner = senders.at(victim.sender);
            remove(owner, owner.by_nonce.find(victim.nonce));
            touched.push_back(victim.sender);
        }
        for (const auto& address : touched)
            reorganize(address, promoted);

        Sender& target = senders[tx.from];
        if (const auto same = target.by_nonce.find(tx.nonce); same != target.by_nonce.end()) {
            remove(target, same);
        }
        target.by_nonce.emplace(tx.nonce, Entry{PoolTransaction{tx, in.hash, in.size, now}, false});
        ++queued;  // reorganize() moves it to pending when it is executable
        slots += slots_of(in.size);
        bytes += in.size;
        by_hash.emplace(in.hash, std::pair{tx.from, tx.nonce});
        reorganize(tx.from, promoted);
        return in.hash;
    }

    void notify(const std::vector<Hash32>& promoted) {
        if (promoted.empty()) return;
        std::vector<Listener> copy;
        {
            const std::lock_guard lock{mutex};
            copy = listeners;
        }
        for (const auto& hash : promoted) {
            for (const auto& listener : copy)
                listener(hash);
        }
    }

    std::vector<Result<Hash32, TxPoolError>> add_all(const Transaction* txs, std::size_t count,
                                                     TimePoint now) {
        std::vector<Incoming> incoming(count);
        std::vector<Hash32> promoted;
        for (std::size_t i = 0; i < count; ++i) {
            const Bytes encoded = encode(txs[i]);
            incoming[i].tx = &txs[i];
            incoming[i].size = encoded.size();
            incoming[i].hash = crypto::keccak256(encoded);
            incoming[i].refused = check_stateless(txs[i], encoded.size());
        }
        {
            // A transaction already pooled or stale is refused before its costly verification.
            // A new account's later transactions may verify under the key that an earlier
            // transaction of the batch, with a lower nonce, carries (admit() checks that the
            // carrier did get in).
            const std::lock_guard lock{mutex};
            state.forget();
            bool earlier_survivor = false;
            std::map<Address, std::pair<std::uint64_t, state::RegisteredKey>> carriers;
            for (auto& in : incoming) {
                if (in.refused) continue;
                const Transaction& tx = *in.tx;
                if (by_hash.contains(in.hash)) {
                    in.refused = TxPoolError::kAlreadyKnown;
                    continue;
                }
                const std::uint64_t state_nonce = state.nonce(tx.from);
                if (tx.nonce < state_nonce) {
                    in.refused = TxPoolError::kNonceTooLow;
                    continue;
                }
                // The rules after the signature, before it, so that a full pool or an
                // unfunded sender costs no verification. They are exact for the batch's first
                // survivor (a single add); for the later ones, whose outcome can depend on the
                // earlier ones' admission, only the rule no admission can change: the
                // transaction's own cost against the balance.
                if (!earlier_survivor) {
                    reorganize(tx.from, promoted);
                    if (auto admission = check_admission(in, state_nonce); !admission) {
                        in.refused = admission.error();
                        continue;
                    }
                } else if (const auto cost = cost_of(tx); !cost || state.balance(tx.from) < *cost) {
                    in.refused = TxPoolError::kInsufficientFunds;
                    continue;
                }
                earlier_survivor = true;
                in.key = expected_key(tx);
                const auto carrier = carriers.find(tx.from);
                if (!in.key && carrier != carriers.end() && carrier->second.first < tx.nonce) {
                    in.key = carrier->second.second;
                }
                if (!tx.public_key.empty() &&
                    (carrier == carriers.end() || tx.nonce < carrier->second.first)) {
                    carriers.insert_or_assign(tx.from, std::pair{tx.nonce, carried_key(tx)});
                }
            }
        }
        verify(incoming);

        std::vector<Result<Hash32, TxPoolError>> results;
        results.reserve(count);
        {
            const std::lock_guard lock{mutex};
            state.forget();
            for (const auto& in : incoming)
                results.push_back(admit(in, now, promoted));
        }
        notify(promoted);
        return results;
    }

    std::vector<PoolTransaction> content(bool want_pending) const {
        std::vector<PoolTransaction> out;
        for (const auto& [address, sender] : senders) {
            for (const auto& [nonce, entry] : sender.by_nonce) {
                if (entry.pending == want_pending) out.push_back(entry.pooled);
            }
        }
        return out;
    }

    // The calling thread verifies too, so that the work completes even when no thread can
    // be started.
    void verify(std::vector<Incoming>& incoming) const {
        std::vector<Incoming*> work;
        for (auto& in : incoming) {
            if (!in.refused) work.push_back(&in);
        }
        std::atomic<std::size_t> next{0};
        const auto run = [&] {
            for (std::size_t i = next++; i < work.size(); i = next++) {
                work[i]->verification = verify_signature(*work[i]->tx, work[i]->key);
            }
        };
        std::vector<std::thread> helpers;
        const std::size_t threads = std::min(config.verify_threads, work.size());
        for (std::size_t t = 1; t < threads; ++t) {
            try {
                helpers.emplace_back(run);
            } catch (const std::system_error&) {
                break;
            }
        }
        run();
        for (auto& helper : helpers)
            helper.join();
    }
};

TxPoolConfig pool_config_for(const ChainSpec& spec) {
    constexpr std::uint64_t kBlocksHeld = 3;
    constexpr std::uint64_t kSmallestTransactionGas = 21'000;
    TxPoolConfig config;
    config.chain_id = spec.chain_id;
    config.block_gas_limit = spec.gas_limit;
    config.min_tip = U256{1};  // geth's --txpool.pricelimit
    const std::uint64_t transactions = kBlocksHeld * (spec.gas_limit / kSmallestTransactionGas);
    config.global_slots = std::max<std::size_t>(config.global_slots, transactions);
    config.global_queue = std::max<std::size_t>(config.global_queue, config.global_slots / 5);
    config.max_bytes = std::max<std::size_t>(config.max_bytes, kBlocksHeld * spec.max_block_bytes);
    return config;
}

TxPool::TxPool(TxPoolConfig config, const PoolStateReader& state)
    : impl_{std::make_unique<Impl>(std::move(config), state)} {
    if (impl_->config.verify_threads == 0) {
        impl_->config.verify_threads = std::max(1u, std::thread::hardware_concurrency());
    }
}

TxPool::~TxPool() = default;

Result<Hash32, TxPoolError> TxPool::add(const Transaction& tx,
                                        std::chrono::steady_clock::time_point now) {
    return std::move(impl_->add_all(&tx, 1, now).front());
}

std::vector<Result<Hash32, TxPoolError>> TxPool::add_batch(
    const std::vector<Transaction>& txs, std::chrono::steady_clock::time_point now) {
    return impl_->add_all(txs.data(), txs.size(), now);
}

std::vector<Transaction> TxPool::best(const U256& base_fee, std::uint64_t gas_limit,
                                      std::size_t max_bytes) const {
    const std::lock_guard lock{impl_->mutex};
    struct Head {
        U256 tip;
        TimePoint added;
        const Sender* sender;
        std::map<std::uint64_t, Entry>::const_iterator next;
    };
    auto worse = [](const Head& a, const Head& b) {
        if (a.tip != b.tip) return a.tip < b.tip;
        return a.added > b.added;  // earlier first on equal tips
    };
    std::priority_queue<Head, std::vector<Head>, decltype(worse)> heads{worse};
    const auto push_if_payable = [&](const Sender& sender, auto it) {
        if (it == sender.by_nonce.end() || !it->second.pending) return;
        const Transaction& tx = it->second.pooled.tx;
        if (tx.max_fee_per_gas < base_fee) return;  // and so its later nonces wait too
        heads.push(Head{effective_tip(tx, base_fee), it->second.pooled.added, &sender, it});
    };
    for (const auto& [address, sender] : impl_->senders)
        push_if_payable(sender, sender.by_nonce.cbegin());
    std::vector<Transaction> out;
    std::uint64_t gas = 0;
    std::size_t bytes = 0;
    while (!heads.empty()) {
        const Head head = heads.top();
        heads.pop();
        const PoolTransaction& pooled = head.next->second.pooled;
        if (pooled.tx.gas_limit > gas_limit - gas || pooled.size > max_bytes - bytes) {
            continue;  // this sender's later nonces cannot go without this one
        }
        out.push_back(pooled.tx);
        gas += pooled.tx.gas_limit;
        bytes += pooled.size;
        push_if_payable(*head.sender, std::next(head.next));
    }
    return out;
}

void TxPool::on_new_head(const U256& base_fee, std::chrono::steady_clock::time_point now) {
    std::vector<Hash32> promoted;
    {
        const std::lock_guard lock{impl_->mutex};
        impl_->state.forget();
        impl_->base_fee = base_fee;
        std::vector<Address> addresses;
        addresses.reserve(impl_->senders.size());
        for (const auto& [address, sender] : impl_->senders)
            addresses.push_back(address);
        for (const auto& address : addresses) {
            Sender& sender = impl_->senders.at(address);
            // Queued transactions past their lifetime go; so does each one the sender can no
            // longer afford on its own (its later nonces become queued and may follow it).
            const U256 balance = impl_->state.balance(address);
            for (auto it = sender.by_nonce.begin(); it != sender.by_nonce.end();) {
                const auto current = it++;
                const Entry& entry = current->second;
                const bool expired =
                    !entry.pending && now - entry.pooled.added > impl_->config.lifetime;
                const auto cost = cost_of(entry.pooled.tx);
                if (expired || !cost || balance < *cost) impl_->remove(sender, current);
            }
            impl_->reorganize(address, promoted);
        }
    }
    impl_->notify(promoted);
}

std::optional<PoolTransaction> TxPool::get(const Hash32& hash) const {
    const std::lock_guard lock{impl_->mutex};
    const auto found = impl_->by_hash.find(hash);
    if (found == impl_->by_hash.end()) return std::nullopt;
    const auto& [address, nonce] = found->second;
    return impl_->senders.at(address).by_nonce.at(nonce).pooled;
}

std::vector<bool> TxPool::contains(std::span<const Hash32> hashes) const {
    std::vector<bool> held;
    held.reserve(hashes.size());
    const std::lock_guard lock{impl_->mutex};
    for (const Hash32& hash : hashes)
        held.push_back(impl_->by_hash.contains(hash));
    return held;
}

TxPoolStatus TxPool::status() const {
    const std::lock_guard lock{impl_->mutex};
    return {impl_->pending, impl_->queued, impl_->bytes};
}

std::vector<PoolTransaction> TxPool::pending() const {
    const std::lock_guard lock{impl_->mutex};
    return impl_->content(true);
}

std::vector<PoolTransaction> TxPool::queued() const {
    const std::lock_guard lock{impl_->mutex};
    return impl_->content(false);
}

std::uint64_t TxPool::pending_nonce(const Address& address) const {
    const std::lock_guard lock{impl_->mutex};
    impl_->state.forget();
    const std::uint64_t state_nonce = impl_->state.nonce(address);
    const auto found = impl_->senders.find(address);
    if (found == impl_->senders.end()) return state_nonce;
    return state_nonce + found->second.pending_count;
}

void TxPool::subscribe(Listener listener) {
    const std::lock_guard lock{impl_->mutex};
    impl_->listeners.push_back(std::move(listener));
}

}  // namespace qtm::chain
