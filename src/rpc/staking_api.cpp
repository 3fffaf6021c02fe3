// qtm_getValidators and qtm_getStakingParams (docs/rpc.md): the active validator set of a
// block as the staking contract's state decides it (chain/staking/active_set.hpp), and the
// chain spec's staking and slashing parameters.
#include "chain/keys.hpp"
#include "chain/staking/active_set.hpp"
#include "chain/staking/store.hpp"
#include "rpc/chain_reader.hpp"
#include "rpc/eth_api.hpp"
#include "rpc/format.hpp"
#include "rpc/params.hpp"
#include "state/world_state.hpp"

namespace qtm::rpc {

namespace {

Json validator_json(const chain::Validator& member, chain::staking::Store& store) {
    Json out{{"address", chain::to_checksum_address(member.address)},
             {"scheme", quantity(crypto::to_byte(member.scheme))},
             {"schemeName", std::string{crypto::to_string(member.scheme)}},
             {"publicKey", hex_data(member.public_key)},
             {"votingPower", quantity(member.voting_power)},
             {"proposerPriority", std::to_string(member.proposer_priority)}};
    // The staking record as of the asked block (the set itself is that of its epoch).
    const auto operator_address = store.operator_of(member.address);
    const auto record =
        operator_address ? store.validator_summary(*operator_address) : std::nullopt;
    if (!record) {
        out["operator"] = nullptr;
        return out;
    }
    out["operator"] = chain::to_checksum_address(record->operator_address);
    out["rewardAddress"] = chain::to_checksum_address(record->reward_address);
    out["commissionBps"] = quantity(record->commission_bps);
    out["stake"] = quantity(record->bonded);
    out["jailed"] = record->jailed;
    out["tombstoned"] = record->tombstoned;
    return out;
}

Json validators_at(Backend& backend, const ChainReader& reader, const Json* ref_json) {
    const auto number = reader.resolve(to_block_ref(ref_json, "block"));
    if (!number) throw RpcError{code::kServer, "header not found"};
    const auto header = reader.header(*number);
    if (!header) throw RpcError{code::kServer, "header not found"};
    const chain::ChainSpec& spec = backend.spec();
    auto set = chain::staking::validator_set_for_height(spec, backend.database(), *number);
    if (!set) throw RpcError{code::kServer, set.error().message};

    state::WorldState world{backend.database(), header->state_root, backend.node_cache(),
                            state::WorldState::ReadMode::kTrie};
    chain::staking::Meter meter{world, chain::staking_address(), chain::staking::Meter::kUnlimited};
    chain::staking::Store store{meter};
    Json members = Json::array();
    std::size_t proposer = set->proposer_index();
    for (const chain::Validator& member : set->validators())
        members.push_back(validator_json(member, store));
    const U256 total_bonded = store.total_bonded();
    const U256 total_unbonding = store.total_unbonding();
    const std::uint64_t registered = store.validator_count();
    if (world.error()) {
        throw RpcError{code::kServer, "missing trie node: " + world.error()->message};
    }
    const std::uint64_t epoch_length = spec.epoch_length;
    return Json{
        {"blockNumber", quantity(*number)},
        {"epoch", quantity(epoch_length == 0 || *number == 0 ? 0 : (*number - 1) / epoch_length)},
        {"epochStateBlock", quantity(chain::staking::epoch_state_height(*number, epoch_length))},
        {"validatorsHash", hex_data(set->hash())},
        {"proposer", chain::to_checksum_address(set->at(proposer).address)},
        {"validators", std::move(members)},
        {"totals",
         {{"validators", quantity(set->size())},
          {"votingPower", quantity(set->total_power())},
          {"registeredValidators", quantity(registered)},
          {"bonded", quantity(total_bonded)},
          {"unbonding", quantity(total_unbonding)}}}};
}

Json staking_params_json(const chain::ChainSpec& spec) {
    const chain::StakingParams& p = spec.staking;
    return Json{{"stakingAddress", chain::to_checksum_address(chain::staking_address())},
                {"minValidatorStake", quantity(p.min_validator_stake)},
                {"maxValidators", quantity(p.max_validators)},
                {"unbondingSeconds", quantity(p.unbonding_seconds)},
                {"maxCommissionBps", quantity(p.max_commission_bps)},
                {"maxCommissionChangeBps", quantity(p.max_commission_change_bps)},
                {"commissionChangeIntervalSeconds", quantity(p.commission_change_interval_seconds)},
                {"maxUnbondingEntries", quantity(p.max_unbonding_entries)},
                {"epochLength", quantity(spec.epoch_length)},
                {"slashing", Json::parse(chain::chain_spec_to_json(spec))["slashing"]}};
}

}  // namespace

void register_staking_api(Dispatcher& dispatcher, Backend& backend) {
    auto reader = std::make_shared<ChainReader>(backend);
    dispatcher.add("qtm_getValidators", [&backend, reader](const Json& params) {
        expect_at_most(params, 1);
        return validators_at(backend, *reader, param(params, 0, "block", false));
    });
    dispatcher.add("qtm_getStakingParams", [&backend](const Json& params) {
        expect_at_most(params, 0);
        return staking_params_json(backend.spec());
    });
}

}  // namespace qtm::rpc
