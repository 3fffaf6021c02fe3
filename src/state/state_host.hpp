// The EVM's Host over a WorldState: the interpreter's view of accounts and storage, and the
// place where nested messages run. It checks call depth and balances, moves value, derives
// CREATE/CREATE2 addresses, bumps nonces, checks collisions (EIP-7610 included), code size
// (EIP-170) and the 0xEF prefix (EIP-3541), charges code deposit, takes a snapshot per frame
// and reverts it on failure, and dispatches precompiles and native contracts.
#pragma once

#include <cstdint>
#include <functional>

#include "evm/analysis.hpp"
#include "evm/host.hpp"
#include "evm/tracer.hpp"
#include "state/native_contract.hpp"
#include "state/world_state.hpp"

namespace qtm::state {

using BlockHashFunction = std::function<Hash32(std::int64_t number)>;

class StateHost final : public evm::Host {
public:
    // `natives` (may be null: none) outlives the host.
    StateHost(WorldState& state, evm::TxContext context, BlockHashFunction block_hash,
              evm::AnalysisCache& analysis_cache, const NativeContracts* natives = nullptr);

    bool account_exists(const Address& address) override;
    U256 get_storage(const Address& address, const U256& key) override;
    evm::StorageStatus set_storage(const Address& address, const U256& key,
                                   const U256& value) override;
    U256 get_transient_storage(const Address& address, const U256& key) override;
    void set_transient_storage(const Address& address, const U256& key, const U256& value) override;
    U256 get_balance(const Address& address) override;
    std::size_t get_code_size(const Address& address) override;
    Hash32 get_code_hash(const Address& address) override;
    std::size_t copy_code(const Address& address, std::size_t offset, MutableByteView out) override;
    bool selfdestruct(const Address& address, const Address& beneficiary) override;
    evm::ExecutionResult call(const evm::Message& message) override;
    evm::TxContext get_tx_context() override;
    Hash32 get_block_hash(std::int64_t number) override;
    void emit_log(const Address& address, ByteView data, std::span<const Hash32> topics) override;
    evm::AccessStatus access_account(const Address& address) override;
    evm::AccessStatus access_storage(const Address& address, const U256& key) override;

    // keccak256(rlp([sender, nonce]))[12:]
    [[nodiscard]] static Address create_address(const Address& sender, std::uint64_t nonce);
    // keccak256(0xff || sender || salt || keccak256(initcode))[12:]
    [[nodiscard]] static Address create2_address(const Address& sender, const U256& salt,
                                                 ByteView initcode);

    // Whether any frame called kPointEvaluationAddress (Ethereum's KZG precompile, absent
    // here): state-test runners use it to skip, not fail, the cases that depend on it.
    [[nodiscard]] bool called_point_evaluation() const noexcept { return called_point_evaluation_; }

    // Traces every later message, log and selfdestruct, and every frame's steps, into
    // `tracer` (null: untraced, the default). The tracer outlives the host's calls.
    void set_tracer(evm::Tracer* tracer) noexcept { tracer_ = tracer; }

private:
    evm::ExecutionResult call_untraced(const evm::Message& message);
    evm::ExecutionResult call_traced(const evm::Message& message);
    evm::ExecutionResult create(const evm::Message& message);
    evm::ExecutionResult run_code(const evm::Message& message);

    WorldState& state_;
    evm::TxContext context_;
    BlockHashFunction block_hash_;
    evm::AnalysisCache& analysis_cache_;
    const NativeContracts* natives_;
    bool called_point_evaluation_{false};
    evm::Tracer* tracer_{nullptr};
    bool code_store_out_of_gas_{false};  // set by create() for call_traced
};

}  // namespace qtm::state
