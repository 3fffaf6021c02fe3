// Per-opcode static facts for Cancun: constant gas, stack items required and the net stack
// change. The interpreter checks these before dispatch, so instruction bodies need not.
// Dynamic costs (memory, copies, cold access, EXP bytes ...) are charged by the bodies.
#pragma once

#include <array>
#include <cstdint>

#include "evm/opcodes.hpp"

namespace qtm::evm {

struct InstructionInfo {
    std::int16_t base_gas{0};
    std::int8_t stack_required{0};
    std::int8_t stack_change{0};
    bool defined{false};
};

namespace detail {

consteval std::array<InstructionInfo, 256> make_cancun_table() {
    std::array<InstructionInfo, 256> t{};
    const auto set = [&t](int op, int gas, int required, int change) {
        t[static_cast<std::size_t>(op)] =
            InstructionInfo{static_cast<std::int16_t>(gas), static_cast<std::int8_t>(required),
                            static_cast<std::int8_t>(change), true};
    };
    set(OP_STOP, 0, 0, 0);
    set(OP_ADD, 3, 2, -1);
    set(OP_MUL, 5, 2, -1);
    set(OP_SUB, 3, 2, -1);
    set(OP_DIV, 5, 2, -1);
    set(OP_SDIV, 5, 2, -1);
    set(OP_MOD, 5, 2, -1);
    set(OP_SMOD, 5, 2, -1);
    set(OP_ADDMOD, 8, 3, -2);
    set(OP_MULMOD, 8, 3, -2);
    set(OP_EXP, 10, 2, -1);
    set(OP_SIGNEXTEND, 5, 2, -1);
    for (int op = OP_LT; op <= OP_SAR; ++op) {
        set(op, 3, 2, -1);
    }
    set(OP_ISZERO, 3, 1, 0);
    set(OP_NOT, 3, 1, 0);
    set(OP_KECCAK256, 30, 2, -1);

    set(OP_ADDRESS, 2, 0, 1);
    set(OP_BALANCE, 100, 1, 0);
    set(OP_ORIGIN, 2, 0, 1);
    set(OP_CALLER, 2, 0, 1);
    set(OP_CALLVALUE, 2, 0, 1);
    set(OP_CALLDATALOAD, 3, 1, 0);
    set(OP_CALLDATASIZE, 2, 0, 1);
    set(OP_CALLDATACOPY, 3, 3, -3);
    set(OP_CODESIZE, 2, 0, 1);
    set(OP_CODECOPY, 3, 3, -3);
    set(OP_GASPRICE, 2, 0, 1);
    set(OP_EXTCODESIZE, 100, 1, 0);
    set(OP_EXTCODECOPY, 100, 4, -4);
    set(OP_RETURNDATASIZE, 2, 0, 1);
    set(OP_RETURNDATACOPY, 3, 3, -3);
    set(OP_EXTCODEHASH, 100, 1, 0);

    set(OP_BLOCKHASH, 20, 1, 0);
    for (int op = OP_COINBASE; op <= OP_CHAINID; ++op) {
        set(op, 2, 0, 1);
    }
    set(OP_SELFBALANCE, 5, 0, 1);
    set(OP_BASEFEE, 2, 0, 1);
    set(OP_BLOBHASH, 3, 1, 0);
    set(OP_BLOBBASEFEE, 2, 0, 1);

    set(OP_POP, 2, 1, -1);
    set(OP_MLOAD, 3, 1, 0);
    set(OP_MSTORE, 3, 2, -2);
    set(OP_MSTORE8, 3, 2, -2);
    set(OP_SLOAD, 100, 1, 0);
    set(OP_SSTORE, 0, 2, -2);
    set(OP_JUMP, 8, 1, -1);
    set(OP_JUMPI, 10, 2, -2);
    set(OP_PC, 2, 0, 1);
    set(OP_MSIZE, 2, 0, 1);
    set(OP_GAS, 2, 0, 1);
    set(OP_JUMPDEST, 1, 0, 0);
    set(OP_TLOAD, 100, 1, 0);
    set(OP_TSTORE, 100, 2, -2);
    set(OP_MCOPY, 3, 3, -3);
    set(OP_PUSH0, 2, 0, 1);
    for (int op = OP_PUSH1; op <= OP_PUSH32; ++op) {
        set(op, 3, 0, 1);
    }
    for (int n = 1; n <= 16; ++n) {
        set(OP_DUP1 + n - 1, 3, n, 1);
        set(OP_SWAP1 + n - 1, 3, n + 1, 0);
    }
    for (int n = 0; n <= 4; ++n) {
        set(OP_LOG0 + n, 375 * (n + 1), n + 2, -(n + 2));
    }
    set(OP_CREATE, 32000, 3, -2);
    set(OP_CALL, 100, 7, -6);
    set(OP_CALLCODE, 100, 7, -6);
    set(OP_RETURN, 0, 2, -2);
    set(OP_DELEGATECALL, 100, 6, -5);
    set(OP_CREATE2, 32000, 4, -3);
    set(OP_STATICCALL, 100, 6, -5);
    set(OP_REVERT, 0, 2, -2);
    set(OP_INVALID, 0, 0, 0);
    set(OP_SELFDESTRUCT, 5000, 1, -1);
    return t;
}

}  // namespace detail

inline constexpr std::array<InstructionInfo, 256> kCancunInstructions = detail::make_cancun_table();

}  // namespace qtm::evm
