// Native contracts: system contracts implemented in C++ at a fixed address, run by the
// StateHost in place of EVM code (like a precompile, but with access to the world state:
// their own storage, balances, logs). The chain layer implements and registers them (the
// staking contract, src/chain/staking/); the state layer only dispatches, so that src/state
// never depends on src/chain.
//
// A native contract is called after the host has checked depth and moved the message's
// value to its address, inside the frame's snapshot: a result other than kSuccess reverts
// everything it did (value included), exactly as for EVM code.
#pragma once

#include <memory>
#include <unordered_map>

#include "base/bytes.hpp"
#include "evm/host.hpp"
#include "evm/message.hpp"
#include "state/world_state.hpp"

namespace qtm::state {

class NativeContract {
public:
    virtual ~NativeContract() = default;
    // Runs `message` (whose code_address is this contract's) against `state` with
    // `message.gas`; charges its own gas and returns the gas left, the output (ABI-encoded
    // result or revert data) and the status.
    [[nodiscard]] virtual evm::ExecutionResult run(WorldState& state, const evm::TxContext& context,
                                                   const evm::Message& message) const = 0;
};

// The native contracts of a chain, by address. Built once per chain (immutable afterwards)
// and shared by the block executor and RPC simulations.
class NativeContracts {
public:
    void add(const Address& address, std::shared_ptr<const NativeContract> contract);
    [[nodiscard]] const NativeContract* find(const Address& address) const noexcept;
    [[nodiscard]] bool empty() const noexcept { return contracts_.empty(); }

private:
    std::unordered_map<Address, std::shared_ptr<const NativeContract>, ByteArrayHasher> contracts_;
};

}  // namespace qtm::state
