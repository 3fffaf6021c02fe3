// Random bytecode under a random gas limit against a fresh in-memory host: the interpreter
// must never crash or hit UB, and its gas accounting must stay within [0, limit].
#include <cstddef>
#include <cstdint>

#include "../evm/evm_test_host.hpp"
#include "evm/interpreter.hpp"

using qtm::evm::test::TestHost;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 3) {
        return 0;
    }
    // The first three bytes choose the gas limit (up to ~16.7M), the rest is the code.
    const std::int64_t gas =
        (std::int64_t{data[0]} << 16) | (std::int64_t{data[1]} << 8) | std::int64_t{data[2]};
    const qtm::ByteView code{data + 3, size - 3};

    TestHost host;
    qtm::Address contract{};
    contract[19] = 0xc0;
    qtm::Address sender{};
    sender[19] = 0x5e;
    host.account(contract).code.assign(code.begin(), code.end());
    host.account(contract).balance = qtm::U256{1'000'000};
    host.tx.number = 100;
    host.begin_transaction(sender, contract);

    qtm::evm::Message message;
    message.gas = gas;
    message.recipient = contract;
    message.code_address = contract;
    message.sender = sender;
    message.input = code;  // something for CALLDATA* to read
    const auto result = qtm::evm::execute(host, qtm::evm::Revision::kCancun, message, code);

    if (result.gas_left < 0 || result.gas_left > gas) {
        __builtin_trap();
    }
    const bool keeps_gas =
        result.status == qtm::evm::Status::kSuccess || result.status == qtm::evm::Status::kRevert;
    if (!keeps_gas && (result.gas_left != 0 || !result.output.empty())) {
        __builtin_trap();
    }
    if (result.status != qtm::evm::Status::kSuccess && result.gas_refund != 0) {
        __builtin_trap();
    }
    return 0;
}
