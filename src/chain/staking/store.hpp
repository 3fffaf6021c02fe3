// The staking contract's storage: its layout in the storage of the staking address (so the
// state root commits to every validator, delegation and unbonding entry; docs/staking.md,
// "Storage layout") and metered typed access to it.
//
// Every read and write goes through a Meter, which charges gas as the EVM would for the
// same slots (a cold SLOAD per read, SSTORE's set/reset prices per write, LOG's prices) and
// stops at the first charge that does not fit: from then on reads return zero and writes
// are dropped, and the caller turns the frame into an out-of-gas failure, which reverts it.
// Genesis and the validator-set computation use an unlimited meter.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "base/bytes.hpp"
#include "base/u256.hpp"
#include "crypto/signature_scheme.hpp"
#include "state/world_state.hpp"

namespace qtm::chain::staking {

namespace gas {
inline constexpr std::int64_t kCall = 2100;       // every call: dispatch and decoding
inline constexpr std::int64_t kLoad = 2100;       // EIP-2929 cold SLOAD
inline constexpr std::int64_t kStoreSet = 20000;  // zero -> non-zero
inline constexpr std::int64_t kStoreReset = 2900;
inline constexpr std::int64_t kLog = 375;
inline constexpr std::int64_t kLogTopic = 375;
inline constexpr std::int64_t kLogByte = 8;
inline constexpr std::int64_t kTransfer = 9000;  // CALL with value
}  // namespace gas

class Meter {
public:
    static constexpr std::int64_t kUnlimited = std::numeric_limits<std::int64_t>::max();

    Meter(state::WorldState& state, const Address& self, std::int64_t gas)
        : state_{state}, self_{self}, gas_left_{gas} {}

    // False (and out of gas from then on) if `amount` exceeds what is left.
    bool charge(std::int64_t amount);
    [[nodiscard]] U256 load(const U256& slot);
    void store(const U256& slot, const U256& value);
    void log(std::vector<Hash32> topics, Bytes data);

    [[nodiscard]] bool out_of_gas() const noexcept { return out_of_gas_; }
    [[nodiscard]] std::int64_t gas_left() const noexcept { return gas_left_; }
    [[nodiscard]] state::WorldState& state() noexcept { return state_; }
    [[nodiscard]] const Address& self() const noexcept { return self_; }

private:
    state::WorldState& state_;
    Address self_;
    std::int64_t gas_left_;
    bool out_of_gas_{false};
};

// The slots (docs/staking.md). Mappings are Solidity's: keccak256(pad32(key) || pad32(base)).
namespace slot {
inline constexpr std::uint64_t kValidatorCount = 0;
inline constexpr std::uint64_t kValidators = 1;      // operator -> record (fields below)
inline constexpr std::uint64_t kConsensusIndex = 2;  // consensus address -> operator
inline constexpr std::uint64_t kTotalBonded = 3;
inline constexpr std::uint64_t kTotalUnbonding = 4;
inline constexpr std::uint64_t kValidatorList = 5;  // keccak256(pad32(5)) + i -> operator
inline constexpr std::uint64_t kDelegations = 6;    // validator -> delegator -> record
inline constexpr std::uint64_t kUnbondings = 7;     // delegator -> queue
inline constexpr std::uint64_t kTotalSlashed = 8;   // wei burned by slashing, all time
inline constexpr std::uint64_t kRewardPool = 9;     // delegators' rewards not yet claimed
inline constexpr std::uint64_t kUnbonders = 10;     // validator -> delegators with entries
inline constexpr std::uint64_t kUnbonderInfo = 11;  // validator -> delegator -> position

// Fields of a validator record, at the record's base slot + field.
inline constexpr std::uint64_t kMeta = 0;  // scheme | commission | flags | last change time
inline constexpr std::uint64_t kRewardAddress = 1;
inline constexpr std::uint64_t kBonded = 2;       // tokens of the pool (wei)
inline constexpr std::uint64_t kShares = 3;       // shares of the pool, all delegations
inline constexpr std::uint64_t kRewardIndex = 4;  // cumulative reward per share, x kIndexScale
inline constexpr std::uint64_t kJailedUntil = 5;  // Unix seconds
inline constexpr std::uint64_t kSlashed = 6;      // wei burned from this validator, all time
inline constexpr std::uint64_t kPublicKey = 16;   // the key, 32 bytes per slot, right-padded

[[nodiscard]] U256 mapping(const U256& key, const U256& base);
[[nodiscard]] U256 validator(const Address& operator_address, std::uint64_t field);
[[nodiscard]] U256 consensus_index(const Address& consensus_address);
[[nodiscard]] U256 validator_at(std::uint64_t index);
// A delegation's fields at its base + field (0: shares, 1: reward index at the last
// settlement, 2: rewards settled and not yet claimed).
[[nodiscard]] U256 delegation(const Address& validator, const Address& delegator);
// The queue's length is at its base; entry i's fields at keccak256(pad32(base)) + 4i + field
// (0: validator, 1: amount, 2: completion time, 3: creation height).
[[nodiscard]] U256 unbonding_count(const Address& delegator);
[[nodiscard]] U256 unbonding_entry(const Address& delegator, std::uint64_t index,
                                   std::uint64_t field);
// The delegators with unbonding entries from `validator`: length at the base, delegator i at
// keccak256(pad32(base)) + i; and per (validator, delegator) a word of position + 1 (bits
// 0-63) and the number of its entries from the validator (bits 64-127).
[[nodiscard]] U256 unbonders(const Address& validator);
[[nodiscard]] U256 unbonder_at(const Address& validator, std::uint64_t index);
[[nodiscard]] U256 unbonder_info(const Address& validator, const Address& delegator);
}  // namespace slot

// The reward index's fixed-point scale: rewards per share are kept as multiples of 1e-27.
[[nodiscard]] const U256& index_scale();

struct ValidatorRecord {
    Address operator_address{};
    crypto::SignatureScheme scheme{crypto::SignatureScheme::kMlDsa65};
    Bytes public_key{};
    Address consensus_address{};  // keccak256(scheme || public_key)[12:]
    Address reward_address{};
    std::uint32_t commission_bps{0};
    bool jailed{false};
    bool tombstoned{false};
    std::uint64_t last_commission_change{0};  // Unix seconds; 0: never changed
    U256 bonded{};                            // the pool's tokens (wei)
    U256 shares{};                            // the pool's shares
};

// A delegation: shares of the validator's pool and its reward bookkeeping.
struct Delegation {
    U256 shares{};
    U256 index{};    // the validator's reward index at the last settlement
    U256 accrued{};  // rewards settled into the delegation, not yet claimed
    friend bool operator==(const Delegation&, const Delegation&) = default;
};

struct UnbondingEntry {
    Address validator{};
    U256 amount{};
    std::uint64_t completion_time{0};
    std::uint64_t creation_height{0};
    friend bool operator==(const UnbondingEntry&, const UnbondingEntry&) = default;
};

// Typed reads and writes of the layout above.
class Store {
public:
    explicit Store(Meter& meter) : meter_{meter} {}

    [[nodiscard]] Meter& meter() noexcept { return meter_; }

    [[nodiscard]] bool validator_exists(const Address& operator_address);
    // The whole record (key included); nullopt if there is no such validator.
    [[nodiscard]] std::optional<ValidatorRecord> validator(const Address& operator_address);
    // The record without the key (cheap: four slots).
    [[nodiscard]] std::optional<ValidatorRecord> validator_summary(const Address& operator_address);
    // Writes a new validator (key, index entries, list) with `bonded` and `shares` = 0.
    void add_validator(const ValidatorRecord& record);
    void write_meta(const ValidatorRecord& record);
    void set_reward_address(const Address& operator_address, const Address& reward);
    void set_bonded(const Address& operator_address, const U256& bonded);
    void set_shares(const Address& operator_address, const U256& shares);
    [[nodiscard]] U256 reward_index(const Address& operator_address);
    void set_reward_index(const Address& operator_address, const U256& index);
    [[nodiscard]] std::uint64_t jailed_until(const Address& operator_address);
    void set_jailed_until(const Address& operator_address, std::uint64_t until);
    [[nodiscard]] U256 validator_slashed(const Address& operator_address);
    void set_validator_slashed(const Address& operator_address, const U256& amount);
    [[nodiscard]] std::optional<Address> operator_of(const Address& consensus_address);

    [[nodiscard]] std::uint64_t validator_count();
    [[nodiscard]] Address validator_at(std::uint64_t index);

    [[nodiscard]] Delegation delegation(const Address& validator, const Address& delegator);
    void set_delegation(const Address& validator, const Address& delegator,
                        const Delegation& delegation);

    [[nodiscard]] U256 total_bonded();
    void set_total_bonded(const U256& amount);
    [[nodiscard]] U256 total_unbonding();
    void set_total_unbonding(const U256& amount);
    [[nodiscard]] U256 total_slashed();
    void set_total_slashed(const U256& amount);
    [[nodiscard]] U256 reward_pool();
    void set_reward_pool(const U256& amount);

    [[nodiscard]] std::uint64_t unbonding_count(const Address& delegator);
    [[nodiscard]] UnbondingEntry unbonding(const Address& delegator, std::uint64_t index);
    void set_unbonding_amount(const Address& delegator, std::uint64_t index, const U256& amount);
    // Appends an entry (and counts it in its validator's index of unbonding delegators).
    void push_unbonding(const Address& delegator, const UnbondingEntry& entry);
    // Removes entry `index` by moving the last one into its place (and uncounts it).
    void remove_unbonding(const Address& delegator, std::uint64_t index);

    // The validator's index: the delegators that have unbonding entries from it.
    [[nodiscard]] std::uint64_t unbonder_count(const Address& validator);
    [[nodiscard]] Address unbonder_at(const Address& validator, std::uint64_t index);

private:
    void count_unbonder(const Address& validator, const Address& delegator, bool add);

    Meter& meter_;
};

}  // namespace qtm::chain::staking
