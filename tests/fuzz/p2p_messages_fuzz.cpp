// Fuzzes the p2p decoders outside src/p2p/wire, all fed by peers (or, for the address book,
// by a file a crash may have left half written): the channel message envelope
// (decode_message), the status message, peer exchange's GetPeers and PeerAddresses, and the
// address book. The first byte picks the decoder. Any input either fails with a typed
// error or decodes to a value whose encoding decodes again to the same encoding.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "p2p/address_book.hpp"
#include "p2p/message.hpp"
#include "p2p/peer_exchange.hpp"
#include "p2p/status.hpp"

using namespace qtm;

namespace {

template <class Encoded>
void same(const Encoded& a, const Encoded& b) {
    if (!equal(a, b)) std::abort();
}

void channel_message(ByteView input) {
    const auto decoded = p2p::decode_message(input);
    if (!decoded) {
        (void)p2p::to_string(decoded.error());
        return;
    }
    const Bytes encoded = p2p::encode_message(*decoded);
    const auto again = p2p::decode_message(encoded);
    if (!again) std::abort();
    same(p2p::encode_message(*again), encoded);
}

void status(ByteView input) {
    const auto decoded = p2p::decode_status(input);
    if (!decoded) {
        (void)p2p::to_string(decoded.error());
        return;
    }
    const Bytes encoded = p2p::encode_status(*decoded);
    const auto again = p2p::decode_status(encoded);
    if (!again) std::abort();
    same(p2p::encode_status(*again), encoded);
}

void peer_exchange(ByteView input, bool request) {
    if (request) {
        const auto decoded = p2p::decode_get_peers(input);
        if (!decoded) {
            (void)p2p::to_string(decoded.error());
            return;
        }
        const p2p::ChannelMessage encoded = p2p::encode_get_peers(*decoded);
        const auto again = p2p::decode_get_peers(encoded.payload);
        if (!again) std::abort();
        same(p2p::encode_get_peers(*again).payload, encoded.payload);
        return;
    }
    const auto decoded = p2p::decode_peer_addresses(input);
    if (!decoded) {
        (void)p2p::to_string(decoded.error());
        return;
    }
    const p2p::ChannelMessage encoded = p2p::encode_peer_addresses(*decoded);
    const auto again = p2p::decode_peer_addresses(encoded.payload);
    if (!again) std::abort();
    same(p2p::encode_peer_addresses(*again).payload, encoded.payload);
}

void address_book(ByteView input) {
    const std::string_view text{reinterpret_cast<const char*>(input.data()), input.size()};
    const auto decoded = p2p::decode_address_book(text, /*capacity=*/64);
    if (!decoded) {
        (void)p2p::to_string(decoded.error());
        return;
    }
    const Bytes encoded = p2p::encode_address_book(*decoded);
    const std::string_view encoded_text{reinterpret_cast<const char*>(encoded.data()),
                                        encoded.size()};
    const auto again = p2p::decode_address_book(encoded_text, 64);
    if (!again) std::abort();
    same(p2p::encode_address_book(*again), encoded);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const ByteView input{data + 1, size - 1};
    switch (data[0] % 5) {
        case 0:
            channel_message(input);
            break;
        case 1:
            status(input);
            break;
        case 2:
            peer_exchange(input, true);
            break;
        case 3:
            peer_exchange(input, false);
            break;
        default:
            address_book(input);
            break;
    }
    return 0;
}
