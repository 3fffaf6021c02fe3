// Arithmetic, comparison, bitwise and shift instructions. Inline: they are the hot path.
// The interpreter has already checked stack depth and charged the constant gas.
#pragma once

#include "base/u256.hpp"
#include "evm/execution_state.hpp"
#include "evm/word.hpp"

namespace qtm::evm::instr {

// Binary operations replace the second item with f(top, second) and drop the top.
template <class F>
inline void binary(Stack& stack, F f) noexcept {
    const U256 a = stack.pop();
    U256& b = stack.top();
    b = f(a, b);
}

inline void add(Stack& s) noexcept {
    binary(s, [](const U256& a, const U256& b) { return a + b; });
}
inline void mul(Stack& s) noexcept {
    binary(s, [](const U256& a, const U256& b) { return a * b; });
}
inline void sub(Stack& s) noexcept {
    binary(s, [](const U256& a, const U256& b) { return a - b; });
}
// Division and modulo by zero yield zero in the EVM.
inline void div(Stack& s) noexcept {
    binary(s, [](const U256& a, const U256& b) { return b == U256{} ? U256{} : a / b; });
}
inline void sdiv_op(Stack& s) noexcept {
    binary(s, [](const U256& a, const U256& b) { return b == U256{} ? U256{} : sdiv(a, b); });
}
inline void mod(Stack& s) noexcept {
    binary(s, [](const U256& a, const U256& b) { return b == U256{} ? U256{} : a % b; });
}
inline void smod_op(Stack& s) noexcept {
    binary(s, [](const U256& a, const U256& b) { return b == U256{} ? U256{} : smod(a, b); });
}
inline void addmod_op(Stack& s) noexcept {
    const U256 a = s.pop();
    const U256 b = s.pop();
    U256& m = s.top();
    m = m == U256{} ? U256{} : addmod(a, b, m);
}
inline void mulmod_op(Stack& s) noexcept {
    const U256 a = s.pop();
    const U256 b = s.pop();
    U256& m = s.top();
    m = m == U256{} ? U256{} : mulmod(a, b, m);
}

// EXP costs 50 gas per byte of the exponent on top of the constant 10.
[[nodiscard]] inline bool exp_op(ExecutionState& state) noexcept {
    const U256 base = state.stack.pop();
    U256& exponent = state.stack.top();
    if (!charge(state, gas::kExpByte * static_cast<std::int64_t>(exponent.byte_length()))) {
        return false;
    }
    exponent = exp(base, exponent);
    return true;
}

inline void signextend_op(Stack& s) noexcept {
    binary(s, [](const U256& b, const U256& x) { return signextend(b, x); });
}

inline void lt(Stack& s) noexcept {
    binary(s, [](const U256& a, const U256& b) { return from_bool(a < b); });
}
inline void gt(Stack& s) noexcept {
    binary(s, [](const U256& a, const U256& b) { return from_bool(a > b); });
}
inline void slt_op(Stack& s) noexcept {
    binary(s, [](const U256& a, const U256& b) { return from_bool(slt(a, b)); });
}
inline void sgt_op(Stack& s) noexcept {
    binary(s, [](const U256& a, const U256& b) { return from_bool(sgt(a, b)); });
}
inline void eq(Stack& s) noexcept {
    binary(s, [](const U256& a, const U256& b) { return from_bool(a == b); });
}
inline void iszero(Stack& s) noexcept {
    s.top() = from_bool(s.top() == U256{});
}
inline void and_op(Stack& s) noexcept {
    binary(s, [](const U256& a, const U256& b) { return a & b; });
}
inline void or_op(Stack& s) noexcept {
    binary(s, [](const U256& a, const U256& b) { return a | b; });
}
inline void xor_op(Stack& s) noexcept {
    binary(s, [](const U256& a, const U256& b) { return a ^ b; });
}
inline void not_op(Stack& s) noexcept {
    s.top() = ~s.top();
}
inline void byte_op(Stack& s) noexcept {
    binary(s, [](const U256& index, const U256& x) { return byte(index, x); });
}

// Shifts take the shift amount from the top (EIP-145); amounts of 256 or more clear the word.
inline void shl(Stack& s) noexcept {
    binary(s, [](const U256& shift, const U256& x) {
        return shift < U256{256} ? x << static_cast<unsigned>(low_u64(shift)) : U256{};
    });
}
inline void shr(Stack& s) noexcept {
    binary(s, [](const U256& shift, const U256& x) {
        return shift < U256{256} ? x >> static_cast<unsigned>(low_u64(shift)) : U256{};
    });
}
inline void sar_op(Stack& s) noexcept {
    binary(s, [](const U256& shift, const U256& x) { return sar(shift, x); });
}

}  // namespace qtm::evm::instr
