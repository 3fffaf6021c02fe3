#include "evm/status.hpp"

namespace qtm::evm {

std::string_view to_string(Status status) noexcept {
    switch (status) {
        case Status::kSuccess:
            return "success";
        case Status::kRevert:
            return "revert";
        case Status::kOutOfGas:
            return "out of gas";
        case Status::kInvalidInstruction:
            return "invalid instruction";
        case Status::kUndefinedInstruction:
            return "undefined instruction";
        case Status::kStackOverflow:
            return "stack overflow";
        case Status::kStackUnderflow:
            return "stack underflow";
        case Status::kBadJumpDestination:
            return "bad jump destination";
        case Status::kStaticModeViolation:
            return "static mode violation";
        case Status::kInvalidMemoryAccess:
            return "invalid memory access";
        case Status::kCallDepthExceeded:
            return "call depth exceeded";
        case Status::kInsufficientBalance:
            return "insufficient balance";
        case Status::kContractAddressCollision:
            return "contract address collision";
        case Status::kInitcodeTooLarge:
            return "initcode too large";
        case Status::kNonceOverflow:
            return "nonce overflow";
        case Status::kCodeSizeExceeded:
            return "code size exceeded";
        case Status::kInvalidCodePrefix:
            return "invalid code prefix";
        case Status::kPrecompileFailure:
            return "precompile failure";
        case Status::kUnsupportedRevision:
            return "unsupported revision";
    }
    return "unknown";
}

}  // namespace qtm::evm
