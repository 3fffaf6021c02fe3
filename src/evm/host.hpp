// Host: everything the interpreter needs from the world state and the block, in the spirit
// of EVMC's host interface. The interpreter is pure: it prices and sequences; the host owns
// accounts, snapshots and recursion. Only state-touching opcodes call it.
//
// Who checks what (see docs/evm.md):
//   interpreter: gas (including EIP-2929 cold surcharges, reported by access_*), memory, stack,
//                jumps, static mode, EIP-150 63/64 and the 2300 stipend, EIP-3860 initcode
//                limit, BLOCKHASH range.
//   host:        call depth (> 1024), balance for value transfers, nonce bump and overflow,
//                address derivation and collision, EIP-170 code size, EIP-3541 0xef prefix,
//                code deposit gas, snapshots and reverts, precompiles, EIP-6780.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/bytes.hpp"
#include "base/u256.hpp"
#include "evm/message.hpp"

namespace qtm::evm {

// What an SSTORE did, in EVMC's vocabulary; "X -> Y -> Z" is original -> current -> new,
// where original is the value at the start of the transaction. The interpreter turns it
// into EIP-2200/3529 gas and refund.
enum class StorageStatus : std::uint8_t {
    kAssigned,          // no gas-relevant change (X -> Y -> Z with X != Y, or Y == Z)
    kAdded,             // 0 -> 0 -> Z
    kDeleted,           // X -> X -> 0
    kModified,          // X -> X -> Z
    kDeletedAdded,      // X -> 0 -> Z
    kModifiedDeleted,   // X -> Y -> 0
    kDeletedRestored,   // X -> 0 -> X
    kAddedDeleted,      // 0 -> Y -> 0
    kModifiedRestored,  // X -> Y -> X
};

// The status of an SSTORE that changes a slot from `current` to `value`, where `original`
// is the slot's value when the transaction began: every host reports it the same way.
[[nodiscard]] constexpr StorageStatus storage_status(const U256& original, const U256& current,
                                                     const U256& value) noexcept {
    const U256 zero{};
    if (current == value) return StorageStatus::kAssigned;
    if (original == current) {
        if (original == zero) return StorageStatus::kAdded;
        if (value == zero) return StorageStatus::kDeleted;
        return StorageStatus::kModified;
    }
    if (original == zero) {
        return value == zero ? StorageStatus::kAddedDeleted : StorageStatus::kAssigned;
    }
    if (current == zero) {
        return value == original ? StorageStatus::kDeletedRestored : StorageStatus::kDeletedAdded;
    }
    if (value == zero) return StorageStatus::kModifiedDeleted;
    if (value == original) return StorageStatus::kModifiedRestored;
    return StorageStatus::kAssigned;
}

// EIP-2929: whether an account or slot had been touched before in this transaction.
enum class AccessStatus : std::uint8_t { kWarm, kCold };

struct TxContext {
    U256 gas_price{};
    Address origin{};
    Address coinbase{};
    std::int64_t number{0};
    std::int64_t timestamp{0};
    std::int64_t gas_limit{0};
    U256 prevrandao{};
    U256 chain_id{};
    U256 base_fee{};
    U256 blob_base_fee{};               // QTM carries no blobs: 0 unless the chain sets it
    std::vector<Hash32> blob_hashes{};  // empty on QTM: BLOBHASH then returns 0
};

class Host {
public:
    virtual ~Host() = default;

    // EIP-161 "exists": false for empty accounts (no code, zero nonce and balance).
    virtual bool account_exists(const Address& address) = 0;

    virtual U256 get_storage(const Address& address, const U256& key) = 0;
    // Writes the slot and reports the original/current/new relation for pricing.
    virtual StorageStatus set_storage(const Address& address, const U256& key,
                                      const U256& value) = 0;

    // EIP-1153: cleared at the end of the transaction, reverted with the frame.
    virtual U256 get_transient_storage(const Address& address, const U256& key) = 0;
    virtual void set_transient_storage(const Address& address, const U256& key,
                                       const U256& value) = 0;

    virtual U256 get_balance(const Address& address) = 0;
    virtual std::size_t get_code_size(const Address& address) = 0;
    // Zero for a non-existent (or empty) account, keccak256("") for an account without code.
    virtual Hash32 get_code_hash(const Address& address) = 0;
    // Copies code[offset, offset + out.size()) clipped to the code; returns bytes copied.
    virtual std::size_t copy_code(const Address& address, std::size_t offset,
                                  MutableByteView out) = 0;

    // Moves the balance of `address` to `beneficiary` and, under EIP-6780, deletes the
    // account only if it was created in this transaction. Returns whether the account had
    // not been registered for destruction before.
    virtual bool selfdestruct(const Address& address, const Address& beneficiary) = 0;

    // Runs a nested message (CALL/CALLCODE/DELEGATECALL/STATICCALL/CREATE/CREATE2): the host
    // checks depth and balance, transfers value, derives create addresses, bumps nonces,
    // snapshots and reverts, and recurses into the interpreter (or a precompile).
    virtual ExecutionResult call(const Message& message) = 0;

    virtual TxContext get_tx_context() = 0;
    // Called only for the 256 most recent blocks (the interpreter checks the range).
    virtual Hash32 get_block_hash(std::int64_t number) = 0;

    virtual void emit_log(const Address& address, ByteView data,
                          std::span<const Hash32> topics) = 0;

    // EIP-2929: returns the previous status and marks the account (slot) warm.
    virtual AccessStatus access_account(const Address& address) = 0;
    virtual AccessStatus access_storage(const Address& address, const U256& key) = 0;
};

}  // namespace qtm::evm
