// The state-touching and memory-heavy instructions, defined out of line by concern:
// instructions_environment.cpp, instructions_memory.cpp, instructions_storage.cpp,
// instructions_calls.cpp, instructions_create.cpp, instructions_system.cpp.
// Each returns kSuccess to continue, or the status that halts the frame. The interpreter
// has already checked the stack and charged the instruction's constant gas.
#pragma once

#include "evm/execution_state.hpp"
#include "evm/opcodes.hpp"

namespace qtm::evm::instr {

// environment and block
Status keccak256(ExecutionState& state);
Status balance(ExecutionState& state);
Status calldataload(ExecutionState& state);
Status calldatacopy(ExecutionState& state);
Status codecopy(ExecutionState& state);
Status extcodesize(ExecutionState& state);
Status extcodecopy(ExecutionState& state);
Status extcodehash(ExecutionState& state);
Status returndatacopy(ExecutionState& state);
Status blockhash(ExecutionState& state);
Status blobhash(ExecutionState& state);
Status selfbalance(ExecutionState& state);
// Pushes a context value (ORIGIN, GASPRICE, COINBASE ... BLOBBASEFEE).
Status tx_context_value(ExecutionState& state, Opcode op);

// memory
Status mload(ExecutionState& state);
Status mstore(ExecutionState& state);
Status mstore8(ExecutionState& state);
Status mcopy(ExecutionState& state);
// RETURN and REVERT: sets the frame's output.
Status set_output(ExecutionState& state);

// storage
Status sload(ExecutionState& state);
Status sstore(ExecutionState& state);
Status tload(ExecutionState& state);
Status tstore(ExecutionState& state);

// logs, calls, creates, selfdestruct
Status log(ExecutionState& state, int topic_count);
Status call(ExecutionState& state, Opcode op);
Status create(ExecutionState& state, Opcode op);
Status selfdestruct(ExecutionState& state);

// Copies `src[src_offset, src_offset + size)` into memory at `mem_offset`, zero-filling past
// the end of `src`, after charging memory expansion and 3 gas per word.
Status copy_to_memory(ExecutionState& state, const U256& mem_offset, const U256& src_offset,
                      const U256& size, ByteView src);

}  // namespace qtm::evm::instr
