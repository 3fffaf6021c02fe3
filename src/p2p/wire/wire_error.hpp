// The one error type of every p2p message decoder (src/p2p/wire) and of the state machines
// built on them (transaction fetching, compact proposals, sync): what was wrong with a
// peer's message and whether the peer is to blame for it, so that its score follows
// (Bitcoin Core's rule; the offence it costs is offence_of()).
#pragma once

#include <string_view>

#include "p2p/peer_manager.hpp"

namespace qtm::p2p {

enum class WireError {
    // Decoding (cheap checks first: the size bound before any RLP is read).
    kUnknownType,       // a message type this channel does not define
    kOversized,         // more bytes than the message type's bound
    kMalformedRlp,      // not canonical RLP, truncated, or trailing bytes
    kWrongShape,        // a missing or extra field, a list where a string belongs
    kBadField,          // a value out of range (a zero count, a hash not 32 bytes, ...)
    kNotCanonical,      // an embedded consensus message not in canonical form
    kTooManyItems,      // more hashes, transactions or blocks than the type allows
    kDuplicateItem,     // the same transaction twice where a block can hold it once
    kBadTransaction,    // an embedded transaction does not decode
    kBadBlock,          // an embedded block or header does not decode
    kProposalMismatch,  // the signed proposal names another block or height than the header
    // Answers to requests.
    kUnrequested,           // a response nobody asked for, or an item that was not requested
    kAnnouncementMismatch,  // a delivered transaction's type or size differs from its announcement
    kTimeout,               // no answer within the request's time limit
    // Block contents (compact proposals and sync).
    kTransactionsRootMismatch,  // the transactions do not hash to the header's root
    kEvidenceRootMismatch,      // the evidence does not hash to the header's root
    kWrongBlock,                // a block of another number than requested, or not linked
    kCertificateMismatch,       // a certificate for another height or block hash
    kBadCertificate,            // a certificate that fails the signature and quorum checks
    kInvalidBlock,              // the chain refused to import the block (its own checks)
};

[[nodiscard]] std::string_view to_string(WireError error) noexcept;

// Whether the peer that sent the message misbehaved. Everything here is, except an unknown
// message type: a later minor version may add types, so a message of one is ignored.
[[nodiscard]] bool peer_is_to_blame(WireError error) noexcept;

// The peer-manager offence a blamed error costs (kTimeout for a timeout, kUnrequested for an
// unrequested answer, kInvalidMessage for everything else that is blamed).
[[nodiscard]] Offence offence_of(WireError error) noexcept;

}  // namespace qtm::p2p
