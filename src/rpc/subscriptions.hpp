// eth_subscribe / eth_unsubscribe (geth's pub/sub over WebSocket): "newHeads", "logs" (with
// an address/topics filter matched exactly as eth_getLogs matches) and
// "newPendingTransactions". The hub keeps every live subscription and turns chain events
// into Ethereum's notification messages:
//   {"jsonrpc":"2.0","method":"eth_subscription",
//    "params":{"subscription":"0x<16 hex digits>","result":...}}
// and hands them to the subscribing connection (a Subscriber), which must only enqueue them:
// the hub is called on the block producer's thread and on the threads that admit
// transactions to the pool.
//
// The methods are registered on the shared Dispatcher; a handler learns which connection it
// serves from a SubscriberScope that the WebSocket server opens around each dispatch. Without
// one (HTTP) eth_subscribe answers geth's {"code":-32601,"message":"notifications not
// supported"}.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "chain/block.hpp"
#include "rpc/backend.hpp"
#include "rpc/json_rpc.hpp"
#include "rpc/log_query.hpp"

namespace qtm::rpc {

// A connection that receives notifications. deliver() is called from any thread, with the
// hub's lock held: it must not block, call back into the hub, or do socket I/O.
class Subscriber {
public:
    virtual ~Subscriber() = default;
    virtual void deliver(std::string message) = 0;
};

// A committed block as the hub needs it (the node layer fills it from its block event).
struct BlockNotification {
    chain::Header header;
    Hash32 hash{};
    std::vector<Hash32> transaction_hashes;  // in block order
    std::vector<chain::Receipt> receipts;    // one per transaction
    std::vector<state::Log> block_logs{};    // chain::ExecutedBlock::block_logs
};

// The newHeads result: eth_getBlockByNumber's object for the block without its body fields
// ("transactions", "uncles", "size", "totalDifficulty"), as geth's header marshalling.
[[nodiscard]] Json format_head(const chain::Header& header, const Hash32& hash);

class SubscriptionHub {
public:
    static constexpr std::size_t kDefaultMaxPerConnection = 1'000;

    explicit SubscriptionHub(std::size_t max_per_connection = kDefaultMaxPerConnection)
        : max_per_connection_{max_per_connection} {}

    enum class Kind { kNewHeads, kLogs, kNewPendingTransactions };

    // A new subscription's id ("0x" + 16 random hex digits); RpcError (-32005) when the
    // connection already holds max_per_connection subscriptions.
    [[nodiscard]] std::string subscribe(const std::shared_ptr<Subscriber>& subscriber, Kind kind,
                                        LogFilter filter = {});
    // True when `id` was a subscription of this subscriber (and now is not).
    bool unsubscribe(const Subscriber* subscriber, const std::string& id);
    // Every subscription of a closing connection.
    void drop(const Subscriber* subscriber);
    void clear();

    // Chain events; nothing is formatted when no subscription wants it.
    void on_block(const BlockNotification& block);
    void on_pending_transaction(const Hash32& hash);

    [[nodiscard]] std::size_t size() const;
    [[nodiscard]] bool wants_blocks() const;  // any newHeads or logs subscription

private:
    struct Entry {
        Kind kind;
        LogFilter filter;
        std::weak_ptr<Subscriber> subscriber;
        const Subscriber* owner;
    };

    std::size_t max_per_connection_;
    mutable std::mutex mutex_;
    std::map<std::string, Entry> entries_;
};

// Opened by the WebSocket server around Dispatcher::handle on the connection's thread: the
// eth_subscribe/eth_unsubscribe handlers called inside act for `subscriber`.
class SubscriberScope {
public:
    explicit SubscriberScope(std::shared_ptr<Subscriber> subscriber);
    ~SubscriberScope();
    SubscriberScope(const SubscriberScope&) = delete;
    SubscriberScope& operator=(const SubscriberScope&) = delete;

private:
    std::shared_ptr<Subscriber> previous_;
};

// Registers eth_subscribe and eth_unsubscribe on `dispatcher` (both transports: over HTTP
// they answer -32601 "notifications not supported", as geth). The hub must outlive the
// dispatcher's use.
void register_subscription_api(Dispatcher& dispatcher, SubscriptionHub& hub);

}  // namespace qtm::rpc
