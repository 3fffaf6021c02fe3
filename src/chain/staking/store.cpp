#include "chain/staking/store.hpp"

#include <algorithm>

#include "chain/keys.hpp"
#include "crypto/keccak.hpp"

namespace qtm::chain::staking {

bool Meter::charge(std::int64_t amount) {
    if (out_of_gas_) return false;
    if (amount > gas_left_) {
        out_of_gas_ = true;
        gas_left_ = 0;
        return false;
    }
    gas_left_ -= amount;
    return true;
}

U256 Meter::load(const U256& slot) {
    if (!charge(gas::kLoad)) return U256{};
    return state_.storage(self_, slot);
}

void Meter::store(const U256& slot, const U256& value) {
    if (out_of_gas_) return;
    const U256 current = state_.storage(self_, slot);
    if (current == value) return;
    if (!charge(current == U256{} ? gas::kStoreSet : gas::kStoreReset)) return;
    state_.set_storage(self_, slot, value);
}

void Meter::log(std::vector<Hash32> topics, Bytes data) {
    const auto cost = gas::kLog + gas::kLogTopic * static_cast<std::int64_t>(topics.size()) +
                      gas::kLogByte * static_cast<std::int64_t>(data.size());
    if (!charge(cost)) return;
    state_.add_log(state::Log{self_, std::move(topics), std::move(data)});
}

namespace slot {

U256 mapping(const U256& key, const U256& base) {
    ByteArray<64> preimage{};
    key.to_be_bytes(preimage.data());
    base.to_be_bytes(preimage.data() + 32);
    return U256::from_be_bytes(crypto::keccak256(preimage));
}

namespace {
U256 word(const Address& address) {
    return U256::from_be_bytes(address);
}
U256 array_start(const U256& base) {
    return U256::from_be_bytes(crypto::keccak256(base.to_be_bytes()));
}
}  // namespace

U256 validator(const Address& operator_address, std::uint64_t field) {
    return mapping(word(operator_address), U256{kValidators}) + U256{field};
}

U256 consensus_index(const Address& consensus_address) {
    return mapping(word(consensus_address), U256{kConsensusIndex});
}

U256 validator_at(std::uint64_t index) {
    return array_start(U256{kValidatorList}) + U256{index};
}

U256 delegation(const Address& validator, const Address& delegator) {
    return mapping(word(delegator), mapping(word(validator), U256{kDelegations}));
}

U256 unbonding_count(const Address& delegator) {
    return mapping(word(delegator), U256{kUnbondings});
}

U256 unbonding_entry(const Address& delegator, std::uint64_t index, std::uint64_t field) {
    return array_start(unbonding_count(delegator)) + U256{4 * index + field};
}

U256 unbonders(const Address& validator) {
    return mapping(word(validator), U256{kUnbonders});
}

U256 unbonder_info(const Address& validator, const Address& delegator) {
    return mapping(word(delegator), mapping(word(validator), U256{kUnbonderInfo}));
}

U256 unbonder_at(const Address& validator, std::uint64_t index) {
    return array_start(unbonders(validator)) + U256{index};
}

}  // namespace slot

const U256& index_scale() {
    static const U256 scale = U256{1'000'000'000'000'000'000ULL} * U256{1'000'000'000ULL};
    return scale;
}

namespace {

// Meta word: bits 0-7 scheme id (0: no validator), 8-23 commission (basis points), 24
// jailed, 25 tombstoned, 64-127 the time of the last commission change.
constexpr unsigned kCommissionShift = 8;
constexpr unsigned kJailedBit = 24;
constexpr unsigned kTombstonedBit = 25;
constexpr unsigned kChangeTimeShift = 64;

U256 encode_meta(const ValidatorRecord& record) {
    U256 meta{crypto::to_byte(record.scheme)};
    meta = meta | (U256{record.commission_bps & 0xffffu} << kCommissionShift);
    if (record.jailed) meta = meta | (U256{1} << kJailedBit);
    if (record.tombstoned) meta = meta | (U256{1} << kTombstonedBit);
    meta = meta | (U256{record.last_commission_change} << kChangeTimeShift);
    return meta;
}

Address to_address(const U256& value) {
    const auto bytes = value.to_be_bytes();
    Address out{};
    std::copy(bytes.begin() + 12, bytes.end(), out.begin());
    return out;
}

}  // namespace

std::optional<ValidatorRecord> Store::validator_summary(const Address& operator_address) {
    const U256 meta = meter_.load(slot::validator(operator_address, slot::kMeta));
    const auto scheme = crypto::parse_signature_scheme(static_cast<std::uint8_t>(meta[0] & 0xff));
    if (!scheme) return std::nullopt;
    ValidatorRecord record;
    record.operator_address = operator_address;
    record.scheme = *scheme;
    record.commission_bps = static_cast<std::uint32_t>((meta[0] >> kCommissionShift) & 0xffff);
    record.jailed = ((meta[0] >> kJailedBit) & 1) != 0;
    record.tombstoned = ((meta[0] >> kTombstonedBit) & 1) != 0;
    record.last_commission_change = meta[1];
    record.reward_address =
        to_address(meter_.load(slot::validator(operator_address, slot::kRewardAddress)));
    record.bonded = meter_.load(slot::validator(operator_address, slot::kBonded));
    record.shares = meter_.load(slot::validator(operator_address, slot::kShares));
    return record;
}

bool Store::validator_exists(const Address& operator_address) {
    const U256 meta = meter_.load(slot::validator(operator_address, slot::kMeta));
    return crypto::parse_signature_scheme(static_cast<std::uint8_t>(meta[0] & 0xff)).has_value();
}

std::optional<ValidatorRecord> Store::validator(const Address& operator_address) {
    auto record = validator_summary(operator_address);
    if (!record) return std::nullopt;
    const std::size_t size = crypto::signature_sizes(record->scheme).public_key;
    record->public_key.resize(size);
    for (std::size_t offset = 0, i = 0; offset < size; offset += 32, ++i) {
        const auto chunk =
            meter_.load(slot::validator(operator_address, slot::kPublicKey + i)).to_be_bytes();
        const std::size_t count = std::min<std::size_t>(32, size - offset);
        std::copy_n(chunk.begin(), count, record->public_key.begin() + static_cast<long>(offset));
    }
    record->consensus_address = address_of(record->scheme, record->public_key);
    return record;
}

void Store::add_validator(const ValidatorRecord& record) {
    write_meta(record);
    set_reward_address(record.operator_address, record.reward_address);
    const Bytes& key = record.public_key;
    for (std::size_t offset = 0, i = 0; offset < key.size(); offset += 32, ++i) {
        ByteArray<32> chunk{};
        std::copy_n(key.begin() + static_cast<long>(offset),
                    std::min<std::size_t>(32, key.size() - offset), chunk.begin());
        meter_.store(slot::validator(record.operator_address, slot::kPublicKey + i),
                     U256::from_be_bytes(chunk));
    }
    meter_.store(slot::consensus_index(record.consensus_address),
                 U256::from_be_bytes(record.operator_address));
    const std::uint64_t count = validator_count();
    meter_.store(slot::validator_at(count), U256::from_be_bytes(record.operator_address));
    meter_.store(U256{slot::kValidatorCount}, U256{count + 1});
}

void Store::write_meta(const ValidatorRecord& record) {
    meter_.store(slot::validator(record.operator_address, slot::kMeta), encode_meta(record));
}

void Store::set_reward_address(const Address& operator_address, const Address& reward) {
    meter_.store(slot::validator(operator_address, slot::kRewardAddress),
                 U256::from_be_bytes(reward));
}

void Store::set_bonded(const Address& operator_address, const U256& bonded) {
    meter_.store(slot::validator(operator_address, slot::kBonded), bonded);
}

void Store::set_shares(const Address& operator_address, const U256& shares) {
    meter_.store(slot::validator(operator_address, slot::kShares), shares);
}

U256 Store::reward_index(const Address& operator_address) {
    return meter_.load(slot::validator(operator_address, slot::kRewardIndex));
}

void Store::set_reward_index(const Address& operator_address, const U256& index) {
    meter_.store(slot::validator(operator_address, slot::kRewardIndex), index);
}

std::uint64_t Store::jailed_until(const Address& operator_address) {
    return meter_.load(slot::validator(operator_address, slot::kJailedUntil))[0];
}

void Store::set_jailed_until(const Address& operator_address, std::uint64_t until) {
    meter_.store(slot::validator(operator_address, slot::kJailedUntil), U256{until});
}

U256 Store::validator_slashed(const Address& operator_address) {
    return meter_.load(slot::validator(operator_address, slot::kSlashed));
}

void Store::set_validator_slashed(const Address& operator_address, const U256& amount) {
    meter_.store(slot::validator(operator_address, slot::kSlashed), amount);
}

std::optional<Address> Store::operator_of(const Address& consensus_address) {
    const U256 value = meter_.load(slot::consensus_index(consensus_address));
    if (value == U256{}) return std::nullopt;
    return to_address(value);
}

std::uint64_t Store::validator_count() {
    return meter_.load(U256{slot::kValidatorCount})[0];
}

Address Store::validator_at(std::uint64_t index) {
    return to_address(meter_.load(slot::validator_at(index)));
}

Delegation Store::delegation(const Address& validator, const Address& delegator) {
    const U256 base = slot::delegation(validator, delegator);
    Delegation out;
    out.shares = meter_.load(base);
    out.index = meter_.load(base + U256{1});
    out.accrued = meter_.load(base + U256{2});
    return out;
}

void Store::set_delegation(const Address& validator, const Address& delegator,
                           const Delegation& delegation) {
    const U256 base = slot::delegation(validator, delegator);
    meter_.store(base, delegation.shares);
    meter_.store(base + U256{1}, delegation.index);
    meter_.store(base + U256{2}, delegation.accrued);
}

U256 Store::total_bonded() {
    return meter_.load(U256{slot::kTotalBonded});
}

void Store::set_total_bonded(const U256& amount) {
    meter_.store(U256{slot::kTotalBonded}, amount);
}

U256 Store::total_unbonding() {
    return meter_.load(U256{slot::kTotalUnbonding});
}

void Store::set_total_unbonding(const U256& amount) {
    meter_.store(U256{slot::kTotalUnbonding}, amount);
}

U256 Store::total_slashed() {
    return meter_.load(U256{slot::kTotalSlashed});
}

void Store::set_total_slashed(const U256& amount) {
    meter_.store(U256{slot::kTotalSlashed}, amount);
}

U256 Store::reward_pool() {
    return meter_.load(U256{slot::kRewardPool});
}

void Store::set_reward_pool(const U256& amount) {
    meter_.store(U256{slot::kRewardPool}, amount);
}

std::uint64_t Store::unbonding_count(const Address& delegator) {
    return meter_.load(slot::unbonding_count(delegator))[0];
}

UnbondingEntry Store::unbonding(const Address& delegator, std::uint64_t index) {
    UnbondingEntry entry;
    entry.validator = to_address(meter_.load(slot::unbonding_entry(delegator, index, 0)));
    entry.amount = meter_.load(slot::unbonding_entry(delegator, index, 1));
    entry.completion_time = meter_.load(slot::unbonding_entry(delegator, index, 2))[0];
    entry.creation_height = meter_.load(slot::unbonding_entry(delegator, index, 3))[0];
    return entry;
}

void Store::set_unbonding_amount(const Address& delegator, std::uint64_t index,
                                 const U256& amount) {
    meter_.store(slot::unbonding_entry(delegator, index, 1), amount);
}

void Store::push_unbonding(const Address& delegator, const UnbondingEntry& entry) {
    const std::uint64_t count = unbonding_count(delegator);
    meter_.store(slot::unbonding_entry(delegator, count, 0), U256::from_be_bytes(entry.validator));
    meter_.store(slot::unbonding_entry(delegator, count, 1), entry.amount);
    meter_.store(slot::unbonding_entry(delegator, count, 2), U256{entry.completion_time});
    meter_.store(slot::unbonding_entry(delegator, count, 3), U256{entry.creation_height});
    meter_.store(slot::unbonding_count(delegator), U256{count + 1});
    count_unbonder(entry.validator, delegator, true);
}

void Store::remove_unbonding(const Address& delegator, std::uint64_t index) {
    const std::uint64_t count = unbonding_count(delegator);
    if (index >= count) return;
    count_unbonder(to_address(meter_.load(slot::unbonding_entry(delegator, index, 0))), delegator,
                   false);
    const std::uint64_t last = count - 1;
    for (std::uint64_t field = 0; field < 4; ++field) {
        const U256 moved =
            index == last ? U256{} : meter_.load(slot::unbonding_entry(delegator, last, field));
        meter_.store(slot::unbonding_entry(delegator, index, field), moved);
        if (index != last) meter_.store(slot::unbonding_entry(delegator, last, field), U256{});
    }
    meter_.store(slot::unbonding_count(delegator), U256{last});
}

std::uint64_t Store::unbonder_count(const Address& validator) {
    return meter_.load(slot::unbonders(validator))[0];
}

Address Store::unbonder_at(const Address& validator, std::uint64_t index) {
    return to_address(meter_.load(slot::unbonder_at(validator, index)));
}

// The info word: position + 1 in bits 0-63, the number of entries in bits 64-127. The list
// is kept dense by moving the last delegator into a removed one's place.
void Store::count_unbonder(const Address& validator, const Address& delegator, bool add) {
    const U256 info_slot = slot::unbonder_info(validator, delegator);
    const U256 info = meter_.load(info_slot);
    std::uint64_t position = info[0];
    std::uint64_t entries = info[1];
    const std::uint64_t length = unbonder_count(validator);
    if (add) {
        if (position == 0) {
            meter_.store(slot::unbonder_at(validator, length), U256::from_be_bytes(delegator));
            meter_.store(slot::unbonders(validator), U256{length + 1});
            position = length + 1;
        }
        ++entries;
    } else {
        if (position == 0 || entries == 0) return;  // not counted: cannot happen
        if (--entries == 0) {
            const std::uint64_t last = length - 1;
            if (position - 1 != last) {
                const Address moved = to_address(meter_.load(slot::unbonder_at(validator, last)));
                meter_.store(slot::unbonder_at(validator, position - 1),
                             U256::from_be_bytes(moved));
                const U256 moved_slot = slot::unbonder_info(validator, moved);
                const U256 moved_info = meter_.load(moved_slot);
                meter_.store(moved_slot, U256{position} | (U256{moved_info[1]} << 64));
            }
            meter_.store(slot::unbonder_at(validator, last), U256{});
            meter_.store(slot::unbonders(validator), U256{last});
            meter_.store(info_slot, U256{});
            return;
        }
    }
    meter_.store(info_slot, U256{position} | (U256{entries} << 64));
}

}  // namespace qtm::chain::staking
