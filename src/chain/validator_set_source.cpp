#include "chain/validator_set_source.hpp"

#include "storage/chain_store.hpp"

namespace qtm::chain {

Result<ValidatorSet, staking::ActiveSetError> StoredValidatorSets::at(std::uint64_t height) {
    const std::uint64_t source = staking::epoch_state_height(height, spec_.epoch_length);
    // A cached epoch is used only while the canonical block it was read from is still the
    // one stored at its height (a repaired or re-imported database may differ).
    const storage::ChainStore store{database_};
    const auto hash = store.canonical_hash(source);
    if (!hash || !*hash) {
        return unexpected(staking::ActiveSetError{"no canonical block " + std::to_string(source) +
                                                  " (the epoch's state) is stored"});
    }
    std::lock_guard lock{mutex_};
    auto found = cache_.begin();
    while (found != cache_.end() &&
           !(found->source == source && found->epoch.source_hash == **hash)) {
        ++found;
    }
    if (found == cache_.end()) {
        auto epoch = staking::load_epoch_set(spec_, database_, source);
        if (!epoch) return unexpected(epoch.error());
        cache_.push_front(Cached{source, std::move(*epoch)});
        if (cache_.size() > kCachedEpochs) cache_.pop_back();
    } else if (found != cache_.begin()) {
        cache_.splice(cache_.begin(), cache_, found);
    }
    ValidatorSet set = cache_.front().epoch.set;
    staking::set_priorities_for_height(set, height, spec_.epoch_length);
    return set;
}

Result<Hash32, staking::ActiveSetError> child_validators_hash(const ChainSpec& spec,
                                                              const Header& parent,
                                                              state::WorldState& parent_state) {
    if (parent.number % spec.epoch_length != 0) return parent.validators_hash;
    auto set = staking::select_active_set(parent_state, spec.staking);
    if (parent_state.error())
        return unexpected(staking::ActiveSetError{parent_state.error()->message});
    if (!set) {
        return unexpected(staking::ActiveSetError{"no valid validator set after block " +
                                                  std::to_string(parent.number) + ": " +
                                                  std::string{to_string(set.error())}});
    }
    return set->hash();
}

}  // namespace qtm::chain
