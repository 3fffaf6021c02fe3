// An in-memory world for tracer tests: accounts with hand-assembled code, and transactions
// run through the real state transition (state::apply_transaction) under a tracer, with a
// 1 gwei base fee, no access list and intrinsic gas 21000.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/bytes.hpp"
#include "base/u256.hpp"
#include "evm/analysis.hpp"
#include "evm/tracer.hpp"
#include "state/transaction.hpp"
#include "state/world_state.hpp"
#include "storage/database.hpp"

namespace qtm::test {

[[nodiscard]] Address address_of(std::uint16_t low);

// Bytes of an assembly-like listing: "60 2a 60 00 55" (spaces ignored) with "<addr:0c01>"
// standing for PUSH20 of address_of(0x0c01).
[[nodiscard]] Bytes code(const std::string& listing);

class TraceWorld {
public:
    TraceWorld();
    // A contract (nonce 1, as EIP-161 creates them) with `code` and `balance`.
    void deploy(const Address& address, Bytes code, std::uint64_t balance = 0);
    // One transaction from sender() to `to` (nullopt: a creation), traced by `tracer`.
    [[nodiscard]] state::TxOutcome run(std::optional<Address> to, evm::Tracer* tracer,
                                       std::int64_t gas_limit = 200'000, Bytes data = {},
                                       std::uint64_t value = 0);
    [[nodiscard]] const Address& sender() const { return sender_; }
    [[nodiscard]] state::WorldState& world() { return *world_; }

private:
    std::unique_ptr<storage::Database> db_;
    std::unique_ptr<state::WorldState> world_;
    evm::AnalysisCache cache_;
    Address sender_;
    std::uint64_t nonce_{0};
};

}  // namespace qtm::test
