#include "evm_support.hpp"

#include "base/hex.hpp"
#include "evm/word.hpp"

namespace qtm::evm::test {

Bytecode operator+(Bytecode a, const Bytecode& b) {
    a.bytes.insert(a.bytes.end(), b.bytes.begin(), b.bytes.end());
    return a;
}

Bytecode operator+(Bytecode a, Opcode op) {
    a.bytes.push_back(static_cast<std::uint8_t>(op));
    return a;
}

Bytecode operator*(int count, const Bytecode& code) {
    Bytecode out;
    for (int i = 0; i < count; ++i) {
        out = out + code;
    }
    return out;
}

Bytecode hex_code(std::string_view hex) {
    auto bytes = from_hex(hex);
    return Bytecode{bytes ? std::move(bytes).value() : Bytes{}};
}

Bytecode push_n(int n, const U256& value) {
    const auto word = value.to_be_bytes();
    Bytes out{static_cast<std::uint8_t>(OP_PUSH1 + n - 1)};
    out.insert(out.end(), word.end() - n, word.end());
    return Bytecode{std::move(out)};
}

Bytecode push(const U256& value) {
    const int n = std::max(1, static_cast<int>(value.byte_length()));
    return push_n(n, value);
}

Bytecode push(std::uint64_t value) {
    return push(U256{value});
}

Bytecode push(const Address& address) {
    return push_n(20, from_address(address));
}

Bytecode mstore(std::uint64_t offset, const Bytecode& value) {
    return value + push(offset) + OP_MSTORE;
}

Bytecode sstore(std::uint64_t key, std::uint64_t value) {
    return push(value) + push(key) + OP_SSTORE;
}

Bytecode sload(std::uint64_t key) {
    return push(key) + OP_SLOAD;
}

Bytecode ret_top() {
    return push(0) + OP_MSTORE + push(32) + push(0) + OP_RETURN;
}

Bytecode ret(std::uint64_t offset, std::uint64_t size) {
    return push(size) + push(offset) + OP_RETURN;
}

Bytecode revert(std::uint64_t offset, std::uint64_t size) {
    return push(size) + push(offset) + OP_REVERT;
}

Bytecode call(Opcode op, std::uint64_t gas, const Address& to, std::uint64_t value,
              std::uint64_t in_offset, std::uint64_t in_size, std::uint64_t out_offset,
              std::uint64_t out_size) {
    Bytecode code = push(out_size) + push(out_offset) + push(in_size) + push(in_offset);
    if (op == OP_CALL || op == OP_CALLCODE) {
        code = code + push(value);
    }
    return code + push(to) + push(gas) + op;
}

Bytecode deploy(const Bytecode& runtime) {
    // PUSH size, PUSH offset-of-runtime, PUSH 0, CODECOPY, PUSH size, PUSH 0, RETURN, runtime
    const auto size = runtime.size();
    // The prefix is 2 + 2 + 2 + 1 + 2 + 2 + 1 = 12 bytes while size < 256.
    const Bytecode prefix = push_n(1, U256{size}) + push_n(1, U256{12}) + push_n(1, U256{}) +
                            OP_CODECOPY + push_n(1, U256{size}) + push_n(1, U256{}) + OP_RETURN;
    return prefix + runtime;
}

Address make_address(std::uint64_t value) {
    Address address{};
    for (int i = 19; i >= 12; --i) {
        address[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(value & 0xff);
        value >>= 8;
    }
    return address;
}

U256 Outcome::output_word() const {
    return word_from_bytes(result.output);
}

Outcome execute(TestHost& host, const Bytecode& code, std::int64_t gas, ByteView input,
                const U256& value, bool is_static) {
    host.account(kContract).code = code.bytes;
    host.begin_transaction(kSender, kContract);
    Message message;
    message.kind = CallKind::kCall;
    message.is_static = is_static;
    message.gas = gas;
    message.recipient = kContract;
    message.code_address = kContract;
    message.sender = kSender;
    message.input = input;
    message.value = value;
    ExecutionResult result = evm::execute(host, Revision::kCancun, message, code);
    const std::int64_t used = gas - result.gas_left;
    return Outcome{std::move(result), used};
}

}  // namespace qtm::evm::test
