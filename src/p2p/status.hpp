// The status message, the first frame each side sends on a new session: protocol version,
// chain id, genesis hash, head and finalized block. A peer with another genesis (or chain,
// or version) is refused. Encoded as a canonical RLP list of the seven fields.
#pragma once

#include <string_view>

#include "base/bytes.hpp"
#include "base/result.hpp"

namespace qtm::p2p {

struct Status {
    std::uint16_t protocol_version{0};
    std::uint64_t chain_id{0};
    Hash32 genesis_hash{};
    std::uint64_t head_number{0};
    Hash32 head_hash{};
    std::uint64_t finalized_number{0};
    Hash32 finalized_hash{};
    bool operator==(const Status&) const = default;
};

enum class StatusError {
    kMalformed,           // not the canonical RLP list of seven fields
    kVersionMismatch,     // another protocol version
    kChainIdMismatch,     // another chain id
    kGenesisMismatch,     // another genesis hash
    kFinalizedAfterHead,  // a finalized block above the head
};
[[nodiscard]] std::string_view to_string(StatusError error) noexcept;
// Malformed or inconsistent status is misbehaviour; another network is incompatibility.
[[nodiscard]] bool peer_is_to_blame(StatusError error) noexcept;

[[nodiscard]] Bytes encode_status(const Status& status);
[[nodiscard]] Result<Status, StatusError> decode_status(ByteView bytes);
// Whether a peer with status `peer` may stay connected to a node with status `own`.
[[nodiscard]] Result<void, StatusError> check_peer_status(const Status& own, const Status& peer);

}  // namespace qtm::p2p
