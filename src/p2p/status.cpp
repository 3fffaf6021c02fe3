#include "p2p/status.hpp"

#include "codec/rlp.hpp"

namespace qtm::p2p {

std::string_view to_string(StatusError error) noexcept {
    switch (error) {
        case StatusError::kMalformed:
            return "malformed status message";
        case StatusError::kVersionMismatch:
            return "peer status has another protocol version";
        case StatusError::kChainIdMismatch:
            return "peer status has another chain id";
        case StatusError::kGenesisMismatch:
            return "peer status has another genesis hash";
        case StatusError::kFinalizedAfterHead:
            return "peer status has a finalized block above its head";
    }
    return "unknown status error";
}

bool peer_is_to_blame(StatusError error) noexcept {
    return error == StatusError::kMalformed || error == StatusError::kFinalizedAfterHead;
}

Bytes encode_status(const Status& status) {
    Bytes payload;
    rlp::append_uint(payload, status.protocol_version);
    rlp::append_uint(payload, status.chain_id);
    rlp::append_string(payload, status.genesis_hash);
    rlp::append_uint(payload, status.head_number);
    rlp::append_string(payload, status.head_hash);
    rlp::append_uint(payload, status.finalized_number);
    rlp::append_string(payload, status.finalized_hash);
    return rlp::encode_list(payload);
}

Result<Status, StatusError> decode_status(ByteView bytes) {
    rlp::Decoder outer{bytes};
    auto list = outer.read_list();
    if (!list || !outer.finish()) return unexpected(StatusError::kMalformed);
    Status status;
    auto version = list->read_uint64();
    auto chain_id = list->read_uint64();
    auto genesis = list->read_fixed<32>();
    auto head_number = list->read_uint64();
    auto head_hash = list->read_fixed<32>();
    auto finalized_number = list->read_uint64();
    auto finalized_hash = list->read_fixed<32>();
    if (!version || !chain_id || !genesis || !head_number || !head_hash || !finalized_number ||
        !finalized_hash || !list->finish() || *version > 0xffff) {
        return unexpected(StatusError::kMalformed);
    }
    status.protocol_version = static_cast<std::uint16_t>(*version);
    status.chain_id = *chain_id;
    status.genesis_hash = *genesis;
    status.head_number = *head_number;
    status.head_hash = *head_hash;
    status.finalized_number = *finalized_number;
    status.finalized_hash = *finalized_hash;
    return status;
}

Result<void, StatusError> check_peer_status(const Status& own, const Status& peer) {
    if (peer.protocol_version != own.protocol_version) {
        return unexpected(StatusError::kVersionMismatch);
    }
    if (peer.chain_id != own.chain_id) return unexpected(StatusError::kChainIdMismatch);
    if (peer.genesis_hash != own.genesis_hash) return unexpected(StatusError::kGenesisMismatch);
    if (peer.finalized_number > peer.head_number) {
        return unexpected(StatusError::kFinalizedAfterHead);
    }
    return {};
}

}  // namespace qtm::p2p
