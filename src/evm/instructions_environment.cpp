// Environment and block instructions: KECCAK256, account queries (EIP-2929 priced), call data,
// code and return data access, block and transaction context.
#include <algorithm>
#include <cstring>

#include "crypto/keccak.hpp"
#include "evm/instructions.hpp"
#include "evm/word.hpp"

namespace qtm::evm::instr {

namespace {

// Charges the EIP-2929 surcharge when `address` is cold; the table already charged warm.
bool charge_account_access(ExecutionState& state, const Address& address) {
    if (state.host.access_account(address) == AccessStatus::kCold) {
        return charge(state, gas::kColdAccountSurcharge);
    }
    return true;
}

}  // namespace

Status copy_to_memory(ExecutionState& state, const U256& mem_offset, const U256& src_offset,
                      const U256& size, ByteView src) {
    if (!expand_memory(state, mem_offset, size)) {
        return Status::kOutOfGas;
    }
    const std::uint64_t length = low_u64(size);  // fits: expand_memory checked it
    if (!charge(state, gas::kCopyWord * gas::num_words(length))) {
        return Status::kOutOfGas;
    }
    if (length == 0) {
        return Status::kSuccess;
    }
    std::uint8_t* dest = state.memory.data() + low_u64(mem_offset);
    const std::uint64_t start = std::min<std::uint64_t>(saturate_u64(src_offset), src.size());
    const std::uint64_t copied = std::min<std::uint64_t>(length, src.size() - start);
    if (copied != 0) {
        std::memcpy(dest, src.data() + start, copied);
    }
    std::memset(dest + copied, 0, length - copied);
    return Status::kSuccess;
}

Status keccak256(ExecutionState& state) {
    const U256 offset = state.stack.pop();
    U256& size_and_result = state.stack.top();
    if (!expand_memory(state, offset, size_and_result)) {
        return Status::kOutOfGas;
    }
    const std::uint64_t size = low_u64(size_and_result);
    if (!charge(state, gas::kKeccakWord * gas::num_words(size))) {
        return Status::kOutOfGas;
    }
    const ByteView data =
        size == 0 ? ByteView{} : ByteView{state.memory.data() + low_u64(offset), size};
    size_and_result = from_hash(crypto::keccak256(data));
    return Status::kSuccess;
}

Status balance(ExecutionState& state) {
    U256& top = state.stack.top();
    const Address address = to_address(top);
    if (!charge_account_access(state, address)) {
        return Status::kOutOfGas;
    }
    top = state.host.get_balance(address);
    return Status::kSuccess;
}

Status calldataload(ExecutionState& state) {
    U256& top = state.stack.top();
    const ByteView input = state.msg.input;
    const std::uint64_t offset = saturate_u64(top);
    std::uint8_t word[32]{};
    if (offset < input.size()) {
        const std::size_t count = std::min<std::size_t>(32, input.size() - offset);
        std::memcpy(word, input.data() + offset, count);
    }
    top = load_word(word);
    return Status::kSuccess;
}

Status calldatacopy(ExecutionState& state) {
    const U256 mem_offset = state.stack.pop();
    const U256 src_offset = state.stack.pop();
    const U256 size = state.stack.pop();
    return copy_to_memory(state, mem_offset, src_offset, size, state.msg.input);
}

Status codecopy(ExecutionState& state) {
    const U256 mem_offset = state.stack.pop();
    const U256 src_offset = state.stack.pop();
    const U256 size = state.stack.pop();
    return copy_to_memory(state, mem_offset, src_offset, size, state.analysis.code());
}

Status extcodesize(ExecutionState& state) {
    U256& top = state.stack.top();
    const Address address = to_address(top);
    if (!charge_account_access(state, address)) {
        return Status::kOutOfGas;
    }
    top = U256{state.host.get_code_size(address)};
    return Status::kSuccess;
}

Status extcodecopy(ExecutionState& state) {
    const Address address = to_address(state.stack.pop());
    const U256 mem_offset = state.stack.pop();
    const U256 code_offset = state.stack.pop();
    const U256 size = state.stack.pop();
    if (!charge_account_access(state, address)) {
        return Status::kOutOfGas;
    }
    if (!expand_memory(state, mem_offset, size)) {
        return Status::kOutOfGas;
    }
    const std::uint64_t length = low_u64(size);
    if (!charge(state, gas::kCopyWord * gas::num_words(length))) {
        return Status::kOutOfGas;
    }
    if (length == 0) {
        return Status::kSuccess;
    }
    std::uint8_t* dest = state.memory.data() + low_u64(mem_offset);
    std::size_t copied = 0;
    if (fits_u64(code_offset)) {
        copied = state.host.copy_code(address, low_u64(code_offset), MutableByteView{dest, length});
    }
    std::memset(dest + copied, 0, length - copied);
    return Status::kSuccess;
}

Status extcodehash(ExecutionState& state) {
    U256& top = state.stack.top();
    const Address address = to_address(top);
    if (!charge_account_access(state, address)) {
        return Status::kOutOfGas;
    }
    top = from_hash(state.host.get_code_hash(address));
    return Status::kSuccess;
}

Status returndatacopy(ExecutionState& state) {
    const U256 mem_offset = state.stack.pop();
    const U256 src_offset = state.stack.pop();
    const U256 size = state.stack.pop();
    // EIP-211: reading past the end of the return data is an exceptional halt, not zeros.
    const std::uint64_t available = state.return_data.size();
    if (!fits_u64(src_offset) || !fits_u64(size) || low_u64(src_offset) > available ||
        low_u64(size) > available - low_u64(src_offset)) {
        return Status::kInvalidMemoryAccess;
    }
    return copy_to_memory(state, mem_offset, src_offset, size, state.return_data);
}

Status blockhash(ExecutionState& state) {
    U256& top = state.stack.top();
    const std::int64_t current = state.tx_context().number;
    // Only the 256 most recent complete blocks have an observable hash.
    if (fits_u64(top) && low_u64(top) < static_cast<std::uint64_t>(current) &&
        static_cast<std::int64_t>(low_u64(top)) >= current - 256) {
        top = from_hash(state.host.get_block_hash(static_cast<std::int64_t>(low_u64(top))));
    } else {
        top = U256{};
    }
    return Status::kSuccess;
}

Status blobhash(ExecutionState& state) {
    U256& top = state.stack.top();
    const auto& hashes = state.tx_context().blob_hashes;
    // QTM carries no blob transactions: the list is empty and BLOBHASH yields 0.
    top = fits_u64(top) && low_u64(top) < hashes.size()
              ? from_hash(hashes[static_cast<std::size_t>(low_u64(top))])
              : U256{};
    return Status::kSuccess;
}

Status selfbalance(ExecutionState& state) {
    state.stack.push(state.host.get_balance(state.msg.recipient));
    return Status::kSuccess;
}

Status tx_context_value(ExecutionState& state, Opcode op) {
    const TxContext& ctx = state.tx_context();
    U256 value;
    switch (op) {
        case OP_ORIGIN:
            value = from_address(ctx.origin);
            break;
        case OP_GASPRICE:
            value = ctx.gas_price;
            break;
        case OP_COINBASE:
            value = from_address(ctx.coinbase);
            break;
        case OP_TIMESTAMP:
            value = U256{static_cast<std::uint64_t>(ctx.timestamp)};
            break;
        case OP_NUMBER:
            value = U256{static_cast<std::uint64_t>(ctx.number)};
            break;
        case OP_PREVRANDAO:
            value = ctx.prevrandao;
            break;
        case OP_GASLIMIT:
            value = U256{static_cast<std::uint64_t>(ctx.gas_limit)};
            break;
        case OP_CHAINID:
            value = ctx.chain_id;
            break;
        case OP_BASEFEE:
            value = ctx.base_fee;
            break;
        case OP_BLOBBASEFEE:
            value = ctx.blob_base_fee;
            break;
        default:
            return Status::kUndefinedInstruction;  // not a context opcode
    }
    state.stack.push(value);
    return Status::kSuccess;
}

}  // namespace qtm::evm::instr
