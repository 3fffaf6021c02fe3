#include "chain/staking/active_set.hpp"

#include <algorithm>

#include "chain/block.hpp"
#include "chain/staking/store.hpp"
#include "storage/chain_store.hpp"

namespace qtm::chain::staking {

std::uint64_t epoch_state_height(std::uint64_t height, std::uint64_t epoch_length) noexcept {
    if (height == 0 || epoch_length == 0) return 0;
    return (height - 1) / epoch_length * epoch_length;
}

Result<ValidatorSet, ValidatorSetError> select_active_set(state::WorldState& world,
                                                          const StakingParams& params) {
    Meter meter{world, staking_address(), Meter::kUnlimited};
    Store store{meter};
    std::vector<ValidatorRecord> eligible;
    const std::uint64_t count = store.validator_count();
    const U256 wei_per_qtm = qtm_to_wei(1);
    for (std::uint64_t i = 0; i < count; ++i) {
        const auto summary = store.validator_summary(store.validator_at(i));
        if (!summary || summary->jailed || summary->tombstoned) continue;
        if (summary->bonded < params.min_validator_stake) continue;
        if (summary->bonded / wei_per_qtm == U256{}) continue;  // no voting power
        eligible.push_back(*summary);
    }
    // Only the chosen ones' keys are read.
    const std::size_t chosen = std::min<std::size_t>(eligible.size(), params.max_validators);
    std::partial_sort(eligible.begin(), eligible.begin() + static_cast<long>(chosen),
                      eligible.end(), [](const ValidatorRecord& a, const ValidatorRecord& b) {
                          if (a.bonded != b.bonded) return a.bonded > b.bonded;
                          return a.operator_address < b.operator_address;
                      });
    std::vector<Validator> validators;
    for (std::size_t i = 0; i < chosen; ++i) {
        const auto record = store.validator(eligible[i].operator_address);
        if (!record) continue;
        const U256 power = record->bonded / wei_per_qtm;
        validators.push_back(Validator{record->consensus_address, record->scheme,
                                       record->public_key,
                                       power.fits_uint64() ? power[0] : ~std::uint64_t{0}, 0});
    }
    return ValidatorSet::create(std::move(validators));
}

Result<EpochSet, ActiveSetError> load_epoch_set(const ChainSpec& spec, storage::Database& database,
                                                std::uint64_t source) {
    const storage::ChainStore store{database};
    const auto hash = store.canonical_hash(source);
    if (!hash || !*hash) {
        return unexpected(ActiveSetError{"no canonical block " + std::to_string(source) +
                                         " (the epoch's state) is stored"});
    }
    const auto header_bytes = store.load_header(**hash);
    if (!header_bytes || !*header_bytes) {
        return unexpected(ActiveSetError{"header of block " + std::to_string(source) + " missing"});
    }
    const auto header = decode_header(**header_bytes);
    if (!header) {
        return unexpected(
            ActiveSetError{"header of block " + std::to_string(source) + " does not decode"});
    }
    state::WorldState world{database, header->state_root, nullptr,
                            state::WorldState::ReadMode::kTrie};
    auto set = select_active_set(world, spec.staking);
    if (world.error()) return unexpected(ActiveSetError{world.error()->message});
    if (!set) {
        return unexpected(ActiveSetError{"no valid validator set at block " +
                                         std::to_string(source) + ": " +
                                         std::string{to_string(set.error())}});
    }
    return EpochSet{std::move(*set), **hash};
}

void set_priorities_for_height(ValidatorSet& set, std::uint64_t height,
                               std::uint64_t epoch_length) {
    const std::uint64_t first = epoch_state_height(height, epoch_length) + 1;
    if (height >= first)
        set.increment_proposer_priority(static_cast<std::uint32_t>(height - first + 1));
}

Result<ValidatorSet, ActiveSetError> validator_set_for_height(const ChainSpec& spec,
                                                              storage::Database& database,
                                                              std::uint64_t height) {
    auto epoch = load_epoch_set(spec, database, epoch_state_height(height, spec.epoch_length));
    if (!epoch) return unexpected(epoch.error());
    set_priorities_for_height(epoch->set, height, spec.epoch_length);
    return std::move(epoch->set);
}

}  // namespace qtm::chain::staking
