#include "slashing_support.hpp"

#include <stdexcept>

#include "chain/keys.hpp"
#include "chain/staking/active_set.hpp"
#include "chain/stored_block.hpp"
#include "storage/chain_store.hpp"

namespace qtm::chain::testing {

ChainSpec small_testnet(std::uint64_t epoch_length, std::uint64_t downtime_window,
                        std::uint64_t evidence_max_age_blocks) {
    ChainSpec spec = *builtin_chain_spec("testnet");
    spec.epoch_length = epoch_length;
    spec.slashing.downtime_window = downtime_window;
    spec.slashing.evidence_max_age_blocks = evidence_max_age_blocks;
    return spec;
}

SlashingChain::SlashingChain(ChainSpec spec, std::unique_ptr<storage::Database> database)
    : spec_{std::move(spec)}, db_{std::move(database)} {
    if (!db_) db_ = storage::make_memory_database();
    storage::WriteBatch batch;
    auto genesis = build_genesis(spec_, *db_, batch);
    if (!genesis) throw std::runtime_error{genesis.error().message};
    storage::ChainStore::add_block(batch, stored_empty_block(genesis->block.header));
    if (!db_->write(batch, false)) throw std::runtime_error{"genesis write failed"};
    genesis_hash_ = genesis->hash;
    headers_.push_back(genesis->block.header);
    executor_ = std::make_unique<BlockExecutor>(spec_, *db_);
    for (std::uint32_t i = 0; i < spec_.validators.size(); ++i) {
        signers_.push_back(
            make_mldsa_signer(crypto::SignatureScheme::kMlDsa65, dev_validator_seed(i)));
    }
}

TestValidators SlashingChain::validators_at(std::uint64_t height) const {
    auto set = staking::validator_set_for_height(spec_, *db_, height);
    if (!set) throw std::runtime_error{set.error().message};
    TestValidators out{std::move(*set), {}};
    for (std::size_t i = 0; i < out.set.size(); ++i) {
        bool found = false;
        for (std::uint32_t k = 0; k < signers_.size() && !found; ++k) {
            if (address_of(signers_[k]->scheme(), signers_[k]->public_key()) ==
                out.set.at(i).address) {
                out.signers.push_back(
                    make_mldsa_signer(crypto::SignatureScheme::kMlDsa65, dev_validator_seed(k)));
                found = true;
            }
        }
        if (!found) throw std::runtime_error{"a validator of the set has no test signer"};
    }
    return out;
}

Result<ExecutedBlock, BlockError> SlashingChain::extend(const BlockInputs& inputs,
                                                        std::vector<Rejection>* rejected) {
    const Header parent = head();
    auto built = executor_->build(parent, parent.timestamp + 2, spec_.validators[0].address, {},
                                  rejected, inputs);
    if (!built) return built;
    auto validated = executor_->validate(parent, built->block, /*signatures_verified=*/false);
    if (!validated) return validated;
    if (validated->hash != built->hash) {
        return unexpected(BlockError{"validate gave another hash than build"});
    }
    if (!db_->write(built->batch, false)) return unexpected(BlockError{"write failed"});
    headers_.push_back(built->block.header);
    return built;
}

Bytes SlashingChain::head_commit(const std::vector<std::size_t>& signers) const {
    const TestValidators validators = validators_at(head().number);
    return encode_certificate(
        signed_certificate(validators, signers, head().number, 0, block_hash(head()), domain()));
}

DuplicateVoteEvidence SlashingChain::double_sign(std::uint32_t index, std::uint64_t height,
                                                 const ConsensusDomain& domain) const {
    const TestValidators validators = validators_at(height);
    const Vote a =
        signed_vote(validators, index, VoteType::kPrecommit, height, 0, Hash32{0x0a}, domain);
    const Vote b =
        signed_vote(validators, index, VoteType::kPrecommit, height, 0, Hash32{0x0b}, domain);
    return *make_evidence(a, b);
}

std::unique_ptr<state::WorldState> SlashingChain::head_state() {
    return std::make_unique<state::WorldState>(*db_, head().state_root, nullptr,
                                               state::WorldState::ReadMode::kTrie);
}

}  // namespace qtm::chain::testing
