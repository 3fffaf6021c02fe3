// The interpreter loop: one switch over the opcode, after a table-driven check of stack
// bounds and constant gas. No allocation or virtual call per opcode; the Host is called
// only by state-touching instructions. The loop is a template over a static tracer
// (tracer.hpp): NullTracer for ordinary runs, whose hooks vanish at compile time, and
// ForwardingTracer for debug_trace* runs.
#include "evm/interpreter.hpp"

#include <algorithm>

#include "evm/execution_state.hpp"
#include "evm/instruction_table.hpp"
#include "evm/instructions.hpp"
#include "evm/instructions_arithmetic.hpp"
#include "evm/opcodes.hpp"
#include "evm/tracer.hpp"
#include "evm/word.hpp"

namespace qtm::evm {

namespace {

// Runs until the frame halts; returns the halting status.
template <typename StaticTracer>
Status run(ExecutionState& state, StaticTracer& tracer) {
    const std::uint8_t* const code = state.analysis.padded_code();
    Stack& stack = state.stack;
    std::size_t pc = 0;

    for (;;) {
        // Past the end the padding reads as STOP.
        const auto op = static_cast<Opcode>(code[pc]);
        if constexpr (StaticTracer::kEnabled) {
            if (!tracer.on_step(state, pc, op)) return Status::kOutOfGas;
        }
        const InstructionInfo& info = kCancunInstructions[op];
        if (!info.defined) {
            return Status::kUndefinedInstruction;
        }
        if (stack.size() < info.stack_required) {
            return Status::kStackUnderflow;
        }
        if (stack.size() + info.stack_change > kStackLimit) {
            return Status::kStackOverflow;
        }
        if (!charge(state, info.base_gas)) {
            return Status::kOutOfGas;
        }

        Status status = Status::kSuccess;
        switch (op) {
            case OP_STOP:
                return Status::kSuccess;
            case OP_ADD:
                instr::add(stack);
                break;
            case OP_MUL:
                instr::mul(stack);
                break;
            case OP_SUB:
                instr::sub(stack);
                break;
            case OP_DIV:
                instr::div(stack);
                break;
            case OP_SDIV:
                instr::sdiv_op(stack);
                break;
            case OP_MOD:
                instr::mod(stack);
                break;
            case OP_SMOD:
                instr::smod_op(stack);
                break;
            case OP_ADDMOD:
                instr::addmod_op(stack);
                break;
            case OP_MULMOD:
                instr::mulmod_op(stack);
                break;
            case OP_EXP:
                if (!instr::exp_op(state)) {
                    return Status::kOutOfGas;
                }
                break;
            case OP_SIGNEXTEND:
                instr::signextend_op(stack);
                break;
            case OP_LT:
                instr::lt(stack);
                break;
            case OP_GT:
                instr::gt(stack);
                break;
            case OP_SLT:
                instr::slt_op(stack);
                break;
            case OP_SGT:
                instr::sgt_op(stack);
                break;
            case OP_EQ:
                instr::eq(stack);
                break;
            case OP_ISZERO:
                instr::iszero(stack);
                break;
            case OP_AND:
                instr::and_op(stack);
                break;
            case OP_OR:
                instr::or_op(stack);
                break;
            case OP_XOR:
                instr::xor_op(stack);
                break;
            case OP_NOT:
                instr::not_op(stack);
                break;
            case OP_BYTE:
                instr::byte_op(stack);
                break;
            case OP_SHL:
                instr::shl(stack);
                break;
            case OP_SHR:
                instr::shr(stack);
                break;
            case OP_SAR:
                instr::sar_op(stack);
                break;

            case OP_KECCAK256:
                status = instr::keccak256(state);
                break;

            case OP_ADDRESS:
                stack.push(from_address(state.msg.recipient));
                break;
            case OP_BALANCE:
                status = instr::balance(state);
                break;
            case OP_CALLER:
                stack.push(from_address(state.msg.sender));
                break;
            case OP_CALLVALUE:
                stack.push(state.msg.value);
                break;
            case OP_CALLDATALOAD:
                status = instr::calldataload(state);
                break;
            case OP_CALLDATASIZE:
                stack.push(U256{state.msg.input.size()});
                break;
            case OP_CALLDATACOPY:
                status = instr::calldatacopy(state);
                break;
            case OP_CODESIZE:
                stack.push(U256{state.analysis.code_size()});
                break;
            case OP_CODECOPY:
                status = instr::codecopy(state);
                break;
            case OP_EXTCODESIZE:
                status = instr::extcodesize(state);
                break;
            case OP_EXTCODECOPY:
                status = instr::extcodecopy(state);
                break;
            case OP_RETURNDATASIZE:
                stack.push(U256{state.return_data.size()});
                break;
            case OP_RETURNDATACOPY:
                status = instr::returndatacopy(state);
                break;
            case OP_EXTCODEHASH:
                status = instr::extcodehash(state);
                break;

            case OP_BLOCKHASH:
                status = instr::blockhash(state);
                break;
            case OP_ORIGIN:
            case OP_GASPRICE:
            case OP_COINBASE:
            case OP_TIMESTAMP:
            case OP_NUMBER:
            case OP_PREVRANDAO:
            case OP_GASLIMIT:
            case OP_CHAINID:
            case OP_BASEFEE:
            case OP_BLOBBASEFEE:
                status = instr::tx_context_value(state, op);
                break;
            case OP_SELFBALANCE:
                status = instr::selfbalance(state);
                break;
            case OP_BLOBHASH:
                status = instr::blobhash(state);
                break;

            case OP_POP:
                stack.drop(1);
                break;
            case OP_MLOAD:
                status = instr::mload(state);
                break;
            case OP_MSTORE:
                status = instr::mstore(state);
                break;
            case OP_MSTORE8:
                status = instr::mstore8(state);
                break;
            case OP_SLOAD:
                status = instr::sload(state);
                break;
            case OP_SSTORE:
                status = instr::sstore(state);
                break;
            case OP_JUMP: {
                const U256 dest = stack.pop();
                if (!fits_u64(dest) || !state.analysis.is_jumpdest(low_u64(dest))) {
                    return Status::kBadJumpDestination;
                }
                pc = static_cast<std::size_t>(low_u64(dest));
                continue;
            }
            case OP_JUMPI: {
                const U256 dest = stack.pop();
                const U256 condition = stack.pop();
                if (condition != U256{}) {
                    if (!fits_u64(dest) || !state.analysis.is_jumpdest(low_u64(dest))) {
                        return Status::kBadJumpDestination;
                    }
                    pc = static_cast<std::size_t>(low_u64(dest));
                    continue;
                }
                break;
            }
            case OP_PC:
                stack.push(U256{pc});
                break;
            case OP_MSIZE:
                stack.push(U256{state.memory.size()});
                break;
            case OP_GAS:
                stack.push(U256{static_cast<std::uint64_t>(state.gas_left)});
                break;
            case OP_JUMPDEST:
                break;
            case OP_TLOAD:
                status = instr::tload(state);
                break;
            case OP_TSTORE:
                status = instr::tstore(state);
                break;
            case OP_MCOPY:
                status = instr::mcopy(state);
                break;
            case OP_PUSH0:
                stack.push(U256{});
                break;

            case OP_PUSH1:
            case OP_PUSH2:
            case OP_PUSH3:
            case OP_PUSH4:
            case OP_PUSH5:
            case OP_PUSH6:
            case OP_PUSH7:
            case OP_PUSH8:
            case OP_PUSH9:
            case OP_PUSH10:
            case OP_PUSH11:
            case OP_PUSH12:
            case OP_PUSH13:
            case OP_PUSH14:
            case OP_PUSH15:
            case OP_PUSH16:
            case OP_PUSH17:
            case OP_PUSH18:
            case OP_PUSH19:
            case OP_PUSH20:
            case OP_PUSH21:
            case OP_PUSH22:
            case OP_PUSH23:
            case OP_PUSH24:
            case OP_PUSH25:
            case OP_PUSH26:
            case OP_PUSH27:
            case OP_PUSH28:
            case OP_PUSH29:
            case OP_PUSH30:
            case OP_PUSH31:
            case OP_PUSH32: {
                // The padding guarantees 32 readable bytes after any PUSH; bytes past the
                // end of the code read as zero, as the Yellow Paper requires.
                const auto n = static_cast<std::size_t>(op - OP_PUSH1 + 1);
                stack.push(word_from_bytes(ByteView{code + pc + 1, n}));
                pc += n + 1;
                continue;
            }

            case OP_DUP1:
            case OP_DUP2:
            case OP_DUP3:
            case OP_DUP4:
            case OP_DUP5:
            case OP_DUP6:
            case OP_DUP7:
            case OP_DUP8:
            case OP_DUP9:
            case OP_DUP10:
            case OP_DUP11:
            case OP_DUP12:
            case OP_DUP13:
            case OP_DUP14:
            case OP_DUP15:
            case OP_DUP16: {
                const U256 value = stack.top(op - OP_DUP1);
                stack.push(value);
                break;
            }
            case OP_SWAP1:
            case OP_SWAP2:
            case OP_SWAP3:
            case OP_SWAP4:
            case OP_SWAP5:
            case OP_SWAP6:
            case OP_SWAP7:
            case OP_SWAP8:
            case OP_SWAP9:
            case OP_SWAP10:
            case OP_SWAP11:
            case OP_SWAP12:
            case OP_SWAP13:
            case OP_SWAP14:
            case OP_SWAP15:
            case OP_SWAP16:
                std::swap(stack.top(), stack.top(op - OP_SWAP1 + 1));
                break;

            case OP_LOG0:
            case OP_LOG1:
            case OP_LOG2:
            case OP_LOG3:
            case OP_LOG4:
                status = instr::log(state, op - OP_LOG0);
                break;

            case OP_CREATE:
            case OP_CREATE2:
                status = instr::create(state, op);
                break;
            case OP_CALL:
            case OP_CALLCODE:
            case OP_DELEGATECALL:
            case OP_STATICCALL:
                status = instr::call(state, op);
                break;
            case OP_RETURN:
                status = instr::set_output(state);
                return status;
            case OP_REVERT:
                status = instr::set_output(state);
                return status == Status::kSuccess ? Status::kRevert : status;
            case OP_INVALID:
                return Status::kInvalidInstruction;
            case OP_SELFDESTRUCT:
                status = instr::selfdestruct(state);
                return status;
            default:
                // Unreachable: undefined opcodes were rejected by the table check.
                return Status::kUndefinedInstruction;
        }
        if (status != Status::kSuccess) {
            return status;
        }
        ++pc;
    }
}

template <typename StaticTracer>
ExecutionResult execute_with(Host& host, Revision revision, const Message& message,
                             const CodeAnalysis& analysis, StaticTracer& tracer) {
    if (revision != Revision::kCancun) {
        return ExecutionResult{.status = Status::kUnsupportedRevision};
    }
    ExecutionState state{host, message, analysis};
    const Status status = run(state, tracer);
    if constexpr (StaticTracer::kEnabled) {
        tracer.on_frame_end(state, status);
    }

    ExecutionResult result;
    result.status = status;
    if (status == Status::kSuccess || status == Status::kRevert) {
        result.gas_left = state.gas_left;
        result.output = std::move(state.output);
    }
    if (status == Status::kSuccess) {
        result.gas_refund = state.gas_refund;
    }
    return result;
}

}  // namespace

ExecutionResult execute(Host& host, Revision revision, const Message& message,
                        const CodeAnalysis& analysis) {
    NullTracer tracer;
    return execute_with(host, revision, message, analysis, tracer);
}

ExecutionResult execute(Host& host, Revision revision, const Message& message,
                        const CodeAnalysis& analysis, Tracer* tracer) {
    if (tracer == nullptr) {
        return execute(host, revision, message, analysis);
    }
    ForwardingTracer forwarding{*tracer};
    return execute_with(host, revision, message, analysis, forwarding);
}

ExecutionResult execute(Host& host, Revision revision, const Message& message, ByteView code,
                        Tracer* tracer) {
    const CodeAnalysis analysis{code};
    return execute(host, revision, message, analysis, tracer);
}

}  // namespace qtm::evm
