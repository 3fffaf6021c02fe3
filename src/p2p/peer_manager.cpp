#include "p2p/peer_manager.hpp"

#include "crypto/keccak.hpp"

namespace qtm::p2p {
namespace {

template <class Key>
bool banned(const std::map<Key, PeerClock::time_point>& bans, const Key& key,
            PeerClock::time_point now) {
    const auto it = bans.find(key);  // find, not [], so a lookup never inserts
    return it != bans.end() && now < it->second;
}

}  // namespace

int penalty(Offence offence) noexcept {
    switch (offence) {
        case Offence::kSlow:
            return 2;
        case Offence::kFlooding:
            return 5;
        case Offence::kUnrequestedMessage:
            return 5;
        case Offence::kTimeout:
            return 10;
        case Offence::kInvalidMessage:
            return 20;
        case Offence::kHandshakeFailure:
            return 50;
        case Offence::kProtocolViolation:
            return 100;
    }
    return 100;
}

std::string_view to_string(Refusal refusal) noexcept {
    switch (refusal) {
        case Refusal::kBanned:
            return "peer is banned";
        case Refusal::kSelf:
            return "connection to ourselves";
        case Refusal::kAlreadyConnected:
            return "peer is already connected";
        case Refusal::kTooManyInbound:
            return "inbound peer limit reached";
        case Refusal::kTooManyOutbound:
            return "outbound peer limit reached";
        case Refusal::kTooManyHandshakesFromIp:
            return "too many concurrent handshakes from this address";
        case Refusal::kTooManyHandshakes:
            return "too many concurrent handshakes";
    }
    return "refused";
}

PeerManager::PeerManager(const PeerLimits& limits, const NodeId& self)
    : limits_{limits}, self_{self} {}

Result<void, Refusal> PeerManager::begin_handshake(const std::string& ip,
                                                   PeerClock::time_point now) {
    if (banned(banned_ips_, ip, now)) return unexpected(Refusal::kBanned);
    if (handshakes_ >= limits_.max_handshakes) return unexpected(Refusal::kTooManyHandshakes);
    auto& count = handshakes_by_ip_[ip];
    if (count >= limits_.max_handshakes_per_ip) {
        return unexpected(Refusal::kTooManyHandshakesFromIp);
    }
    ++count;
    ++handshakes_;
    return {};
}

void PeerManager::end_handshake(const std::string& ip) {
    const auto it = handshakes_by_ip_.find(ip);
    if (it == handshakes_by_ip_.end()) return;
    if (--it->second == 0) handshakes_by_ip_.erase(it);
    --handshakes_;
}

Result<void, Refusal> PeerManager::on_connected(const NodeId& id, const std::string& ip,
                                                bool inbound, PeerClock::time_point now) {
    if (banned(banned_ids_, id, now) || banned(banned_ips_, ip, now)) {
        return unexpected(Refusal::kBanned);
    }
    if (id == self_) return unexpected(Refusal::kSelf);
    if (connected_.contains(id)) return unexpected(Refusal::kAlreadyConnected);
    if (inbound && inbound_ >= limits_.max_inbound) return unexpected(Refusal::kTooManyInbound);
    if (!inbound && outbound_ >= limits_.max_outbound) {
        return unexpected(Refusal::kTooManyOutbound);
    }
    connected_.emplace(id, Connected{inbound});
    ++(inbound ? inbound_ : outbound_);
    return {};
}

void PeerManager::on_disconnected(const NodeId& id) {
    const auto it = connected_.find(id);
    if (it == connected_.end()) return;
    --(it->second.inbound ? inbound_ : outbound_);
    connected_.erase(it);
}

bool PeerManager::lower_score(const NodeId& id, Offence offence) {
    int& value = scores_[id];
    value -= penalty(offence);
    if (value > limits_.ban_score) return false;
    value = 0;  // a peer comes back from its ban with a clean score
    return true;
}

void PeerManager::ban(const std::string& ip, PeerClock::time_point now) {
    banned_ips_[ip] = now + limits_.ban_duration;
}

bool PeerManager::penalize(const NodeId& id, const std::string& ip, Offence offence,
                           PeerClock::time_point now) {
    if (!lower_score(id, offence)) return false;
    banned_ids_[id] = now + limits_.ban_duration;
    if (limits_.ban_ip_of_identified_peers) ban(ip, now);
    return true;
}

bool PeerManager::penalize_unidentified(const std::string& ip, Offence offence,
                                        PeerClock::time_point now) {
    // Scored under a stand-in id derived from the IP; the IP is all there is to ban.
    const NodeId stand_in = crypto::sha3_256(as_bytes("ip:" + ip));
    if (!lower_score(stand_in, offence)) return false;
    banned_ids_[stand_in] = now + limits_.ban_duration;
    ban(ip, now);
    return true;
}

bool PeerManager::is_banned(const NodeId& id, PeerClock::time_point now) const {
    return banned(banned_ids_, id, now);
}

bool PeerManager::is_banned(const std::string& ip, PeerClock::time_point now) const {
    return banned(banned_ips_, ip, now);
}

int PeerManager::score(const NodeId& id) const {
    const auto it = scores_.find(id);
    return it == scores_.end() ? 0 : it->second;
}

}  // namespace qtm::p2p
