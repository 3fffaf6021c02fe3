#include "p2p/wire/tx_fetcher.hpp"

#include <algorithm>

#include "crypto/keccak.hpp"

namespace qtm::p2p {

TxFetcher::TxFetcher(TxFetchConfig config) : config_{config} {}

std::size_t TxFetcher::in_flight(const NodeId& peer) const {
    auto found = in_flight_.find(peer);
    return found == in_flight_.end() ? 0 : found->second;
}

void TxFetcher::on_announcement(const NodeId& peer, const NewPooledTransactionHashes& announcement,
                                const Known& known, std::uint64_t /*now_ms*/) {
    std::size_t& count = announced_by_peer_[peer];
    const std::size_t n = std::min(
        {announcement.hashes.size(), announcement.types.size(), announcement.sizes.size()});
    for (std::size_t i = 0; i < n; ++i) {
        if (count >= config_.max_announced_per_peer) break;
        const Hash32& hash = announcement.hashes[i];
        auto found = entries_.find(hash);
        if (found == entries_.end()) {
            if (entries_.size() >= config_.max_tracked || known(hash)) continue;
            found = entries_.emplace(hash, Entry{}).first;
        }
        Entry& entry = found->second;
        if (entry.announcers.contains(peer)) continue;
        entry.order.push_back(peer);
        entry.announcers[peer] = Announced{announcement.types[i], announcement.sizes[i]};
        ++count;
    }
}

std::vector<TxFetchRequest> TxFetcher::schedule(std::uint64_t now_ms) {
    std::map<NodeId, std::vector<Hash32>> batches;
    std::map<NodeId, std::size_t> batch_bytes;
    for (auto& [hash, entry] : entries_) {
        if (entry.fetching) continue;
        for (const NodeId& peer : entry.order) {
            std::size_t& flying = in_flight_[peer];
            if (flying >= config_.max_in_flight_per_peer) continue;
            auto& batch = batches[peer];
            if (batch.size() >= config_.max_hashes_per_request) continue;
            std::size_t& bytes = batch_bytes[peer];
            const std::size_t size = entry.announcers.at(peer).size;
            if (!batch.empty() && bytes + size > config_.max_bytes_per_request) continue;
            bytes += size;
            batch.push_back(hash);
            ++flying;
            entry.fetching = peer;
            break;
        }
    }
    std::vector<TxFetchRequest> out;
    for (auto& [peer, hashes] : batches) {
        if (hashes.empty()) continue;
        const std::uint64_t id = next_request_id_++;
        requests_[id] = Request{peer, std::set<Hash32>(hashes.begin(), hashes.end()),
                                now_ms + config_.request_timeout_ms};
        out.push_back(TxFetchRequest{peer, GetPooledTransactions{id, std::move(hashes)}});
    }
    return out;
}

void TxFetcher::forget_announcer(const Hash32& hash, const NodeId& peer) {
    auto found = entries_.find(hash);
    if (found == entries_.end()) return;
    Entry& entry = found->second;
    if (entry.fetching == peer) entry.fetching.reset();
    if (entry.announcers.erase(peer) > 0) {
        std::erase(entry.order, peer);
        auto count = announced_by_peer_.find(peer);
        if (count != announced_by_peer_.end() && count->second > 0) --count->second;
    }
    if (entry.announcers.empty()) entries_.erase(found);
}

void TxFetcher::finish_request(std::map<std::uint64_t, Request>::iterator request) {
    const NodeId peer = request->second.peer;
    for (const Hash32& hash : request->second.pending)
        forget_announcer(hash, peer);
    requests_.erase(request);
}

TxFetchResult TxFetcher::on_response(const NodeId& peer, const PooledTransactions& response,
                                     std::uint64_t /*now_ms*/) {
    TxFetchResult result;
    auto request = requests_.find(response.request_id);
    if (request == requests_.end() || request->second.peer != peer) {
        result.blames.push_back(TxFetchBlame{peer, WireError::kUnrequested});
        return result;
    }
    std::size_t& flying = in_flight_[peer];
    flying -= std::min(flying, request->second.pending.size());
    for (const Bytes& raw : response.transactions) {
        const Hash32 hash = crypto::keccak256(raw);
        if (request->second.pending.erase(hash) == 0) {
            result.blames.push_back(TxFetchBlame{peer, WireError::kUnrequested});
            continue;
        }
        auto entry = entries_.find(hash);
        const Announced* announced = nullptr;
        if (entry != entries_.end()) {
            auto found = entry->second.announcers.find(peer);
            if (found != entry->second.announcers.end()) announced = &found->second;
        }
        if (announced == nullptr || raw.empty() || raw[0] != announced->type ||
            raw.size() != announced->size) {
            result.blames.push_back(TxFetchBlame{peer, WireError::kAnnouncementMismatch});
            forget_announcer(hash, peer);
            continue;
        }
        for (const NodeId& announcer : entry->second.order) {
            auto count = announced_by_peer_.find(announcer);
            if (count != announced_by_peer_.end() && count->second > 0) --count->second;
        }
        entries_.erase(entry);
        result.transactions.push_back(raw);
    }
    finish_request(request);
    return result;
}

std::vector<TxFetchBlame> TxFetcher::on_tick(std::uint64_t now_ms) {
    std::vector<TxFetchBlame> blames;
    for (auto it = requests_.begin(); it != requests_.end();) {
        auto next = std::next(it);
        if (it->second.deadline_ms <= now_ms) {
            const NodeId peer = it->second.peer;
            std::size_t& flying = in_flight_[peer];
            flying -= std::min(flying, it->second.pending.size());
            blames.push_back(TxFetchBlame{peer, WireError::kTimeout});
            finish_request(it);
        }
        it = next;
    }
    return blames;
}

void TxFetcher::on_peer_disconnected(const NodeId& peer) {
    for (auto it = requests_.begin(); it != requests_.end();) {
        auto next = std::next(it);
        if (it->second.peer == peer) finish_request(it);
        it = next;
    }
    std::vector<Hash32> offered;
    for (const auto& [hash, entry] : entries_) {
        if (entry.announcers.contains(peer)) offered.push_back(hash);
    }
    for (const Hash32& hash : offered)
        forget_announcer(hash, peer);
    in_flight_.erase(peer);
    announced_by_peer_.erase(peer);
}

}  // namespace qtm::p2p
