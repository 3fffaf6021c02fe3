// The JSON-RPC methods whose answers come from the validator network in `qtmd --config`
// mode: net_peerCount, eth_syncing and qtm_getCommit (both endpoints), and the p2p side of
// admin_peers / admin_addPeer / admin_nodeInfo (rpc::AdminNetwork over the Host).
#pragma once

#include <cstdint>
#include <mutex>

#include "node/network_service.hpp"
#include "node/node.hpp"
#include "rpc/admin_network.hpp"
#include "rpc/json_rpc.hpp"

namespace qtm::qtmd {

class HostAdminNetwork final : public rpc::AdminNetwork {
public:
    explicit HostAdminNetwork(p2p::Host& host) : host_{host} {}
    [[nodiscard]] std::vector<rpc::AdminPeer> peers() const override;
    [[nodiscard]] std::string node_id() const override;
    [[nodiscard]] std::optional<std::string> node_url() const override;
    [[nodiscard]] std::optional<std::uint16_t> listen_port() const override;
    Result<void, std::string> add_peer(std::string_view url) override;

private:
    p2p::Host& host_;
};

// eth_syncing: false while the node is within kSyncSlack blocks of the best head its peers
// report, else geth's {startingBlock, currentBlock, highestBlock}, startingBlock being the
// head when it fell behind. A validator's peers are often one block ahead for a moment
// between a commit and the next status, which is not syncing.
class SyncProgress {
public:
    static constexpr std::uint64_t kSyncSlack = 2;
    struct Answer {
        bool syncing{false};
        std::uint64_t starting{0}, current{0}, highest{0};
    };
    [[nodiscard]] Answer update(std::uint64_t head, std::uint64_t best_peer_head);

private:
    std::mutex mutex_;
    bool syncing_{false};
    std::uint64_t starting_{0};
};

// Registers net_peerCount, eth_syncing and qtm_getCommit on `dispatcher` (called for both
// endpoints); the service, node and progress outlive it.
void register_network_methods(rpc::Dispatcher& dispatcher, node::NetworkService& service,
                              const node::Node& node, SyncProgress& progress);

}  // namespace qtm::qtmd
