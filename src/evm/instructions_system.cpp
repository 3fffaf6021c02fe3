// LOG0..LOG4 and SELFDESTRUCT (EIP-6780 semantics are the host's; the interpreter prices).
#include <array>

#include "evm/instructions.hpp"
#include "evm/word.hpp"

namespace qtm::evm::instr {

Status log(ExecutionState& state, int topic_count) {
    if (state.msg.is_static) {
        return Status::kStaticModeViolation;
    }
    const U256 offset = state.stack.pop();
    const U256 size = state.stack.pop();
    std::array<Hash32, 4> topics{};
    for (int i = 0; i < topic_count; ++i) {
        topics[static_cast<std::size_t>(i)] = to_hash(state.stack.pop());
    }
    if (!expand_memory(state, offset, size)) {
        return Status::kOutOfGas;
    }
    const std::uint64_t length = low_u64(size);
    if (!charge(state, gas::kLogData * static_cast<std::int64_t>(length))) {
        return Status::kOutOfGas;
    }
    const ByteView data =
        length == 0 ? ByteView{} : ByteView{state.memory.data() + low_u64(offset), length};
    state.host.emit_log(
        state.msg.recipient, data,
        std::span<const Hash32>{topics.data(), static_cast<std::size_t>(topic_count)});
    return Status::kSuccess;
}

Status selfdestruct(ExecutionState& state) {
    if (state.msg.is_static) {
        return Status::kStaticModeViolation;
    }
    const Address beneficiary = to_address(state.stack.pop());
    if (state.host.access_account(beneficiary) == AccessStatus::kCold &&
        !charge(state, gas::kColdAccountAccess)) {
        return Status::kOutOfGas;
    }
    // Sending a non-zero balance to a dead account brings it to life (EIP-161).
    if (state.host.get_balance(state.msg.recipient) != U256{} &&
        !state.host.account_exists(beneficiary) && !charge(state, gas::kSelfdestructNewAccount)) {
        return Status::kOutOfGas;
    }
    state.host.selfdestruct(state.msg.recipient, beneficiary);
    return Status::kSuccess;
}

}  // namespace qtm::evm::instr
