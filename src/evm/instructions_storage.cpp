// Storage instructions: SLOAD/SSTORE with EIP-2200 net metering, EIP-2929 cold access and
// EIP-3529 refunds; TLOAD/TSTORE (EIP-1153).
#include "evm/instructions.hpp"
#include "evm/word.hpp"

namespace qtm::evm::instr {

namespace {

struct SstoreCost {
    std::int64_t gas;
    std::int64_t refund;
};

// Cancun prices per storage status (warm; a cold slot adds 2100). Derived from EIP-2200's
// rules with EIP-2929's SLOAD_GAS = 100 and EIP-3529's SSTORE_CLEARS_SCHEDULE = 4800.
constexpr SstoreCost sstore_cost(StorageStatus status) noexcept {
    using gas::kSstoreClearRefund;
    using gas::kSstoreReset;
    using gas::kSstoreSet;
    using gas::kWarmAccess;
    switch (status) {
        case StorageStatus::kAssigned:
            return {kWarmAccess, 0};
        case StorageStatus::kAdded:
            return {kSstoreSet, 0};
        case StorageStatus::kDeleted:
            return {kSstoreReset, kSstoreClearRefund};
        case StorageStatus::kModified:
            return {kSstoreReset, 0};
        case StorageStatus::kDeletedAdded:
            return {kWarmAccess, -kSstoreClearRefund};
        case StorageStatus::kModifiedDeleted:
            return {kWarmAccess, kSstoreClearRefund};
        case StorageStatus::kDeletedRestored:
            return {kWarmAccess, kSstoreReset - kWarmAccess - kSstoreClearRefund};
        case StorageStatus::kAddedDeleted:
            return {kWarmAccess, kSstoreSet - kWarmAccess};
        case StorageStatus::kModifiedRestored:
            return {kWarmAccess, kSstoreReset - kWarmAccess};
    }
    return {kWarmAccess, 0};
}

}  // namespace

Status sload(ExecutionState& state) {
    U256& top = state.stack.top();
    if (state.host.access_storage(state.msg.recipient, top) == AccessStatus::kCold &&
        !charge(state, gas::kColdSloadSurcharge)) {
        return Status::kOutOfGas;
    }
    top = state.host.get_storage(state.msg.recipient, top);
    return Status::kSuccess;
}

Status sstore(ExecutionState& state) {
    if (state.msg.is_static) {
        return Status::kStaticModeViolation;
    }
    // EIP-2200: SSTORE may not run on a call's stipend alone.
    if (state.gas_left <= gas::kCallStipend) {
        return Status::kOutOfGas;
    }
    const U256 key = state.stack.pop();
    const U256 value = state.stack.pop();
    std::int64_t cost = 0;
    if (state.host.access_storage(state.msg.recipient, key) == AccessStatus::kCold) {
        cost += gas::kColdSload;
    }
    const SstoreCost priced = sstore_cost(state.host.set_storage(state.msg.recipient, key, value));
    if (!charge(state, cost + priced.gas)) {
        return Status::kOutOfGas;
    }
    state.gas_refund += priced.refund;
    return Status::kSuccess;
}

Status tload(ExecutionState& state) {
    U256& top = state.stack.top();
    top = state.host.get_transient_storage(state.msg.recipient, top);
    return Status::kSuccess;
}

Status tstore(ExecutionState& state) {
    if (state.msg.is_static) {
        return Status::kStaticModeViolation;
    }
    const U256 key = state.stack.pop();
    const U256 value = state.stack.pop();
    state.host.set_transient_storage(state.msg.recipient, key, value);
    return Status::kSuccess;
}

}  // namespace qtm::evm::instr
