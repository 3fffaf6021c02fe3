#include "rpc/trace_errors.hpp"

#include "evm/instruction_table.hpp"
#include "evm/opcode_names.hpp"

namespace qtm::rpc {

std::string geth_error(evm::Status status, const FailedStep& step) {
    using evm::Status;
    const evm::InstructionInfo& info = evm::kCancunInstructions[step.op];
    switch (status) {
        case Status::kSuccess:
            return {};
        case Status::kRevert:
            return "execution reverted";
        case Status::kOutOfGas:
            return step.code_store_out_of_gas ? "contract creation code storage out of gas"
                                              : "out of gas";
        case Status::kInvalidInstruction:
        case Status::kUndefinedInstruction:
            return "invalid opcode: " + std::string{evm::opcode_name(step.op)};
        case Status::kStackOverflow:
            // geth: "stack limit reached <len> (<limit>)", limit = 1024 + pops - pushes.
            return "stack limit reached " + std::to_string(step.stack_size) + " (" +
                   std::to_string(1024 - info.stack_change) + ")";
        case Status::kStackUnderflow:
            return "stack underflow (" + std::to_string(step.stack_size) + " <=> " +
                   std::to_string(info.stack_required) + ")";
        case Status::kBadJumpDestination:
            return "invalid jump destination";
        case Status::kStaticModeViolation:
            return "write protection";
        case Status::kInvalidMemoryAccess:
            return "return data out of bounds";
        case Status::kCallDepthExceeded:
            return "max call depth exceeded";
        case Status::kInsufficientBalance:
            return "insufficient balance for transfer";
        case Status::kContractAddressCollision:
            return "contract address collision";
        case Status::kInitcodeTooLarge:
            return "max initcode size exceeded";
        case Status::kNonceOverflow:
            return "nonce uint64 overflow";
        case Status::kCodeSizeExceeded:
            return "max code size exceeded";
        case Status::kInvalidCodePrefix:
            return "invalid code: must not begin with 0xef";
        case Status::kPrecompileFailure:
            return "precompile failed";
        case Status::kUnsupportedRevision:
            return "unsupported revision";
    }
    return std::string{evm::to_string(status)};
}

}  // namespace qtm::rpc
