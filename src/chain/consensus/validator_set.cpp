#include "chain/consensus/validator_set.hpp"

#include <algorithm>
#include <limits>

#include "chain/consensus/types.hpp"
#include "chain/keys.hpp"
#include "codec/rlp.hpp"
#include "crypto/keccak.hpp"

namespace qtm::chain {

std::string_view to_string(ValidatorSetError error) noexcept {
    switch (error) {
        case ValidatorSetError::kEmpty:
            return "validator set is empty";
        case ValidatorSetError::kTooMany:
            return "validator set has more than 8192 validators";
        case ValidatorSetError::kZeroPower:
            return "validator has zero voting power";
        case ValidatorSetError::kDuplicate:
            return "two validators share one key (one address)";
        case ValidatorSetError::kPowerOverflow:
            return "total voting power exceeds 2^57";
        case ValidatorSetError::kBadKey:
            return "validator public key has the wrong size for its signature scheme";
    }
    return "invalid";
}

namespace {

__extension__ using Int128 = __int128;

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();

std::int64_t clip(Int128 value) noexcept {
    if (value > kInt64Max) return kInt64Max;
    if (value < kInt64Min) return kInt64Min;
    return static_cast<std::int64_t>(value);
}

bool valid_scheme(crypto::SignatureScheme scheme) noexcept {
    return crypto::parse_signature_scheme(crypto::to_byte(scheme)).has_value();
}

// Floor division, as Go's big.Int Div (Euclidean) for a positive divisor.
Int128 floor_div(Int128 value, Int128 divisor) noexcept {
    Int128 quotient = value / divisor;
    if (value % divisor != 0 && value < 0) --quotient;
    return quotient;
}

}  // namespace

Result<ValidatorSet, ValidatorSetError> ValidatorSet::create(std::vector<Validator> validators) {
    if (validators.empty()) return unexpected(ValidatorSetError::kEmpty);
    if (validators.size() > kMaxValidators) return unexpected(ValidatorSetError::kTooMany);
    std::uint64_t total = 0;
    for (Validator& validator : validators) {
        if (validator.voting_power == 0) return unexpected(ValidatorSetError::kZeroPower);
        if (!valid_scheme(validator.scheme) ||
            validator.public_key.size() != crypto::signature_sizes(validator.scheme).public_key) {
            return unexpected(ValidatorSetError::kBadKey);
        }
        constexpr auto kMax = static_cast<std::uint64_t>(kMaxTotalVotingPower);
        if (validator.voting_power > kMax || total > kMax - validator.voting_power) {
            return unexpected(ValidatorSetError::kPowerOverflow);
        }
        total += validator.voting_power;
        validator.address = address_of(validator.scheme, validator.public_key);
    }
    std::sort(validators.begin(), validators.end(),
              [](const Validator& a, const Validator& b) { return a.address < b.address; });
    const auto duplicate = std::adjacent_find(
        validators.begin(), validators.end(),
        [](const Validator& a, const Validator& b) { return a.address == b.address; });
    if (duplicate != validators.end()) return unexpected(ValidatorSetError::kDuplicate);
    ValidatorSet set;
    set.validators_ = std::move(validators);
    set.total_power_ = total;
    return set;
}

std::optional<std::size_t> ValidatorSet::index_of(const Address& address) const noexcept {
    const auto it = std::lower_bound(
        validators_.begin(), validators_.end(), address,
        [](const Validator& validator, const Address& key) { return validator.address < key; });
    if (it == validators_.end() || it->address != address) return std::nullopt;
    return static_cast<std::size_t>(it - validators_.begin());
}

bool ValidatorSet::is_quorum(std::uint64_t power) const noexcept {
    // Both sides fit: power and total are at most 2^57 in any meaningful call, and the
    // 128-bit product keeps an arbitrary `power` from wrapping.
    return Int128{3} * power > Int128{2} * total_power_;
}

bool ValidatorSet::exceeds_one_third(std::uint64_t power) const noexcept {
    return Int128{3} * power > Int128{1} * total_power_;
}

std::size_t ValidatorSet::proposer_index() const noexcept {
    if (proposer_) return *proposer_;
    // Scanning in address order with a strict comparison keeps the lower address on ties.
    std::size_t best = 0;
    for (std::size_t i = 1; i < validators_.size(); ++i) {
        if (validators_[i].proposer_priority > validators_[best].proposer_priority) best = i;
    }
    return best;
}

namespace {

// The algorithm on the priorities alone, so that proposer_for_round need not copy keys.
// Returns the proposer chosen by the last step.
std::size_t increment(std::vector<std::int64_t>& priorities, const std::vector<Validator>& set,
                      std::int64_t total, std::uint32_t times) {
    // Rescale: keep max - min within 2 * total by dividing every priority by
    // ceil(diff / (2 * total)), truncating toward zero as Go does.
    const Int128 window = Int128{2} * total;
    const auto [low, high] = std::minmax_element(priorities.begin(), priorities.end());
    const Int128 diff = Int128{*high} - *low;
    if (diff > window) {
        const Int128 ratio = (diff + window - 1) / window;
        for (std::int64_t& priority : priorities) {
            priority = static_cast<std::int64_t>(priority / ratio);
        }
    }

    // Centre on 0: subtract the floor of the mean.
    Int128 sum = 0;
    for (const std::int64_t priority : priorities)
        sum += priority;
    const Int128 mean = floor_div(sum, static_cast<Int128>(priorities.size()));
    for (std::int64_t& priority : priorities)
        priority = clip(Int128{priority} - mean);

    std::size_t chosen = 0;
    for (std::uint32_t step = 0; step < times; ++step) {
        chosen = 0;
        for (std::size_t i = 0; i < priorities.size(); ++i) {
            priorities[i] = clip(Int128{priorities[i]} + set[i].voting_power);
            // Strictly greater, in address order: ties go to the lower address.
            if (priorities[i] > priorities[chosen]) chosen = i;
        }
        priorities[chosen] = clip(Int128{priorities[chosen]} - total);
    }
    return chosen;
}

}  // namespace

void ValidatorSet::increment_proposer_priority(std::uint32_t times) {
    if (times == 0 || validators_.empty()) return;
    std::vector<std::int64_t> priorities;
    priorities.reserve(validators_.size());
    for (const Validator& validator : validators_)
        priorities.push_back(validator.proposer_priority);
    const std::size_t chosen =
        increment(priorities, validators_, static_cast<std::int64_t>(total_power_), times);
    for (std::size_t i = 0; i < validators_.size(); ++i) {
        validators_[i].proposer_priority = priorities[i];
    }
    proposer_ = static_cast<std::uint32_t>(chosen);
}

std::size_t ValidatorSet::proposer_for_round(std::uint32_t round) const {
    if (round == 0 || validators_.empty()) return proposer_index();
    std::vector<std::int64_t> priorities;
    priorities.reserve(validators_.size());
    for (const Validator& validator : validators_)
        priorities.push_back(validator.proposer_priority);
    return increment(priorities, validators_, static_cast<std::int64_t>(total_power_), round);
}

Hash32 ValidatorSet::hash() const {
    Bytes payload;
    for (const Validator& validator : validators_) {
        Bytes item;
        rlp::append_uint(item, crypto::to_byte(validator.scheme));
        rlp::append_string(item, validator.public_key);
        rlp::append_uint(item, validator.voting_power);
        rlp::append_list(payload, item);
    }
    return crypto::keccak256(rlp::encode_list(payload));
}

}  // namespace qtm::chain
