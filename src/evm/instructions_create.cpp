// CREATE and CREATE2: the interpreter charges memory, EIP-3860 initcode words (and CREATE2's
// hashing words), enforces the initcode size limit and the static mode, and passes all but
// 1/64 of its gas; the host derives the address, bumps the nonce and runs the initcode.
#include "evm/instructions.hpp"
#include "evm/word.hpp"

namespace qtm::evm::instr {

Status create(ExecutionState& state, Opcode op) {
    if (state.msg.is_static) {
        return Status::kStaticModeViolation;
    }
    Stack& stack = state.stack;
    const U256 value = stack.pop();
    const U256 offset = stack.pop();
    const U256 size = stack.pop();
    const U256 salt = op == OP_CREATE2 ? stack.pop() : U256{};
    stack.push(U256{});
    state.return_data.clear();

    if (!expand_memory(state, offset, size)) {
        return Status::kOutOfGas;
    }
    const std::uint64_t length = low_u64(size);
    if (length > gas::kMaxInitcodeSize) {
        return Status::kInitcodeTooLarge;
    }
    const std::int64_t words = gas::num_words(length);
    const std::int64_t word_cost =
        gas::kInitcodeWord + (op == OP_CREATE2 ? gas::kCreate2Word : std::int64_t{0});
    if (!charge(state, word_cost * words)) {
        return Status::kOutOfGas;
    }

    const std::int64_t child_gas = state.gas_left - state.gas_left / 64;
    state.gas_left -= child_gas;

    Message message;
    message.kind = op == OP_CREATE2 ? CallKind::kCreate2 : CallKind::kCreate;
    message.depth = state.msg.depth + 1;
    message.gas = child_gas;
    message.sender = state.msg.recipient;
    message.value = value;
    message.create2_salt = salt;
    if (length != 0) {
        message.input = ByteView{state.memory.data() + low_u64(offset), length};
    }

    ExecutionResult result = state.host.call(message);
    state.gas_left += result.gas_left;
    // Only a reverting initcode leaves return data; a successful one's output is the code.
    if (result.status == Status::kRevert) {
        state.return_data = std::move(result.output);
    }
    if (result.status == Status::kSuccess) {
        state.gas_refund += result.gas_refund;
        stack.top() = from_address(result.create_address);
    }
    return Status::kSuccess;
}

}  // namespace qtm::evm::instr
