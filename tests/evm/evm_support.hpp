// A small bytecode DSL for tests, in evmone's style:
//   execute(push(1) + push(2) + OP_ADD + ret_top())
// and a runner that executes a top-level message against a TestHost.
#pragma once

#include <string_view>

#include "base/bytes.hpp"
#include "base/u256.hpp"
#include "evm/interpreter.hpp"
#include "evm/opcodes.hpp"
#include "evm_test_host.hpp"

namespace qtm::evm::test {

// Bytecode under construction. Only Bytecode + {Bytecode, Opcode} concatenates: beware that
// OP_X + OP_Y on two bare opcodes is integer addition; write bytecode{OP_X} + OP_Y.
struct Bytecode {
    Bytes bytes;

    Bytecode() = default;
    Bytecode(Opcode op) : bytes{static_cast<std::uint8_t>(op)} {}  // NOLINT: implicit by design
    explicit Bytecode(Bytes raw) : bytes{std::move(raw)} {}

    [[nodiscard]] std::size_t size() const { return bytes.size(); }
    operator ByteView() const { return bytes; }  // NOLINT: implicit by design
};

using bytecode = Bytecode;

Bytecode operator+(Bytecode a, const Bytecode& b);
Bytecode operator+(Bytecode a, Opcode op);
Bytecode operator*(int count, const Bytecode& code);  // repetition

// Raw bytes from hex ("6001600201").
Bytecode hex_code(std::string_view hex);

// Shortest PUSHn of the value (PUSH1 for zero; use OP_PUSH0 explicitly for PUSH0).
Bytecode push(std::uint64_t value);
Bytecode push(const U256& value);
Bytecode push(const Address& address);  // always PUSH20
// PUSHn with exactly n bytes of big-endian `value` (truncated or zero-padded on the left).
Bytecode push_n(int n, const U256& value);

Bytecode mstore(std::uint64_t offset, const Bytecode& value);
Bytecode sstore(std::uint64_t key, std::uint64_t value);
Bytecode sload(std::uint64_t key);
// MSTORE the top of the stack at 0 and RETURN those 32 bytes.
Bytecode ret_top();
Bytecode ret(std::uint64_t offset, std::uint64_t size);
Bytecode revert(std::uint64_t offset, std::uint64_t size);
// Pushes the seven (or six) CALL arguments in the order the opcode pops them.
Bytecode call(Opcode op, std::uint64_t gas, const Address& to, std::uint64_t value,
              std::uint64_t in_offset, std::uint64_t in_size, std::uint64_t out_offset,
              std::uint64_t out_size);
// Initcode that deploys `runtime` (CODECOPY it to memory and RETURN it).
Bytecode deploy(const Bytecode& runtime);

Address make_address(std::uint64_t value);

inline const Address kSender = make_address(0x5e4d);
inline const Address kContract = make_address(0xc0de);
inline constexpr std::int64_t kDefaultGas = 1'000'000;

struct Outcome {
    ExecutionResult result;
    std::int64_t gas_used;

    [[nodiscard]] U256 output_word() const;  // the output as one big-endian word
};

// Installs `code` at kContract and executes a depth-0 CALL from kSender, as a transaction
// would (sender and contract warm). The host is left as the execution left it.
Outcome execute(TestHost& host, const Bytecode& code, std::int64_t gas = kDefaultGas,
                ByteView input = {}, const U256& value = U256{}, bool is_static = false);

}  // namespace qtm::evm::test
