// A peer's address as users write it: qtm://<node id, 64 hex digits>@host:port. The node id
// is required, so a dialer always knows whom it must reach and aborts on anyone else (the
// handshake checks it before revealing its own identity). `host` is an IPv4 address, a
// bracketed IPv6 address or a DNS name.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "p2p/node_key.hpp"

namespace qtm::p2p {

struct PeerUrl {
    NodeId node_id{};
    std::string host;  // without brackets for IPv6
    std::uint16_t port{0};
    bool operator==(const PeerUrl&) const = default;
};

enum class PeerUrlError {
    kMissingScheme,  // does not start with qtm://
    kMissingNodeId,  // no <node-id>@ before the host
    kInvalidNodeId,  // the node id is not 64 hex digits
    kMissingHost,    // nothing between @ and :port
    kMissingPort,    // no :port at the end
    kInvalidPort,    // port not a decimal number in 1..65535
    kInvalidHost,    // characters a host name cannot have, or an unclosed [
};
[[nodiscard]] std::string_view to_string(PeerUrlError error) noexcept;

[[nodiscard]] Result<PeerUrl, PeerUrlError> parse_peer_url(std::string_view text);
// The canonical text form, which parse_peer_url reads back to the same value.
[[nodiscard]] std::string to_string(const PeerUrl& url);

}  // namespace qtm::p2p
