// What admin_peers, admin_addPeer and admin_nodeInfo report of the node's p2p side. The RPC
// layer sits below the node and knows no Host: a node that runs a network implements this
// (qtmd's network mode, over p2p::Host); a dev node has none, and then admin_peers is empty
// and admin_addPeer refuses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace qtm::rpc {

struct AdminPeer {
    std::string id;              // the node id, 64 hex digits
    std::string remote_address;  // ip:port as seen from here
    bool inbound{false};
    std::int64_t connected_since_unix{0};  // seconds
    int score{0};
    std::uint64_t bytes_in{0};
    std::uint64_t bytes_out{0};
    std::uint64_t head_number{0};  // from the peer's latest status
    std::uint64_t finalized_number{0};
};

class AdminNetwork {
public:
    virtual ~AdminNetwork() = default;
    [[nodiscard]] virtual std::vector<AdminPeer> peers() const = 0;
    [[nodiscard]] virtual std::string node_id() const = 0;
    // qtm://<id>@<address>:<port> once listening.
    [[nodiscard]] virtual std::optional<std::string> node_url() const = 0;
    [[nodiscard]] virtual std::optional<std::uint16_t> listen_port() const = 0;
    // Adds a persistent peer and dials it; the error says what is wrong with the URL.
    virtual Result<void, std::string> add_peer(std::string_view url) = 0;
};

}  // namespace qtm::rpc
