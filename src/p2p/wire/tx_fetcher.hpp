// Which peer announced which transaction, and which are being fetched from whom (eth/68's
// announce/fetch, as geth's TxFetcher in spirit): a pure state machine with the time passed
// in. Announced hashes the pool lacks are requested from one announcer at a time, at most
// kMaxRequestedTransactions per request; a peer that does not answer in time, answers a
// request it was never sent, delivers a transaction nobody asked it for, or one whose type
// or size differs from its own announcement is to blame (TxFetchBlame); a transaction the
// peer left out (it no longer has it) is asked of the next announcer, unblamed.
//
//   fetcher.on_announcement(peer, announcement, pool_has, now);
//   for (auto& r : fetcher.schedule(now)) send r.request to r.peer;
//   auto result = fetcher.on_response(peer, pooled, now);  // result.transactions -> pool
//   for (auto& b : fetcher.on_tick(now)) penalize b.peer;  // timeouts
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "base/bytes.hpp"
#include "p2p/node_key.hpp"
#include "p2p/wire/transaction_messages.hpp"
#include "p2p/wire/wire_error.hpp"

namespace qtm::p2p {

struct TxFetchConfig {
    std::uint64_t request_timeout_ms{5000};
    std::size_t max_hashes_per_request{kMaxRequestedTransactions};
    // Announced bytes per request (geth caps a retrieval at 128 KB): 256 transactions of up
    // to 128 KB could not come back in one PooledTransactions payload (4 MiB). A request
    // always takes its first hash, so a transaction larger than this is still fetched.
    std::size_t max_bytes_per_request{1u << 20};
    // Hashes in flight to one peer at once.
    std::size_t max_in_flight_per_peer{kMaxRequestedTransactions};
    // Announced hashes remembered per peer and in all (further announcements are ignored,
    // unblamed: memory stays bounded whatever peers announce).
    std::size_t max_announced_per_peer{2 * kMaxAnnouncedHashes};
    std::size_t max_tracked{64 * 1024};
};

struct TxFetchRequest {
    NodeId peer{};
    GetPooledTransactions request;
};

struct TxFetchBlame {
    NodeId peer{};
    WireError error{WireError::kUnrequested};
};

struct TxFetchResult {
    std::vector<Bytes> transactions;  // requested, matching the announcement: for the pool
    std::vector<TxFetchBlame> blames;
};

class TxFetcher {
public:
    // Whether the pool already has a transaction (it is then not fetched).
    using Known = std::function<bool(const Hash32&)>;

    explicit TxFetcher(TxFetchConfig config = {});

    void on_announcement(const NodeId& peer, const NewPooledTransactionHashes& announcement,
                         const Known& known, std::uint64_t now_ms);
    // The requests to send now: every announced hash not in flight goes to its first
    // announcer (in announcement order) that has room and has not failed it.
    [[nodiscard]] std::vector<TxFetchRequest> schedule(std::uint64_t now_ms);
    [[nodiscard]] TxFetchResult on_response(const NodeId& peer, const PooledTransactions& response,
                                            std::uint64_t now_ms);
    // Requests past their deadline: each blames its peer (kTimeout) and its hashes go back
    // to the other announcers.
    [[nodiscard]] std::vector<TxFetchBlame> on_tick(std::uint64_t now_ms);
    void on_peer_disconnected(const NodeId& peer);

    [[nodiscard]] std::size_t tracked() const noexcept { return entries_.size(); }
    [[nodiscard]] std::size_t in_flight(const NodeId& peer) const;
    [[nodiscard]] std::size_t requests_in_flight() const noexcept { return requests_.size(); }

private:
    struct Announced {
        std::uint8_t type{0};
        std::uint32_t size{0};
    };
    struct Entry {
        std::vector<NodeId> order;               // announcers, first first
        std::map<NodeId, Announced> announcers;  // what each announced
        std::optional<NodeId> fetching;          // the peer it is requested from
    };
    struct Request {
        NodeId peer{};
        std::set<Hash32> pending;  // requested, not yet delivered
        std::uint64_t deadline_ms{0};
    };

    // `peer` no longer offers `hash` (left out, timed out, mismatched or disconnected).
    void forget_announcer(const Hash32& hash, const NodeId& peer);
    void finish_request(std::map<std::uint64_t, Request>::iterator request);

    TxFetchConfig config_;
    std::map<Hash32, Entry> entries_;
    std::map<std::uint64_t, Request> requests_;
    std::map<NodeId, std::size_t> announced_by_peer_;
    std::map<NodeId, std::size_t> in_flight_;
    std::uint64_t next_request_id_{1};
};

}  // namespace qtm::p2p
