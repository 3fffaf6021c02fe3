// Fuzzes the precompiles: the first byte picks one (0x01..0x09, 0x0a as a non-precompile,
// or the ML-DSA verifier), the rest is its input, run with a gas limit large enough for most
// inputs. Must never crash or hang; gas left is within [0, limit]; a failure leaves no gas
// and no output; fixed-size outputs have their size.
#include <cstdint>
#include <cstdlib>

#include "evm/precompiles.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace qtm;
    if (size < 1) return 0;
    Address address{};
    const std::uint8_t selector = data[0] % 11;
    if (selector == 10) {
        address = evm::kMldsaVerifyPrecompile;
    } else {
        address[19] = static_cast<std::uint8_t>(selector + 1);
    }
    if (!evm::is_precompile(address)) return 0;
    const ByteView input{data + 1, size - 1};
    // modexp and blake2f price their own work; cap what a fuzz input may buy.
    constexpr std::int64_t kGas = 2'000'000;
    const auto result = evm::run_precompile(address, input, kGas);
    if (result.gas_left < 0 || result.gas_left > kGas) std::abort();
    if (result.status != evm::Status::kSuccess) {
        if (result.gas_left != 0 || !result.output.empty()) std::abort();
        return 0;
    }
    const std::size_t out = result.output.size();
    switch (selector + 1) {
        case 1:
            if (out != 0 && out != 32) std::abort();
            break;
        case 2:
        case 3:
        case 8:
        case 11:
            if (out != 32) std::abort();
            break;
        case 6:
        case 7:
        case 9:
            if (out != 64) std::abort();
            break;
        default:
            break;
    }
    return 0;
}
