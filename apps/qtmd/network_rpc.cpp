#include "qtmd/network_rpc.hpp"

#include <algorithm>
#include <chrono>

#include "base/hex.hpp"
#include "chain/consensus/types.hpp"
#include "p2p/peer_url.hpp"
#include "rpc/params.hpp"

namespace qtm::qtmd {

std::vector<rpc::AdminPeer> HostAdminNetwork::peers() const {
    std::vector<rpc::AdminPeer> answer;
    for (const p2p::PeerInfo& peer : host_.peers()) {
        answer.push_back(rpc::AdminPeer{
            p2p::to_string(peer.id), peer.remote_endpoint, peer.inbound,
            std::chrono::duration_cast<std::chrono::seconds>(peer.since.time_since_epoch()).count(),
            peer.score, peer.bytes_in, peer.bytes_out, peer.status.head_number,
            peer.status.finalized_number});
    }
    return answer;
}

std::string HostAdminNetwork::node_id() const {
    return p2p::to_string(host_.node_info().id);
}

std::optional<std::string> HostAdminNetwork::node_url() const {
    std::string url = host_.node_info().url;
    if (url.empty()) return std::nullopt;
    return url;
}

std::optional<std::uint16_t> HostAdminNetwork::listen_port() const {
    return host_.listen_port();
}

Result<void, std::string> HostAdminNetwork::add_peer(std::string_view url) {
    if (auto added = host_.add_peer(url); !added) {
        return unexpected(std::string{p2p::to_string(added.error())} +
                          " (expected qtm://<64 hex digit node id>@<host>:<port>)");
    }
    return {};
}

SyncProgress::Answer SyncProgress::update(std::uint64_t head, std::uint64_t best_peer_head) {
    const std::lock_guard lock{mutex_};
    const bool behind = best_peer_head > head + kSyncSlack;
    if (behind && !syncing_) starting_ = head;
    syncing_ = behind;
    return Answer{behind, starting_, head, std::max(head, best_peer_head)};
}

namespace {

rpc::Json commit_json(const chain::CommitCertificate& certificate);

// qtm_getCommit(block): the commit certificate that finalized canonical block `block` (a
// number, or latest / safe / finalized: the committed head, all three the same here); null
// when the node has none (beyond the head, or the genesis block).
rpc::Json get_commit(const node::Node& node, const rpc::Json& params) {
    rpc::expect_at_most(params, 1);
    const rpc::Json* tag = rpc::param(params, 0, "block number");
    if (!tag->is_string()) {
        throw rpc::RpcError{rpc::code::kInvalidParams,
                            "qtm_getCommit expects a block number (hex) or latest, safe, "
                            "finalized"};
    }
    const std::string text = tag->get<std::string>();
    if (text == "latest" || text == "safe" || text == "finalized") {
        const auto committed = node.committed_block(node.head().number);
        if (!committed) return nullptr;
        return commit_json(committed->second);
    }
    if (text.size() < 3 || text.size() > 18 || text.rfind("0x", 0) != 0 ||
        text.find_first_not_of("0123456789abcdefABCDEF", 2) != std::string::npos) {
        throw rpc::RpcError{rpc::code::kInvalidParams, "invalid block number: " + text};
    }
    const std::uint64_t number = std::stoull(text.substr(2), nullptr, 16);
    const auto committed = node.committed_block(number);
    if (!committed) return nullptr;
    return commit_json(committed->second);
}

rpc::Json commit_json(const chain::CommitCertificate& certificate) {
    rpc::Json signers = rpc::Json::array();
    for (std::size_t i = 0; i < certificate.signer_bitmap.size() * 8; ++i) {
        if (((static_cast<unsigned>(certificate.signer_bitmap[i / 8]) >> (i % 8)) & 1u) != 0) {
            signers.push_back(i);
        }
    }
    return rpc::Json{{"height", rpc::quantity(certificate.height)},
                     {"round", rpc::quantity(certificate.round)},
                     {"blockHash", to_hex(certificate.block_hash)},
                     {"signers", signers},
                     {"certificate", to_hex(chain::encode_certificate(certificate))}};
}

}  // namespace

void register_network_methods(rpc::Dispatcher& dispatcher, node::NetworkService& service,
                              const node::Node& node, SyncProgress& progress) {
    dispatcher.add("net_peerCount", [&service](const rpc::Json&) {
        return rpc::Json(rpc::quantity(service.peer_count()));
    });
    dispatcher.add("eth_syncing", [&service, &node, &progress](const rpc::Json& params) {
        rpc::expect_at_most(params, 0);
        std::uint64_t best = 0;
        for (const p2p::PeerInfo& peer : service.host().peers())
            best = std::max(best, peer.status.head_number);
        const SyncProgress::Answer answer = progress.update(node.head().number, best);
        if (!answer.syncing) return rpc::Json(false);
        return rpc::Json{{"startingBlock", rpc::quantity(answer.starting)},
                         {"currentBlock", rpc::quantity(answer.current)},
                         {"highestBlock", rpc::quantity(answer.highest)}};
    });
    dispatcher.add("qtm_getCommit",
                   [&node](const rpc::Json& params) { return get_commit(node, params); });
}

}  // namespace qtm::qtmd
