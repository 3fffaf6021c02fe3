#include "p2p/peer_exchange.hpp"

#include "codec/rlp.hpp"

namespace qtm::p2p {

std::string_view to_string(PeerExchangeError error) noexcept {
    switch (error) {
        case PeerExchangeError::kUnknownType:
            return "unknown message type on the peers channel";
        case PeerExchangeError::kMalformed:
            return "malformed peers message";
        case PeerExchangeError::kTooManyPeers:
            return "peers message with more addresses than allowed";
        case PeerExchangeError::kInvalidAddress:
            return "peers message with an invalid address";
    }
    return "unknown peers message error";
}

ChannelMessage encode_get_peers(const GetPeers& request) {
    Bytes fields;
    rlp::append_uint(fields, request.listen_port);
    rlp::append_uint(fields, request.max);
    return {Channel::kPeers, static_cast<std::uint8_t>(PeerMessageType::kGetPeers),
            rlp::encode_list(fields)};
}

ChannelMessage encode_peer_addresses(const PeerAddresses& response) {
    Bytes items;
    for (const PeerUrl& url : response.addresses) {
        Bytes fields;
        rlp::append_string(fields, url.node_id);
        rlp::append_string(fields, as_bytes(url.host));
        rlp::append_uint(fields, url.port);
        rlp::append_list(items, fields);
    }
    return {Channel::kPeers, static_cast<std::uint8_t>(PeerMessageType::kPeers),
            rlp::encode_list(items)};
}

Result<GetPeers, PeerExchangeError> decode_get_peers(ByteView payload) {
    rlp::Decoder outer{payload};
    auto list = outer.read_list();
    if (!list || !outer.finish()) return unexpected(PeerExchangeError::kMalformed);
    auto port = list->read_uint64();
    auto max = list->read_uint64();
    if (!port || !max || !list->finish()) return unexpected(PeerExchangeError::kMalformed);
    if (*port > 0xffff) return unexpected(PeerExchangeError::kInvalidAddress);
    return GetPeers{static_cast<std::uint16_t>(*port),
                    static_cast<std::uint32_t>(std::min<std::uint64_t>(*max, kMaxPeerAddresses))};
}

Result<PeerAddresses, PeerExchangeError> decode_peer_addresses(ByteView payload) {
    rlp::Decoder outer{payload};
    auto list = outer.read_list();
    if (!list || !outer.finish()) return unexpected(PeerExchangeError::kMalformed);
    PeerAddresses out;
    while (!list->at_end()) {
        if (out.addresses.size() == kMaxPeerAddresses) {
            return unexpected(PeerExchangeError::kTooManyPeers);
        }
        auto item = list->read_list();
        if (!item) return unexpected(PeerExchangeError::kMalformed);
        auto id = item->read_fixed<32>();
        auto host = item->read_string();
        auto port = item->read_uint64();
        if (!id || !host || !port || !item->finish()) {
            return unexpected(PeerExchangeError::kMalformed);
        }
        if (*port == 0 || *port > 0xffff) return unexpected(PeerExchangeError::kInvalidAddress);
        // The host is checked by the one parser of addresses, as a user's would be.
        PeerUrl candidate{*id, std::string{host->begin(), host->end()},
                          static_cast<std::uint16_t>(*port)};
        auto parsed = parse_peer_url(to_string(candidate));
        if (!parsed || *parsed != candidate) return unexpected(PeerExchangeError::kInvalidAddress);
        out.addresses.push_back(std::move(candidate));
    }
    return out;
}

}  // namespace qtm::p2p
