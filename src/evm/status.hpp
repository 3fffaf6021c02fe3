// Status: how an execution frame ended. Outcomes, never exceptions.
#pragma once

#include <cstdint>
#include <string_view>

namespace qtm::evm {

enum class Status : std::uint8_t {
    kSuccess,                   // STOP, RETURN, SELFDESTRUCT or end of code
    kRevert,                    // REVERT: state rolled back, unused gas returned, output kept
    kOutOfGas,                  // includes memory too large to address
    kInvalidInstruction,        // INVALID (0xfe)
    kUndefinedInstruction,      // an opcode Cancun does not define
    kStackOverflow,             // more than 1024 items
    kStackUnderflow,            // too few items for the opcode
    kBadJumpDestination,        // JUMP/JUMPI target not a JUMPDEST (or inside push data)
    kStaticModeViolation,       // state change inside STATICCALL
    kInvalidMemoryAccess,       // RETURNDATACOPY past the end of the return data
    kCallDepthExceeded,         // host: a message at depth > 1024
    kInsufficientBalance,       // host: value transfer larger than the sender's balance
    kContractAddressCollision,  // host: CREATE/CREATE2 target has code, nonce or storage
    kInitcodeTooLarge,          // EIP-3860: initcode over 49152 bytes
    kNonceOverflow,             // host: creator nonce at 2^64-1
    kCodeSizeExceeded,          // host: EIP-170 deployed code over 24576 bytes
    kInvalidCodePrefix,         // host: EIP-3541 deployed code starts with 0xef
    kPrecompileFailure,         // host: a precompile rejected its input
    kUnsupportedRevision,       // execute() called for a fork other than Cancun
};

std::string_view to_string(Status status) noexcept;

// Whether state changes of the frame survive (only kSuccess).
[[nodiscard]] constexpr bool is_success(Status status) noexcept {
    return status == Status::kSuccess;
}

// Exceptional halts consume all gas; success and revert return what is left. The host's
// "soft" failures (depth, balance, nonce) leave the message's gas untouched.
[[nodiscard]] constexpr bool consumes_all_gas(Status status) noexcept {
    switch (status) {
        case Status::kSuccess:
        case Status::kRevert:
        case Status::kCallDepthExceeded:
        case Status::kInsufficientBalance:
        case Status::kNonceOverflow:
            return false;
        case Status::kOutOfGas:
        case Status::kInvalidInstruction:
        case Status::kUndefinedInstruction:
        case Status::kStackOverflow:
        case Status::kStackUnderflow:
        case Status::kBadJumpDestination:
        case Status::kStaticModeViolation:
        case Status::kInvalidMemoryAccess:
        case Status::kContractAddressCollision:
        case Status::kInitcodeTooLarge:
        case Status::kCodeSizeExceeded:
        case Status::kInvalidCodePrefix:
        case Status::kPrecompileFailure:
        case Status::kUnsupportedRevision:
            return true;
    }
    return true;
}

}  // namespace qtm::evm
