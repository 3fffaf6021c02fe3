// EVM interpreter throughput in Mgas/s on hand-assembled Cancun bytecode, against the
// in-memory test host (tests/evm/evm_test_host.hpp): a tight arithmetic loop, KECCAK256 in a
// loop, memory copying, SLOAD/SSTORE, and an ERC-20-style transfer (one transaction each).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "../tests/evm/evm_test_host.hpp"
#include "evm/interpreter.hpp"
#include "evm/opcodes.hpp"

namespace {

using namespace qtm;
using namespace qtm::evm;

// A minimal assembler: opcodes, pushes, and labels resolved as PUSH2 targets.
class Assembler {
public:
    Assembler& op(Opcode o) {
        code_.push_back(o);
        return *this;
    }
    Assembler& push(std::uint64_t value) {
        std::vector<std::uint8_t> be;
        do {
            be.insert(be.begin(), static_cast<std::uint8_t>(value & 0xff));
            value >>= 8;
        } while (value != 0);
        code_.push_back(static_cast<std::uint8_t>(OP_PUSH1 + be.size() - 1));
        code_.insert(code_.end(), be.begin(), be.end());
        return *this;
    }
    Assembler& push32(const Hash32& word) {
        code_.push_back(OP_PUSH32);
        code_.insert(code_.end(), word.begin(), word.end());
        return *this;
    }
    // JUMPDEST here; returns its offset.
    std::uint16_t label() {
        code_.push_back(OP_JUMPDEST);
        return static_cast<std::uint16_t>(code_.size() - 1);
    }
    Assembler& push_label(std::uint16_t offset) {
        code_.push_back(OP_PUSH2);
        code_.push_back(static_cast<std::uint8_t>(offset >> 8));
        code_.push_back(static_cast<std::uint8_t>(offset & 0xff));
        return *this;
    }
    // PUSH2 placeholder to patch once the label is known.
    std::size_t push_forward() {
        code_.push_back(OP_PUSH2);
        code_.push_back(0);
        code_.push_back(0);
        return code_.size() - 2;
    }
    void patch(std::size_t at, std::uint16_t offset) {
        code_[at] = static_cast<std::uint8_t>(offset >> 8);
        code_[at + 1] = static_cast<std::uint8_t>(offset & 0xff);
    }
    // counter -= 1; loop while counter != 0 (the counter stays on top of the stack).
    Assembler& loop_back(std::uint16_t start) {
        push(1).op(OP_SWAP1).op(OP_SUB).op(OP_DUP1).push_label(start).op(OP_JUMPI);
        return *this;
    }
    const Bytes& code() const { return code_; }

private:
    Bytes code_;
};

Address address_of(std::uint8_t last) {
    Address a{};
    a[19] = last;
    return a;
}

const Address kSender = address_of(0x5e);
const Address kContract = address_of(0xc0);

// Runs `code` as one transaction per iteration and reports Mgas/s.
// With `fresh_storage`, the contract's storage is emptied (untimed) after each transaction.
void run_code(benchmark::State& state, const Bytes& code, const Bytes& input = {},
              test::TestHost* shared_host = nullptr, bool fresh_storage = false) {
    test::TestHost local;
    test::TestHost& host = shared_host != nullptr ? *shared_host : local;
    host.account(kContract).code = code;
    const auto analysis = host.cache.get(crypto::keccak256(code), code);
    constexpr std::int64_t kGas = 1'000'000'000;
    std::int64_t total_gas = 0;
    for (auto _ : state) {
        host.begin_transaction(kSender, kContract);
        Message message;
        message.gas = kGas;
        message.recipient = kContract;
        message.code_address = kContract;
        message.sender = kSender;
        message.input = input;
        const ExecutionResult result = execute(host, Revision::kCancun, message, *analysis);
        if (result.status != Status::kSuccess) {
            state.SkipWithError(std::string{to_string(result.status)}.c_str());
            return;
        }
        total_gas += kGas - result.gas_left;
        host.end_transaction();
        if (fresh_storage) {
            state.PauseTiming();
            host.account(kContract).storage.clear();
            state.ResumeTiming();
        }
    }
    state.counters["Mgas/s"] =
        benchmark::Counter(static_cast<double>(total_gas) / 1e6, benchmark::Counter::kIsRate);
    state.counters["gas/iter"] = benchmark::Counter(static_cast<double>(total_gas) /
                                                    static_cast<double>(state.iterations()));
}

// A loop of ADD, MUL, SUB, DIV, AND, XOR, SHL, EXP on the counter.
void BM_arithmetic_loop(benchmark::State& state) {
    Assembler a;
    a.push(100000);
    const auto start = a.label();
    a.op(OP_DUP1)
        .op(OP_DUP1)
        .op(OP_MUL)
        .push(7)
        .op(OP_ADD)
        .op(OP_DUP2)
        .op(OP_SWAP1)
        .op(OP_DIV)
        .op(OP_DUP2)
        .op(OP_XOR)
        .push(3)
        .op(OP_SHL)
        .op(OP_DUP2)
        .op(OP_AND)
        .push(2)
        .op(OP_EXP)
        .op(OP_DUP2)
        .op(OP_SUB)
        .op(OP_POP);
    a.loop_back(start).op(OP_STOP);
    run_code(state, a.code());
}

// KECCAK256 of 64 bytes, hashed back into memory each round.
void BM_keccak_loop(benchmark::State& state) {
    Assembler a;
    a.push(20000);
    const auto start = a.label();
    a.push(64).push(0).op(OP_KECCAK256).push(32).op(OP_MSTORE);
    a.loop_back(start).op(OP_STOP);
    run_code(state, a.code());
}

// MCOPY of 1 KiB within a 2 KiB memory, then CALLDATACOPY of 256 bytes.
void BM_memory_copy(benchmark::State& state) {
    Assembler a;
    a.push(20000);
    const auto start = a.label();
    a.push(1024).push(0).push(1024).op(OP_MCOPY);
    a.push(256).push(0).push(512).op(OP_CALLDATACOPY);
    a.loop_back(start).op(OP_STOP);
    run_code(state, a.code(), Bytes(256, 0xab));
}

// SSTORE(i, i) then SLOAD(i) for 2000 fresh slots per transaction.
void BM_storage(benchmark::State& state) {
    Assembler a;
    a.push(2000);
    const auto start = a.label();
    a.op(OP_DUP1).op(OP_DUP1).op(OP_SSTORE).op(OP_DUP1).op(OP_SLOAD).op(OP_POP);
    a.loop_back(start).op(OP_STOP);
    run_code(state, a.code(), {}, nullptr, /*fresh_storage=*/true);
}

// transfer(to, amount) between two existing holders (steady state: both balances non-zero
// after the first iteration): balances in a Solidity-style mapping at slot 0
// (keccak256(address . 0)), checks, two SSTOREs, a Transfer LOG3, returns true.
Bytes erc20_transfer_code() {
    Assembler a;
    const auto slot_of_top = [&a] {  // address on top -> its balance slot
        a.push(0).op(OP_MSTORE).push(0).push(32).op(OP_MSTORE).push(64).push(0).op(OP_KECCAK256);
    };
    a.op(OP_CALLER);
    slot_of_top();                        // [from_slot]
    a.op(OP_DUP1).op(OP_SLOAD);           // [from_slot, bal]
    a.push(0x24).op(OP_CALLDATALOAD);     // [from_slot, bal, amount]
    a.op(OP_DUP1).op(OP_DUP3).op(OP_LT);  // bal < amount ?
    const auto fail = a.push_forward();
    a.op(OP_JUMPI);
    a.op(OP_SWAP1).op(OP_SUB).op(OP_SWAP1).op(OP_SSTORE);  // balance[from] = bal - amount
    a.push(4).op(OP_CALLDATALOAD);
    slot_of_top();  // [to_slot]
    a.op(OP_DUP1)
        .op(OP_SLOAD)
        .push(0x24)
        .op(OP_CALLDATALOAD)
        .op(OP_ADD)
        .op(OP_SWAP1)
        .op(OP_SSTORE);  // balance[to] += amount
    a.push(0x24).op(OP_CALLDATALOAD).push(0).op(OP_MSTORE);
    Hash32 transfer_topic = crypto::keccak256(as_bytes("Transfer(address,address,uint256)"));
    a.push(4).op(OP_CALLDATALOAD).op(OP_CALLER).push32(transfer_topic).push(32).push(0).op(OP_LOG3);
    a.push(1).push(0).op(OP_MSTORE).push(32).push(0).op(OP_RETURN);
    a.patch(fail, a.label());
    a.push(0).op(OP_DUP1).op(OP_REVERT);
    return a.code();
}

void BM_erc20_transfer(benchmark::State& state) {
    test::TestHost host;
    // Give the sender a large balance at keccak256(sender . 0).
    Bytes preimage(64, 0);
    std::copy(kSender.begin(), kSender.end(), preimage.begin() + 12);
    host.account(kContract).storage[U256::from_be_bytes(crypto::keccak256(preimage))] = U256{1}
                                                                                        << 200u;
    Bytes input(4 + 64, 0);
    input[4 + 31] = 0x70;  // to = 0x...70
    input[4 + 63] = 1;     // amount = 1
    run_code(state, erc20_transfer_code(), input, &host);
    host.state.logs.clear();
}

BENCHMARK(BM_arithmetic_loop);
BENCHMARK(BM_keccak_loop);
BENCHMARK(BM_memory_copy);
BENCHMARK(BM_storage);
BENCHMARK(BM_erc20_transfer);

}  // namespace

BENCHMARK_MAIN();
