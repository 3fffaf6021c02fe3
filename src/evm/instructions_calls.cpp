// CALL, CALLCODE, DELEGATECALL, STATICCALL: the interpreter prices the call (EIP-2929 access,
// value transfer, new account, memory), applies EIP-150's 63/64 rule and the 2300 stipend,
// builds the message, and lets the host run it.
#include <algorithm>
#include <cstring>

#include "evm/instructions.hpp"
#include "evm/word.hpp"

namespace qtm::evm::instr {

namespace {

ByteView memory_view(ExecutionState& state, const U256& offset, const U256& size) {
    const std::uint64_t length = low_u64(size);
    if (length == 0) {
        return {};
    }
    return ByteView{state.memory.data() + low_u64(offset), length};
}

}  // namespace

Status call(ExecutionState& state, Opcode op) {
    Stack& stack = state.stack;
    const U256 gas_requested = stack.pop();
    const Address destination = to_address(stack.pop());
    const bool takes_value = op == OP_CALL || op == OP_CALLCODE;
    const U256 value = takes_value ? stack.pop() : U256{};
    const U256 input_offset = stack.pop();
    const U256 input_size = stack.pop();
    const U256 output_offset = stack.pop();
    const U256 output_size = stack.pop();
    stack.push(U256{});  // failure unless the host says otherwise
    state.return_data.clear();

    if (state.host.access_account(destination) == AccessStatus::kCold &&
        !charge(state, gas::kColdAccountSurcharge)) {
        return Status::kOutOfGas;
    }
    if (!expand_memory(state, input_offset, input_size) ||
        !expand_memory(state, output_offset, output_size)) {
        return Status::kOutOfGas;
    }

    const bool has_value = value != U256{};
    if (op == OP_CALL && has_value && state.msg.is_static) {
        return Status::kStaticModeViolation;
    }
    std::int64_t extra = 0;
    if (has_value) {
        extra += gas::kCallValue;
        // EIP-161: only a value transfer to a dead account creates it.
        if (op == OP_CALL && !state.host.account_exists(destination)) {
            extra += gas::kNewAccount;
        }
    }
    if (!charge(state, extra)) {
        return Status::kOutOfGas;
    }

    // EIP-150: the callee gets at most all but one 64th of what is left.
    const std::int64_t available = state.gas_left - state.gas_left / 64;
    const std::uint64_t requested = saturate_u64(gas_requested);
    std::int64_t child_gas = requested < static_cast<std::uint64_t>(available)
                                 ? static_cast<std::int64_t>(requested)
                                 : available;
    state.gas_left -= child_gas;
    if (has_value) {
        child_gas += gas::kCallStipend;  // free for the caller: not deducted above
    }

    Message message;
    message.kind = op == OP_CALLCODE       ? CallKind::kCallCode
                   : op == OP_DELEGATECALL ? CallKind::kDelegateCall
                                           : CallKind::kCall;
    message.is_static = state.msg.is_static || op == OP_STATICCALL;
    message.depth = state.msg.depth + 1;
    message.gas = child_gas;
    message.code_address = destination;
    message.input = memory_view(state, input_offset, input_size);
    if (op == OP_CALL || op == OP_STATICCALL) {
        message.recipient = destination;
        message.sender = state.msg.recipient;
        message.value = value;
    } else if (op == OP_CALLCODE) {
        message.recipient = state.msg.recipient;
        message.sender = state.msg.recipient;
        message.value = value;
    } else {  // DELEGATECALL keeps the caller's sender and value
        message.recipient = state.msg.recipient;
        message.sender = state.msg.sender;
        message.value = state.msg.value;
    }

    ExecutionResult result = state.host.call(message);
    state.return_data = std::move(result.output);
    const std::uint64_t copy_size =
        std::min<std::uint64_t>(low_u64(output_size), state.return_data.size());
    if (copy_size != 0) {
        std::memcpy(state.memory.data() + low_u64(output_offset), state.return_data.data(),
                    copy_size);
    }
    state.gas_left += result.gas_left;
    if (result.status == Status::kSuccess) {
        state.gas_refund += result.gas_refund;
        stack.top() = U256{1};
    }
    return Status::kSuccess;
}

}  // namespace qtm::evm::instr
