// The validators of one height: keys, voting power and CometBFT's proposer priorities
// (docs/consensus.md, "Proposer selection"). Validators are ordered by address (ascending);
// a validator's index in that order is what votes and certificate bitmaps refer to.
//
// Voting power is the bonded stake in whole QTM (stake / 10^18), so a sum never overflows
// 64 bits. A quorum is strictly more than 2/3 of the total power: 3 * power > 2 * total.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "crypto/signature_scheme.hpp"

namespace qtm::chain {

struct Validator {
    Address address{};  // keccak256(scheme_id || public_key)[12:], as accounts
    crypto::SignatureScheme scheme{crypto::SignatureScheme::kMlDsa65};
    Bytes public_key{};
    std::uint64_t voting_power{0};
    std::int64_t proposer_priority{0};
    friend bool operator==(const Validator&, const Validator&) = default;
};

enum class ValidatorSetError {
    kEmpty,
    kTooMany,        // more than kMaxValidators
    kZeroPower,      // a validator with no voting power
    kDuplicate,      // two validators with one address (one key)
    kPowerOverflow,  // total power above kMaxTotalVotingPower
    kBadKey,         // a public key of the wrong size for its scheme
};
[[nodiscard]] std::string_view to_string(ValidatorSetError error) noexcept;

class ValidatorSet {
public:
    // CometBFT's bound, so that priorities (which move by up to 2 * total) stay in int64.
    static constexpr std::int64_t kMaxTotalVotingPower = (std::int64_t{1} << 60) / 8;

    // Derives each address from its key (any address passed in is replaced), sorts by
    // address, checks the rules above, and keeps the priorities as given (a genesis set
    // starts at 0, then is centred by the first increment).
    // A genesis set is then incremented once (increment_proposer_priority(1)), as
    // CometBFT's NewValidatorSet does, so that proposer_index() is its first height's
    // round-0 proposer and rounds 0 and 1 have different proposers.
    [[nodiscard]] static Result<ValidatorSet, ValidatorSetError> create(
        std::vector<Validator> validators);

    [[nodiscard]] std::size_t size() const noexcept { return validators_.size(); }
    [[nodiscard]] const Validator& at(std::size_t index) const { return validators_.at(index); }
    [[nodiscard]] const std::vector<Validator>& validators() const noexcept { return validators_; }
    [[nodiscard]] std::optional<std::size_t> index_of(const Address& address) const noexcept;
    [[nodiscard]] std::uint64_t total_power() const noexcept { return total_power_; }

    // 3 * power > 2 * total (more than two thirds), without overflow.
    [[nodiscard]] bool is_quorum(std::uint64_t power) const noexcept;
    // power > total / 3 (at least one honest validator among them): the round-skip rule.
    [[nodiscard]] bool exceeds_one_third(std::uint64_t power) const noexcept;

    // The proposer chosen by the last increment, as CometBFT's GetProposer; for a set that
    // was never incremented, the validator with the highest priority (ties: the lower
    // address). After an increment the chosen proposer no longer has the highest priority
    // (the total was subtracted from it), hence the remembered choice.
    [[nodiscard]] std::size_t proposer_index() const noexcept;
    // CometBFT's IncrementProposerPriority, `times` times: rescale so that the spread of
    // priorities stays within 2 * total, centre them on 0 (the floor of the mean), then
    // per step add each validator's power, choose the highest priority (ties: the lower
    // address) and subtract the total from it. Arithmetic saturates at the int64 bounds.
    // times == 0 changes nothing.
    void increment_proposer_priority(std::uint32_t times);
    // The proposer of round `round` of this set's height: proposer_index() of a copy
    // incremented `round` times (round 0: this set's proposer_index()).
    [[nodiscard]] std::size_t proposer_for_round(std::uint32_t round) const;

    // keccak256(rlp([[scheme_id, public_key, voting_power], ...])) in index order.
    // Priorities are not part of it: they change every height.
    [[nodiscard]] Hash32 hash() const;

    friend bool operator==(const ValidatorSet&, const ValidatorSet&) = default;

private:
    std::vector<Validator> validators_;
    std::uint64_t total_power_{0};
    std::optional<std::uint32_t> proposer_{};  // chosen by the last increment
};

}  // namespace qtm::chain
