// Subscriptions (subscriptions.hpp).
#include "rpc/subscriptions.hpp"

#include <algorithm>
#include <utility>

#include "crypto/random.hpp"
#include "rpc/chain_reader.hpp"
#include "rpc/format.hpp"
#include "rpc/params.hpp"

namespace qtm::rpc {

namespace {

thread_local std::shared_ptr<Subscriber> t_current_subscriber;

// The notification text for one subscription; `result` is already JSON text.
std::string notification(const std::string& id, const std::string& result) {
    std::string out;
    out.reserve(96 + result.size());
    out += R"({"jsonrpc":"2.0","method":"eth_subscription","params":{"subscription":")";
    out += id;
    out += R"(","result":)";
    out += result;
    out += "}}";
    return out;
}

SubscriptionHub::Kind parse_kind(const Json& name) {
    if (!name.is_string()) {
        throw RpcError{code::kInvalidParams,
                       "invalid argument 0: expected a subscription name (newHeads, logs, "
                       "newPendingTransactions)"};
    }
    const auto& text = name.get_ref<const std::string&>();
    if (text == "newHeads") return SubscriptionHub::Kind::kNewHeads;
    if (text == "logs") return SubscriptionHub::Kind::kLogs;
    if (text == "newPendingTransactions") return SubscriptionHub::Kind::kNewPendingTransactions;
    throw RpcError{code::kMethodNotFound, "no \"" + text + "\" subscription in eth namespace"};
}

}  // namespace

Json format_head(const chain::Header& header, const Hash32& hash) {
    FullBlock block;
    block.header = header;
    block.hash = hash;
    Json out = format_block(block, false);
    for (const char* body_field : {"transactions", "uncles", "size", "withdrawals"})
        out.erase(body_field);
    return out;
}

std::string SubscriptionHub::subscribe(const std::shared_ptr<Subscriber>& subscriber, Kind kind,
                                       LogFilter filter) {
    const std::lock_guard lock{mutex_};
    const auto owned = static_cast<std::size_t>(
        std::count_if(entries_.begin(), entries_.end(),
                      [&](const auto& entry) { return entry.second.owner == subscriber.get(); }));
    if (owned >= max_per_connection_) {
        throw RpcError{code::kLimitExceeded, "too many subscriptions on this connection (" +
                                                 std::to_string(max_per_connection_) +
                                                 "); unsubscribe some first"};
    }
    std::string id;
    do {
        id = hex_data(crypto::random_array<8>());
    } while (entries_.contains(id));
    entries_.emplace(id, Entry{kind, std::move(filter), subscriber, subscriber.get()});
    return id;
}

bool SubscriptionHub::unsubscribe(const Subscriber* subscriber, const std::string& id) {
    const std::lock_guard lock{mutex_};
    const auto it = entries_.find(id);
    if (it == entries_.end() || it->second.owner != subscriber) return false;
    entries_.erase(it);
    return true;
}

void SubscriptionHub::drop(const Subscriber* subscriber) {
    const std::lock_guard lock{mutex_};
    std::erase_if(entries_, [&](const auto& entry) { return entry.second.owner == subscriber; });
}

void SubscriptionHub::clear() {
    const std::lock_guard lock{mutex_};
    entries_.clear();
}

std::size_t SubscriptionHub::size() const {
    const std::lock_guard lock{mutex_};
    return entries_.size();
}

bool SubscriptionHub::wants_blocks() const {
    const std::lock_guard lock{mutex_};
    return std::any_of(entries_.begin(), entries_.end(), [](const auto& entry) {
        return entry.second.kind != Kind::kNewPendingTransactions;
    });
}

void SubscriptionHub::on_block(const BlockNotification& block) {
    const std::lock_guard lock{mutex_};
    std::string head_text;  // formatted once, on first need
    for (auto it = entries_.begin(); it != entries_.end();) {
        auto subscriber = it->second.subscriber.lock();
        if (!subscriber) {
            it = entries_.erase(it);
            continue;
        }
        const std::string& id = it->first;
        if (it->second.kind == Kind::kNewHeads) {
            if (head_text.empty()) head_text = to_wire(format_head(block.header, block.hash));
            subscriber->deliver(notification(id, head_text));
        } else if (it->second.kind == Kind::kLogs &&
                   it->second.filter.bloom_may_match(block.header.logs_bloom)) {
            const LogFilter& filter = it->second.filter;
            const LogSource logs{block.hash, block.header, block.receipts, block.transaction_hashes,
                                 block.block_logs};
            for_each_log(logs, [&](const state::Log& log, const TxContextInBlock& where,
                                   const Hash32& tx_hash, std::size_t log_index) {
                if (!filter.matches(log)) return;
                subscriber->deliver(
                    notification(id, to_wire(format_log(log, where, tx_hash, log_index))));
            });
        }
        ++it;
    }
}

void SubscriptionHub::on_pending_transaction(const Hash32& hash) {
    const std::lock_guard lock{mutex_};
    std::string hash_text;
    for (auto it = entries_.begin(); it != entries_.end();) {
        if (it->second.kind != Kind::kNewPendingTransactions) {
            ++it;
            continue;
        }
        auto subscriber = it->second.subscriber.lock();
        if (!subscriber) {
            it = entries_.erase(it);
            continue;
        }
        if (hash_text.empty()) hash_text = "\"" + hex_data(hash) + "\"";
        subscriber->deliver(notification(it->first, hash_text));
        ++it;
    }
}

SubscriberScope::SubscriberScope(std::shared_ptr<Subscriber> subscriber)
    : previous_{std::exchange(t_current_subscriber, std::move(subscriber))} {}

SubscriberScope::~SubscriberScope() {
    t_current_subscriber = std::move(previous_);
}

void register_subscription_api(Dispatcher& dispatcher, SubscriptionHub& hub) {
    const auto current = [] {
        if (!t_current_subscriber) {
            throw RpcError{code::kMethodNotFound, "notifications not supported"};
        }
        return t_current_subscriber;
    };
    dispatcher.add("eth_subscribe", [&hub, current](const Json& params) {
        const auto subscriber = current();
        if (params.empty()) {
            throw RpcError{code::kInvalidParams, "missing value for required argument 0"};
        }
        const SubscriptionHub::Kind kind = parse_kind(params.at(0));
        LogFilter filter;
        switch (kind) {
            case SubscriptionHub::Kind::kNewHeads:
                expect_at_most(params, 1);
                break;
            case SubscriptionHub::Kind::kLogs:
                expect_at_most(params, 2);
                // fromBlock/toBlock/blockHash are ignored: a subscription only sees new blocks.
                if (params.size() == 2 && !params.at(1).is_null()) {
                    filter = parse_log_filter(params.at(1));
                }
                break;
            case SubscriptionHub::Kind::kNewPendingTransactions:
                expect_at_most(params, 2);
                if (params.size() == 2 && params.at(1).is_boolean() && params.at(1).get<bool>()) {
                    throw RpcError{code::kInvalidParams,
                                   "newPendingTransactions with full transactions is not "
                                   "supported: subscribe without the flag for hashes"};
                }
                break;
        }
        return Json(hub.subscribe(subscriber, kind, std::move(filter)));
    });
    dispatcher.add("eth_unsubscribe", [&hub, current](const Json& params) {
        const auto subscriber = current();
        expect_at_most(params, 1);
        const Json& id = *param(params, 0, "id");
        if (!id.is_string()) {
            throw RpcError{code::kInvalidParams, "invalid argument 0: expected a subscription id"};
        }
        return Json(hub.unsubscribe(subscriber.get(), id.get<std::string>()));
    });
}

}  // namespace qtm::rpc
