#include "p2p/peer_url.hpp"

#include <algorithm>
#include <cctype>

#include "base/hex.hpp"

namespace qtm::p2p {
namespace {

constexpr std::string_view kScheme = "qtm://";

bool valid_host_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) != 0 || c == '.' || c == '-' || c == '_' || c == ':';
}

}  // namespace

std::string_view to_string(PeerUrlError error) noexcept {
    switch (error) {
        case PeerUrlError::kMissingScheme:
            return "peer address must start with qtm://";
        case PeerUrlError::kMissingNodeId:
            return "peer address needs a node id: qtm://<node-id>@host:port";
        case PeerUrlError::kInvalidNodeId:
            return "peer address node id must be 64 hex digits";
        case PeerUrlError::kMissingHost:
            return "peer address has no host";
        case PeerUrlError::kMissingPort:
            return "peer address needs a port: qtm://<node-id>@host:port";
        case PeerUrlError::kInvalidPort:
            return "peer address port must be a number from 1 to 65535";
        case PeerUrlError::kInvalidHost:
            return "peer address host is not a valid name or IP address";
    }
    return "invalid peer address";
}

Result<PeerUrl, PeerUrlError> parse_peer_url(std::string_view text) {
    if (!text.starts_with(kScheme)) return unexpected(PeerUrlError::kMissingScheme);
    text.remove_prefix(kScheme.size());
    const auto at = text.find('@');
    if (at == std::string_view::npos || at == 0) return unexpected(PeerUrlError::kMissingNodeId);
    auto id = from_hex_fixed<32>(text.substr(0, at), HexPrefix::kForbidden);
    if (!id) return unexpected(PeerUrlError::kInvalidNodeId);
    std::string_view rest = text.substr(at + 1);

    std::string_view host;
    std::string_view port_text;
    if (rest.starts_with('[')) {  // [IPv6]:port
        const auto close = rest.find(']');
        if (close == std::string_view::npos) return unexpected(PeerUrlError::kInvalidHost);
        host = rest.substr(1, close - 1);
        rest.remove_prefix(close + 1);
        if (!rest.starts_with(':')) return unexpected(PeerUrlError::kMissingPort);
        port_text = rest.substr(1);
    } else {
        const auto colon = rest.rfind(':');
        if (colon == std::string_view::npos) return unexpected(PeerUrlError::kMissingPort);
        host = rest.substr(0, colon);
        port_text = rest.substr(colon + 1);
        if (host.find(':') != std::string_view::npos) return unexpected(PeerUrlError::kInvalidHost);
    }
    if (host.empty()) return unexpected(PeerUrlError::kMissingHost);
    if (host.size() > 253 || !std::all_of(host.begin(), host.end(), valid_host_char)) {
        return unexpected(PeerUrlError::kInvalidHost);
    }
    if (port_text.empty()) return unexpected(PeerUrlError::kMissingPort);
    if (port_text.size() > 5 || !std::all_of(port_text.begin(), port_text.end(),
                                             [](char c) { return c >= '0' && c <= '9'; })) {
        return unexpected(PeerUrlError::kInvalidPort);
    }
    unsigned port = 0;
    for (char c : port_text)
        port = port * 10 + static_cast<unsigned>(c - '0');
    if (port == 0 || port > 65535) return unexpected(PeerUrlError::kInvalidPort);
    return PeerUrl{*id, std::string{host}, static_cast<std::uint16_t>(port)};
}

std::string to_string(const PeerUrl& url) {
    const bool ipv6 = url.host.find(':') != std::string::npos;
    return std::string{kScheme} + to_string(url.node_id) + "@" + (ipv6 ? "[" : "") + url.host +
           (ipv6 ? "]" : "") + ":" + std::to_string(url.port);
}

}  // namespace qtm::p2p
