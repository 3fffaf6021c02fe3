// geth's prestateTracer (eth/tracers/native/prestate.go): the accounts a transaction touched,
// as they were before it: {address: {balance, nonce, code, storage}} with the slots it read
// or wrote; with `diffMode`, {pre, post} holding only what changed (post: the new values,
// slots set to zero left out; an account the transaction deleted only in pre).
//
// Touched: the sender, the recipient (or the created address) and the coinbase, every
// message's target, the address operand of BALANCE, EXTCODESIZE, EXTCODECOPY, EXTCODEHASH
// and SELFDESTRUCT, and the slots of SLOAD and SSTORE. Values come from the world state:
// an account's when first touched (before anything in the transaction changes it, except
// the sender's, read before the gas purchase), a slot's as the transaction found it.
#pragma once

#include <map>
#include <optional>
#include <set>

#include "evm/tracer.hpp"
#include "rpc/json_rpc.hpp"
#include "state/world_state.hpp"

namespace qtm::rpc {

struct PrestateOptions {
    bool diff_mode{false};
    bool disable_code{false};
    bool disable_storage{false};
};

class PrestateTracer final : public evm::Tracer {
public:
    explicit PrestateTracer(PrestateOptions options) : options_{options} {}

    // Before the transaction runs, on the state it runs on (which outlives the trace).
    void begin(state::WorldState& world, const Address& from, const std::optional<Address>& to,
               const Address& coinbase);
    // After it ran (diffMode reads the new values here).
    void end();

    void on_enter(const evm::Message& message, const Address& target) override;
    void on_exit(const evm::ExecutionResult&, ByteView, bool) override {}
    void on_step(const evm::ExecutionState& state, std::size_t pc, evm::Opcode op) override;
    void on_frame_end(const evm::ExecutionState&, evm::Status) override {}
    void on_log(const Address&, ByteView, std::span<const Hash32>) override {}
    void on_selfdestruct(const Address& address, const Address& beneficiary,
                         const U256& balance) override;

    [[nodiscard]] Json result() const;

private:
    struct Account {
        U256 balance{};
        std::uint64_t nonce{0};
        Bytes code;
        std::map<U256, U256> storage;
        bool empty{false};  // absent or empty when first touched
    };
    void lookup(const Address& address);
    void lookup_slot(const Address& address, const U256& key);
    [[nodiscard]] Json format(const std::map<Address, Account>& accounts) const;

    PrestateOptions options_;
    state::WorldState* world_{nullptr};
    std::map<Address, Account> pre_;
    std::map<Address, Account> post_;
    std::set<Address> created_;
    std::set<Address> destructed_;
};

}  // namespace qtm::rpc
