// The `peers` channel: address exchange. A node asks a peer for addresses (saying on which
// port it listens itself, so the peer can dial it back and validate it) and the peer answers
// with up to kMaxPeerAddresses addresses it has itself reached. Canonical RLP:
//   type 0  GetPeers = [listen port (0: not listening), how many wanted]
//   type 1  Peers    = [[node id (32 bytes), host, port], ...]
// Every decode failure is the sender's fault.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "p2p/message.hpp"
#include "p2p/peer_url.hpp"

namespace qtm::p2p {

inline constexpr std::size_t kMaxPeerAddresses = 32;

enum class PeerMessageType : std::uint8_t {
    kGetPeers = 0,
    kPeers = 1,
};

struct GetPeers {
    std::uint16_t listen_port{0};
    std::uint32_t max{static_cast<std::uint32_t>(kMaxPeerAddresses)};
    bool operator==(const GetPeers&) const = default;
};

struct PeerAddresses {
    std::vector<PeerUrl> addresses;
    bool operator==(const PeerAddresses&) const = default;
};

enum class PeerExchangeError {
    kUnknownType,     // a message type the peers channel does not have
    kMalformed,       // not the canonical RLP of the type's fields
    kTooManyPeers,    // more than kMaxPeerAddresses addresses
    kInvalidAddress,  // a port of 0 or above 65535, or a host that is not a host
};
[[nodiscard]] std::string_view to_string(PeerExchangeError error) noexcept;

[[nodiscard]] ChannelMessage encode_get_peers(const GetPeers& request);
[[nodiscard]] ChannelMessage encode_peer_addresses(const PeerAddresses& response);
[[nodiscard]] Result<GetPeers, PeerExchangeError> decode_get_peers(ByteView payload);
[[nodiscard]] Result<PeerAddresses, PeerExchangeError> decode_peer_addresses(ByteView payload);

}  // namespace qtm::p2p
