// The transaction pool (txpool.hpp, docs/txpool.md).
//
// Per sender, transactions are kept by nonce; which of them are pending is derived from the
// sender's state nonce: the run of consecutive nonces starting there is pending, everything
// after a gap is queued. Each change to a sender re-derives its split (`reorganize`).
#include "chain/txpool.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <queue>
#include <thread>
#include <unordered_map>

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
            return "invalid signature";
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

constexpr std::size_t kSlotSize = 32 * 1024;  // geth's txSlotSize

std::size_t slots_of(std::size_t size) {
    return (size + kSlotSize - 1) / kSlotSize;
}

struct Entry {
    PoolTransaction pooled;
    bool pending{false};
};

struct Sender {
    std::map<std::uint64_t, Entry> by_nonce;
    std::size_t pending_count{0};
};

U256 effective_tip(const Transaction& tx, const U256& base_fee) {
    if (tx.max_fee_per_gas < base_fee) return U256{};
    return std::min(tx.max_priority_fee_per_gas, tx.max_fee_per_gas - base_fee);
}

U256 bumped(const U256& price, std::uint32_t percent) {
    return price * U256{100 + percent} / U256{100};
}

}  // namespace

struct TxPool::Impl {
    TxPoolConfig config;
    const PoolStateReader& state;
    mutable std::mutex mutex;
    std::map<Address, Sender> senders;
    std::unordered_map<Hash32, Address, state::ByteArrayHasher> by_hash;
    std::size_t slots{0};
    std::size_t bytes{0};
    std::size_t pending{0};
    std::size_t queued{0};
    std::vector<Listener> listeners;

    Impl(TxPoolConfig c, const PoolStateReader& s) : config{std::move(c)}, state{s} {}

    // The key a transaction must be signed with: the registered one, or else the one an
    // earlier pooled transaction of the sender carries (so that a new account can queue
    // several transactions before its first is mined).
    std::optional<state::RegisteredKey> expected_key(const Transaction& tx) const {
        if (auto registered = state.registered_key(tx.from)) return registered;
        const auto sender = senders.find(tx.from);
        if (sender == senders.end()) return std::nullopt;
        for (const auto& [nonce, entry] : sender->second.by_nonce) {
            if (nonce >= tx.nonce) break;
            const Transaction& earlier = entry.pooled.tx;
            if (!earlier.public_key.empty()) {
                return state::RegisteredKey{crypto::to_byte(earlier.scheme), earlier.public_key};
            }
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

    // The cheapest transaction that may be evicted for a better-paying newcomer: any queued
    // transaction, or the last pending one of an account above its guaranteed slots
    // (evicting the last keeps the rest executable). Ties go to the oldest.
    struct Victim {
        Address sender;
        std::uint64_t nonce;
        U256 tip;
        std::chrono::steady_clock::time_point added;
    };
    std::optional<Victim> cheapest_evictable(const Address& excluded) const {
        std::optional<Victim> best;
        auto consider = [&](const Address& address, const Entry& entry) {
            const Victim candidate{address, entry.pooled.tx.nonce,
                                   entry.pooled.tx.max_priority_fee_per_gas, entry.pooled.added};
            if (!best || candidate.tip < best->tip ||
                (candidate.tip == best->tip && candidate.added < best->added)) {
                best = candidate;
            }
        };
        for (const auto& [address, sender] : senders) {
            if (address == excluded) continue;
            for (const auto& [nonce, entry] : sender.by_nonce) {
                if (!entry.pending) consider(address, entry);
            }
            if (sender.pending_count > config.account_slots) {
                for (auto it = sender.by_nonce.rbegin(); it != sender.by_nonce.rend(); ++it) {
                    if (it->second.pending) {
                        consider(address, it->second);
                        break;
                    }
                }
            }
        }
        return best;
    }

    Result<Hash32, TxPoolError> admit(const Transaction& tx, std::optional<bool> signature_ok,
                                      std::chrono::steady_clock::time_point now,
                                      std::vector<Hash32>& promoted) {
        const Bytes encoded = encode(tx);
        if (encoded.size() > kMaxTransactionSize) return unexpected(TxPoolError::kOversizedData);
        if (tx.chain_id != config.chain_id) return unexpected(TxPoolError::kInvalidChainId);
        if (tx.max_priority_fee_per_gas > tx.max_fee_per_gas) {
            return unexpected(TxPoolError::kTipAboveFeeCap);
        }
        if (tx.gas_limit > config.block_gas_limit) {
            return unexpected(TxPoolError::kGasLimitExceeded);
        }
        if (static_cast<std::int64_t>(tx.gas_limit) < intrinsic_gas(tx)) {
            return unexpected(TxPoolError::kIntrinsicGasTooLow);
        }
        if (tx.max_priority_fee_per_gas < config.min_tip) {
            return unexpected(TxPoolError::kUnderpriced);
        }
        const Hash32 hash = crypto::keccak256(encoded);
        if (by_hash.contains(hash)) return unexpected(TxPoolError::kAlreadyKnown);
        if (tx.nonce < state.nonce(tx.from)) return unexpected(TxPoolError::kNonceTooLow);
        const bool verified =
            signature_ok ? *signature_ok : verify_signature(tx, expected_key(tx)).has_value();
        if (!verified) return unexpected(TxPoolError::kInvalidSignature);
        // gas * price + value must be affordable (U256 overflow is impossible to pay for).
        const U256 gas_cost = U256{tx.gas_limit} * tx.max_fee_per_gas;
        const U256 cost = gas_cost + tx.value;
        if (cost < gas_cost || state.balance(tx.from) < cost) {
            return unexpected(TxPoolError::kInsufficientFunds);
        }

        Sender& sender = senders[tx.from];
        const auto same_nonce = sender.by_nonce.find(tx.nonce);
        const std::size_t new_slots = slots_of(encoded.size());
        if (same_nonce != sender.by_nonce.end()) {
            const Transaction& old = same_nonce->second.pooled.tx;
            if (tx.max_fee_per_gas < bumped(old.max_fee_per_gas, config.price_bump_percent) ||
                tx.max_priority_fee_per_gas <
                    bumped(old.max_priority_fee_per_gas, config.price_bump_percent)) {
                return unexpected(TxPoolError::kReplacementUnderpriced);
            }
            remove(sender, same_nonce);
        } else {
            // Would it be queued, and is the sender's queue full?
            std::uint64_t next = state.nonce(tx.from);
            for (const auto& [nonce, entry] : sender.by_nonce) {
                if (nonce != next) break;
                ++next;
            }
            if (tx.nonce != next) {
                const std::size_t sender_queued = sender.by_nonce.size() - sender.pending_count;
                if (sender_queued >= config.account_queue) {
                    if (sender.by_nonce.empty()) senders.erase(tx.from);
                    return unexpected(TxPoolError::kAccountLimit);
                }
                if (queued >= config.global_queue) {
                    if (sender.by_nonce.empty()) senders.erase(tx.from);
                    return unexpected(TxPoolError::kPoolFull);
                }
            }
        }
        // Make room: evict cheaper transactions of other senders, or refuse.
        while (slots + new_slots > config.global_slots ||
               bytes + encoded.size() > config.max_bytes) {
            const auto victim = cheapest_evictable(tx.from);
            if (!victim || victim->tip >= tx.max_priority_fee_per_gas) {
                if (sender.by_nonce.empty()) senders.erase(tx.from);
                return unexpected(victim ? TxPoolError::kUnderpriced : TxPoolError::kPoolFull);
            }
            Sender& owner = senders.at(victim->sender);
            remove(owner, owner.by_nonce.find(victim->nonce));
            std::vector<Hash32> ignored;
            reorganize(victim->sender, ignored);  // later nonces of the owner become queued
        }

        Entry entry{PoolTransaction{tx, hash, encoded.size(), now}, false};
        sender.by_nonce.emplace(tx.nonce, std::move(entry));
        ++queued;  // reorganize() moves it to pending when it is executable
        slots += new_slots;
        bytes += encoded.size();
        by_hash.emplace(hash, tx.from);
        reorganize(tx.from, promoted);
        return hash;
    }

    void notify(const std::vector<Hash32>& promoted) {
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
};

TxPool::TxPool(TxPoolConfig config, const PoolStateReader& state)
    : impl_{std::make_unique<Impl>(std::move(config), state)} {
    if (impl_->config.verify_threads == 0) {
        impl_->config.verify_threads = std::max(1u, std::thread::hardware_concurrency());
    }
}

TxPool::~TxPool() = default;

Result<Hash32, TxPoolError> TxPool::add(const Transaction& tx,
                                        std::chrono::steady_clock::time_point now) {
    std::vector<Hash32> promoted;
    Result<Hash32, TxPoolError> result = unexpected(TxPoolError::kInvalidSignature);
    {
        const std::lock_guard lock{impl_->mutex};
        result = impl_->admit(tx, std::nullopt, now, promoted);
    }
    impl_->notify(promoted);
    return result;
}

std::vector<Result<Hash32, TxPoolError>> TxPool::add_batch(
    const std::vector<Transaction>& txs, std::chrono::steady_clock::time_point now) {
    // Signatures first, in parallel and outside the lock. The expected key is read from the
    // state or, for a sender's later transactions, from an earlier one in the batch or pool.
    std::vector<std::optional<state::RegisteredKey>> keys(txs.size());
    {
        const std::lock_guard lock{impl_->mutex};
        std::map<Address, state::RegisteredKey> carried;
        for (std::size_t i = 0; i < txs.size(); ++i) {
            keys[i] = impl_->expected_key(txs[i]);
            if (!keys[i]) {
                if (const auto it = carried.find(txs[i].from); it != carried.end())
                    keys[i] = it->second;
            }
            if (!txs[i].public_key.empty() && !carried.contains(txs[i].from)) {
                carried.emplace(txs[i].from, state::RegisteredKey{crypto::to_byte(txs[i].scheme),
                                                                  txs[i].public_key});
            }
        }
    }
    std::vector<char> valid(txs.size(), 0);
    const std::size_t threads = std::min(impl_->config.verify_threads, txs.size());
    std::vector<std::thread> workers;
    for (std::size_t t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            for (std::size_t i = t; i < txs.size(); i += threads) {
                valid[i] = verify_signature(txs[i], keys[i]).has_value() ? 1 : 0;
            }
        });
    }
    for (auto& worker : workers)
        worker.join();

    std::vector<Result<Hash32, TxPoolError>> results;
    results.reserve(txs.size());
    std::vector<Hash32> promoted;
    {
        const std::lock_guard lock{impl_->mutex};
        for (std::size_t i = 0; i < txs.size(); ++i) {
            results.push_back(impl_->admit(txs[i], valid[i] != 0, now, promoted));
        }
    }
    impl_->notify(promoted);
    return results;
}

std::vector<Transaction> TxPool::best(const U256& base_fee, std::uint64_t gas_limit,
                                      std::size_t max_bytes) const {
    const std::lock_guard lock{impl_->mutex};
    struct Head {
        U256 tip;
        std::chrono::steady_clock::time_point added;
        const Sender* sender;
        std::map<std::uint64_t, Entry>::const_iterator next;
    };
    auto worse = [](const Head& a, const Head& b) {
        if (a.tip != b.tip) return a.tip < b.tip;
        return a.added > b.added;  // earlier first on equal tips
    };
    std::priority_queue<Head, std::vector<Head>, decltype(worse)> heads{worse};
    for (const auto& [address, sender] : impl_->senders) {
        const auto first = sender.by_nonce.begin();
        if (first == sender.by_nonce.end() || !first->second.pending) continue;
        const Transaction& tx = first->second.pooled.tx;
        if (tx.max_fee_per_gas < base_fee) continue;
        heads.push(Head{effective_tip(tx, base_fee), first->second.pooled.added, &sender, first});
    }
    std::vector<Transaction> out;
    std::uint64_t gas = 0;
    std::size_t bytes = 0;
    while (!heads.empty()) {
        Head head = heads.top();
        heads.pop();
        const PoolTransaction& pooled = head.next->second.pooled;
        if (gas + pooled.tx.gas_limit > gas_limit || bytes + pooled.size > max_bytes) {
            continue;  // this sender's later nonces cannot go without this one
        }
        out.push_back(pooled.tx);
        gas += pooled.tx.gas_limit;
        bytes += pooled.size;
        ++head.next;
        if (head.next == head.sender->by_nonce.end() || !head.next->second.pending) continue;
        const Transaction& next = head.next->second.pooled.tx;
        if (next.max_fee_per_gas < base_fee) continue;
        head.tip = effective_tip(next, base_fee);
        head.added = head.next->second.pooled.added;
        heads.push(head);
    }
    return out;
}

void TxPool::on_new_head(const U256& base_fee, std::chrono::steady_clock::time_point now) {
    (void)base_fee;  // transactions below the base fee stay; best() skips them
    std::vector<Hash32> promoted;
    {
        const std::lock_guard lock{impl_->mutex};
        std::vector<Address> addresses;
        addresses.reserve(impl_->senders.size());
        for (const auto& [address, sender] : impl_->senders)
            addresses.push_back(address);
        for (const auto& address : addresses) {
            auto found = impl_->senders.find(address);
            if (found == impl_->senders.end()) continue;
            Sender& sender = found->second;
            // Queued transactions past their lifetime go; so does everything no longer
            // affordable (its later nonces become queued and may follow it later).
            const U256 balance = impl_->state.balance(address);
            for (auto it = sender.by_nonce.begin(); it != sender.by_nonce.end();) {
                const Transaction& tx = it->second.pooled.tx;
                const bool expired =
                    !it->second.pending && now - it->second.pooled.added > impl_->config.lifetime;
                const U256 cost = U256{tx.gas_limit} * tx.max_fee_per_gas + tx.value;
                if (expired || balance < cost) {
                    auto next = std::next(it);
                    impl_->remove(sender, it);
                    it = next;
                } else {
                    ++it;
                }
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
    for (const auto& [nonce, entry] : impl_->senders.at(found->second).by_nonce) {
        if (entry.pooled.hash == hash) return entry.pooled;
    }
    return std::nullopt;
}

TxPoolStatus TxPool::status() const {
    const std::lock_guard lock{impl_->mutex};
    return {impl_->pending, impl_->queued, impl_->bytes};
}

std::vector<PoolTransaction> TxPool::pending() const {
    const std::lock_guard lock{impl_->mutex};
    std::vector<PoolTransaction> out;
    for (const auto& [address, sender] : impl_->senders) {
        for (const auto& [nonce, entry] : sender.by_nonce) {
            if (entry.pending) out.push_back(entry.pooled);
        }
    }
    return out;
}

std::vector<PoolTransaction> TxPool::queued() const {
    const std::lock_guard lock{impl_->mutex};
    std::vector<PoolTransaction> out;
    for (const auto& [address, sender] : impl_->senders) {
        for (const auto& [nonce, entry] : sender.by_nonce) {
            if (!entry.pending) out.push_back(entry.pooled);
        }
    }
    return out;
}

std::uint64_t TxPool::pending_nonce(const Address& address) const {
    const std::lock_guard lock{impl_->mutex};
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
