// Memory instructions: MLOAD, MSTORE, MSTORE8, MCOPY (EIP-5656), and RETURN/REVERT output.
#include <cstring>

#include "evm/instructions.hpp"
#include "evm/word.hpp"

namespace qtm::evm::instr {

Status mload(ExecutionState& state) {
    U256& top = state.stack.top();
    if (!expand_memory(state, top, U256{32})) {
        return Status::kOutOfGas;
    }
    top = load_word(state.memory.data() + low_u64(top));
    return Status::kSuccess;
}

Status mstore(ExecutionState& state) {
    const U256 offset = state.stack.pop();
    const U256 value = state.stack.pop();
    if (!expand_memory(state, offset, U256{32})) {
        return Status::kOutOfGas;
    }
    store_word(state.memory.data() + low_u64(offset), value);
    return Status::kSuccess;
}

Status mstore8(ExecutionState& state) {
    const U256 offset = state.stack.pop();
    const U256 value = state.stack.pop();
    if (!expand_memory(state, offset, U256{1})) {
        return Status::kOutOfGas;
    }
    state.memory.data()[low_u64(offset)] = static_cast<std::uint8_t>(low_u64(value) & 0xff);
    return Status::kSuccess;
}

Status mcopy(ExecutionState& state) {
    const U256 dest = state.stack.pop();
    const U256 src = state.stack.pop();
    const U256 size = state.stack.pop();
    // Memory grows to cover both regions; the higher one decides.
    if (!expand_memory(state, dest > src ? dest : src, size)) {
        return Status::kOutOfGas;
    }
    const std::uint64_t length = low_u64(size);
    if (!charge(state, gas::kCopyWord * gas::num_words(length))) {
        return Status::kOutOfGas;
    }
    if (length != 0) {
        // Regions may overlap: memmove.
        std::memmove(state.memory.data() + low_u64(dest), state.memory.data() + low_u64(src),
                     length);
    }
    return Status::kSuccess;
}

Status set_output(ExecutionState& state) {
    const U256 offset = state.stack.pop();
    const U256 size = state.stack.pop();
    if (!expand_memory(state, offset, size)) {
        return Status::kOutOfGas;
    }
    const std::uint64_t length = low_u64(size);
    if (length != 0) {
        const std::uint8_t* begin = state.memory.data() + low_u64(offset);
        state.output.assign(begin, begin + length);
    }
    return Status::kSuccess;
}

}  // namespace qtm::evm::instr
