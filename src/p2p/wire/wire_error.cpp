#include "p2p/wire/wire_error.hpp"

namespace qtm::p2p {

std::string_view to_string(WireError error) noexcept {
    switch (error) {
        case WireError::kUnknownType:
            return "message type unknown on its channel";
        case WireError::kOversized:
            return "message larger than its type's size bound";
        case WireError::kMalformedRlp:
            return "message is not canonical RLP (truncated or trailing bytes)";
        case WireError::kWrongShape:
            return "message has the wrong number or kind of fields";
        case WireError::kBadField:
            return "message has a field out of range";
        case WireError::kNotCanonical:
            return "embedded consensus message is not in canonical form";
        case WireError::kTooManyItems:
            return "message carries more items than its type allows";
        case WireError::kDuplicateItem:
            return "message names the same transaction twice";
        case WireError::kBadTransaction:
            return "message carries a transaction that does not decode";
        case WireError::kBadBlock:
            return "message carries a block or header that does not decode";
        case WireError::kProposalMismatch:
            return "signed proposal does not match the block header it carries";
        case WireError::kUnrequested:
            return "response or item that was not requested";
        case WireError::kAnnouncementMismatch:
            return "transaction differs in type or size from its announcement";
        case WireError::kTimeout:
            return "request not answered in time";
        case WireError::kTransactionsRootMismatch:
            return "transactions do not match the header's transactions root";
        case WireError::kEvidenceRootMismatch:
            return "evidence does not match the header's evidence root";
        case WireError::kWrongBlock:
            return "block of another number than requested, or not on the chain";
        case WireError::kCertificateMismatch:
            return "commit certificate is for another height or block";
        case WireError::kBadCertificate:
            return "commit certificate does not verify";
        case WireError::kInvalidBlock:
            return "block refused by the chain";
    }
    return "unknown wire error";
}

bool peer_is_to_blame(WireError error) noexcept {
    return error != WireError::kUnknownType;
}

Offence offence_of(WireError error) noexcept {
    if (error == WireError::kTimeout) return Offence::kTimeout;
    if (error == WireError::kUnrequested) return Offence::kUnrequestedMessage;
    return Offence::kInvalidMessage;
}

}  // namespace qtm::p2p
