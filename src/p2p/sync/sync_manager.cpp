#include "p2p/sync/sync_manager.hpp"

#include <algorithm>

namespace qtm::p2p {

namespace {

// The checks that need no validator set: the block is the one asked for, the certificate
// names it, and the body is the one the header (and so the certificate) commits to.
Result<void, WireError> check_entry(const CommittedBlock& entry, std::uint64_t number) {
    const chain::Header& header = entry.block.header;
    if (header.number != number) return unexpected(WireError::kWrongBlock);
    if (entry.certificate.height != number ||
        entry.certificate.block_hash != chain::block_hash(header)) {
        return unexpected(WireError::kCertificateMismatch);
    }
    if (chain::transactions_root(entry.block.transactions) != header.transactions_root) {
        return unexpected(WireError::kTransactionsRootMismatch);
    }
    if (chain::evidence_root(entry.block.evidence) != header.evidence_root) {
        return unexpected(WireError::kEvidenceRootMismatch);
    }
    return {};
}

}  // namespace

SyncManager::SyncManager(SyncConfig config, Importer& importer)
    : config_{config}, importer_{importer} {
    config_.blocks_per_request =
        std::clamp<std::uint64_t>(config_.blocks_per_request, 1, kMaxBlocksPerRequest);
    config_.window = std::max<std::uint64_t>(config_.window, 1);
    config_.max_requests_per_peer = std::max<std::size_t>(config_.max_requests_per_peer, 1);
}

std::uint64_t SyncManager::target() const {
    std::uint64_t best = 0;
    for (const auto& [id, peer] : peers_) {
        if (!peer.bad) best = std::max(best, peer.head);
    }
    return best;
}

std::vector<SyncAction> SyncManager::on_peer_status(const NodeId& peer, std::uint64_t head_number,
                                                    std::uint64_t now_ms) {
    peers_[peer].head = head_number;
    std::vector<SyncAction> actions;
    step(now_ms, actions);
    return actions;
}

std::vector<SyncAction> SyncManager::on_peer_disconnected(const NodeId& peer,
                                                          std::uint64_t now_ms) {
    for (auto it = requests_.begin(); it != requests_.end();) {
        auto next = std::next(it);
        if (it->second.peer == peer) drop_request(it);
        it = next;
    }
    peers_.erase(peer);
    std::vector<SyncAction> actions;
    step(now_ms, actions);
    return actions;
}

void SyncManager::drop_request(std::map<std::uint64_t, Request>::iterator request) {
    auto peer = peers_.find(request->second.peer);
    if (peer != peers_.end() && peer->second.requests > 0) --peer->second.requests;
    requests_.erase(request);
}

void SyncManager::punish(const NodeId& peer, WireError error, std::vector<SyncAction>& actions) {
    actions.emplace_back(PunishPeer{peer, error});
    if (error == WireError::kTimeout) return;
    auto found = peers_.find(peer);
    if (found == peers_.end()) return;
    found->second.bad = true;
    // Nothing it sent is trusted any more: the blocks of it that wait for import are
    // dropped (else each would cost it another punishment as it comes up), and its requests
    // are given up now so that their ranges go to the good peers without waiting for a
    // timeout; its late answers are ignored (on_blocks).
    std::erase_if(held_, [&](const auto& held) { return held.second.from == peer; });
    for (auto it = requests_.begin(); it != requests_.end();) {
        auto next = std::next(it);
        if (it->second.peer == peer) drop_request(it);
        it = next;
    }
}

std::vector<SyncAction> SyncManager::on_blocks(const NodeId& peer, const Blocks& blocks,
                                               std::uint64_t now_ms) {
    std::vector<SyncAction> actions;
    // A peer already punished for bad data is not listened to (nor punished again).
    if (auto sender = peers_.find(peer); sender != peers_.end() && sender->second.bad) {
        return actions;
    }
    auto request = requests_.find(blocks.request_id);
    if (request == requests_.end() || request->second.peer != peer) {
        punish(peer, WireError::kUnrequested, actions);
        step(now_ms, actions);
        return actions;
    }
    const Request asked = request->second;
    drop_request(request);
    const std::uint64_t head = importer_.head_number();
    for (std::size_t i = 0; i < blocks.blocks.size(); ++i) {
        if (i >= asked.count) {
            punish(peer, WireError::kTooManyItems, actions);
            break;
        }
        const std::uint64_t number = asked.first + i;
        if (auto checked = check_entry(blocks.blocks[i], number); !checked) {
            punish(peer, checked.error(), actions);
            break;
        }
        if (number > head && !held_.contains(number)) {
            held_.emplace(number, Held{blocks.blocks[i], peer});
        }
    }
    if (blocks.blocks.empty()) {
        // It has none of them (pruned, or its head moved back): ask it only below `first`.
        auto found = peers_.find(peer);
        if (found != peers_.end()) {
            found->second.head = std::min(found->second.head, asked.first - 1);
        }
    }
    step(now_ms, actions);
    return actions;
}

std::vector<SyncAction> SyncManager::on_tick(std::uint64_t now_ms) {
    std::vector<SyncAction> actions;
    for (auto it = requests_.begin(); it != requests_.end();) {
        auto next = std::next(it);
        if (it->second.deadline_ms <= now_ms) {
            const NodeId peer = it->second.peer;
            punish(peer, WireError::kTimeout, actions);
            auto found = peers_.find(peer);
            if (found != peers_.end()) {
                found->second.excluded_until_ms = now_ms + config_.timeout_cooldown_ms;
            }
            drop_request(it);
        }
        it = next;
    }
    step(now_ms, actions);
    return actions;
}

void SyncManager::step(std::uint64_t now_ms, std::vector<SyncAction>& actions) {
    if (halted_) return;
    import_ready(actions);
    if (halted_) return;
    request_more(now_ms, actions);
    const std::uint64_t head = importer_.head_number();
    bool any_good = false;
    for (const auto& [id, peer] : peers_)
        any_good = any_good || !peer.bad;
    const bool now_caught_up = any_good && head >= target();
    if (now_caught_up && !caught_up_) actions.emplace_back(CaughtUp{head});
    caught_up_ = now_caught_up;
}

void SyncManager::import_ready(std::vector<SyncAction>& actions) {
    while (!held_.empty()) {
        const std::uint64_t head = importer_.head_number();
        // Blocks the chain reached by other means (consensus) are no longer needed.
        while (!held_.empty() && held_.begin()->first <= head)
            held_.erase(held_.begin());
        auto next = held_.find(head + 1);
        if (next == held_.end()) return;
        const Held held = std::move(next->second);
        held_.erase(next);
        if (held.entry.block.header.parent_hash != importer_.head_hash()) {
            punish(held.from, WireError::kWrongBlock, actions);
            continue;
        }
        auto checker = importer_.checker_for(head + 1);
        if (!checker) {
            halted_ = true;
            actions.emplace_back(
                SyncHalt{"no certificate checker for height " + std::to_string(head + 1)});
            return;
        }
        if (!checker->check(held.entry.certificate)) {
            punish(held.from, WireError::kBadCertificate, actions);
            continue;
        }
        const ImportResult result = importer_.import(held.entry.block, held.entry.certificate);
        switch (result.outcome) {
            case ImportOutcome::kImported:
                break;
            case ImportOutcome::kInvalidBlock:
                punish(held.from, WireError::kInvalidBlock, actions);
                break;
            case ImportOutcome::kLocalFailure:
                halted_ = true;
                actions.emplace_back(
                    SyncHalt{"importing block " + std::to_string(head + 1) + ": " + result.reason});
                return;
        }
    }
}

bool SyncManager::covered(std::uint64_t number) const {
    if (held_.contains(number)) return true;
    return std::any_of(requests_.begin(), requests_.end(), [&](const auto& request) {
        return number >= request.second.first &&
               number - request.second.first < request.second.count;
    });
}

SyncManager::Peer* SyncManager::choose_peer(std::uint64_t number, std::uint64_t now_ms) {
    Peer* best = nullptr;
    for (auto& [id, peer] : peers_) {
        if (peer.bad || peer.head < number || now_ms < peer.excluded_until_ms ||
            peer.requests >= config_.max_requests_per_peer) {
            continue;
        }
        if (best == nullptr || peer.requests < best->requests) best = &peer;
    }
    return best;
}

void SyncManager::request_more(std::uint64_t now_ms, std::vector<SyncAction>& actions) {
    const std::uint64_t head = importer_.head_number();
    const std::uint64_t upper = std::min(target(), head + config_.window);
    for (std::uint64_t number = head + 1; number <= upper && number > head;) {
        if (covered(number)) {
            ++number;
            continue;
        }
        Peer* peer = choose_peer(number, now_ms);
        if (peer == nullptr) return;
        const std::uint64_t last =
            std::min({upper, peer->head, number + config_.blocks_per_request - 1});
        std::uint64_t count = 0;
        while (number + count <= last && !covered(number + count))
            ++count;
        NodeId id{};
        for (const auto& [key, value] : peers_) {
            if (&value == peer) id = key;
        }
        const std::uint64_t request_id = next_request_id_++;
        requests_[request_id] = Request{id, number, count, now_ms + config_.request_timeout_ms};
        ++peer->requests;
        actions.emplace_back(SendGetBlocks{id, GetBlocks{request_id, number, count}});
        number += count;
    }
}

}  // namespace qtm::p2p
