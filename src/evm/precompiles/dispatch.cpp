// Precompile addresses, gas charging and the outcome rules shared by all precompiles.
#include <limits>

#include "evm/precompiles.hpp"

namespace qtm::evm {

namespace {

using GasFunction = std::int64_t (*)(ByteView) noexcept;
using RunFunction = std::optional<Bytes> (*)(ByteView);

struct Precompile {
    GasFunction gas;
    RunFunction run;
};

// Index = the address's last byte, for 0x01..0x09.
constexpr Precompile kEthereumPrecompiles[] = {
    {nullptr, nullptr},
    {precompile::ecrecover_gas, precompile::ecrecover},
    {precompile::sha256_gas, precompile::sha256},
    {precompile::ripemd160_gas, precompile::ripemd160},
    {precompile::identity_gas, precompile::identity},
    {precompile::modexp_gas, precompile::modexp},
    {precompile::bn254_add_gas, precompile::bn254_add},
    {precompile::bn254_mul_gas, precompile::bn254_mul},
    {precompile::bn254_pairing_gas, precompile::bn254_pairing},
    {precompile::blake2f_gas, precompile::blake2f},
};
constexpr std::uint8_t kLastEthereumPrecompile = 0x09;

bool has_zero_prefix(const Address& address, std::size_t length) noexcept {
    for (std::size_t i = 0; i < length; ++i) {
        if (address[i] != 0) return false;
    }
    return true;
}

const Precompile* find(const Address& address) noexcept {
    static constexpr Precompile kMldsa{precompile::mldsa_verify_gas, precompile::mldsa_verify};
    if (address == kMldsaVerifyPrecompile) return &kMldsa;
    if (!has_zero_prefix(address, 19)) return nullptr;
    const std::uint8_t last = address[19];
    if (last == 0 || last > kLastEthereumPrecompile) return nullptr;
    return &kEthereumPrecompiles[last];
}

}  // namespace

bool is_precompile(const Address& address) noexcept {
    return find(address) != nullptr;
}

ExecutionResult run_precompile(const Address& address, ByteView input, std::int64_t gas) {
    const Precompile* precompile = find(address);
    if (precompile == nullptr) return {.status = Status::kPrecompileFailure, .gas_left = 0};
    const std::int64_t cost = precompile->gas(input);
    if (cost > gas) return {.status = Status::kOutOfGas, .gas_left = 0};
    auto output = precompile->run(input);
    if (!output) return {.status = Status::kPrecompileFailure, .gas_left = 0};
    return {.status = Status::kSuccess, .gas_left = gas - cost, .output = std::move(*output)};
}

}  // namespace qtm::evm
