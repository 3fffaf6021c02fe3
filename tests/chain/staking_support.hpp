// Test support for the staking contract: a world state with the contract registered, calls
// through the real StateHost (value transfers and reverts as in a transaction), ABI call
// data, and consensus keys with proofs of possession.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "chain/block.hpp"
#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"
#include "chain/staking/abi.hpp"
#include "chain/staking/contract.hpp"
#include "evm/analysis.hpp"
#include "state/state_host.hpp"
#include "state/world_state.hpp"
#include "storage/database.hpp"

namespace qtm::chain::staking::testing {

// selector(signature) || abi-encoded arguments.
Bytes call_data(std::string_view signature, const abi::Writer& args = abi::Writer{});

// An ML-DSA-65 consensus key from a test seed.
const AccountKey& consensus_key(std::uint32_t index);
// A proof of possession of `key` for `operator_address` on `chain_id`.
Bytes proof_of_possession(const AccountKey& key, const Address& operator_address,
                          std::uint64_t chain_id);
// createValidator(2, key, pop, reward, commission).
Bytes create_validator_data(const AccountKey& key, const Bytes& pop, const Address& reward,
                            std::uint64_t commission_bps);

Address test_address(std::uint8_t fill);

// `spec`'s genesis built and written into a fresh memory database.
struct GenesisChain {
    ChainSpec spec;
    std::unique_ptr<storage::Database> db;
    Header header;  // the genesis header
};
[[nodiscard]] GenesisChain make_genesis_chain(const ChainSpec& spec);

struct CallResult {
    evm::Status status{evm::Status::kSuccess};
    std::int64_t gas_used{0};
    Bytes output;
    std::vector<state::Log> logs;
    // The Error(string) reason of a revert ("" otherwise).
    std::string reason;
};

class StakingHarness {
public:
    explicit StakingHarness(ContractParams params);

    struct Options {
        U256 value{};
        std::uint64_t timestamp{1'000'000};
        std::int64_t number{1};  // the block's height
        bool is_static{false};
        std::int64_t gas{10'000'000};
        evm::CallKind kind{evm::CallKind::kCall};
    };
    // Runs one message from `sender` to the staking address as a transaction's top frame
    // and ends the transaction (its logs are returned).
    CallResult call(const Address& sender, const Bytes& data, const Options& options);
    CallResult call(const Address& sender, const Bytes& data) { return call(sender, data, {}); }

    state::WorldState& world() { return world_; }
    const ContractParams& params() const { return params_; }

private:
    ContractParams params_;
    std::unique_ptr<storage::Database> db_;
    state::WorldState world_;
    state::NativeContracts natives_;
    evm::AnalysisCache cache_{16};
};

}  // namespace qtm::chain::staking::testing
