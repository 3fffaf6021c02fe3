// Fuzzes the staking contract: the input is a sequence of calls (sender, function, value,
// argument bytes) through the real StateHost, mixed with the block-level primitives
// (distribute_block_reward, slash, jail, tombstone), on a state with one validator. Must
// never crash; after every step the gas left is within [0, limit] and the contract's
// balance is what it owes: total bonded + total unbonding + reward pool (docs/staking.md,
// "Rewards"), and its totals never exceed it.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>

#include "chain/chain_spec.hpp"
#include "chain/staking/abi.hpp"
#include "chain/staking/contract.hpp"
#include "chain/staking/penalties.hpp"
#include "chain/staking/pool.hpp"
#include "chain/staking/store.hpp"
#include "evm/analysis.hpp"
#include "state/state_host.hpp"
#include "state/world_state.hpp"
#include "storage/database.hpp"
#include "trie/trie.hpp"

namespace {

using namespace qtm;
using namespace qtm::chain;
using namespace qtm::chain::staking;

constexpr std::array<std::string_view, 16> kFunctions = {
    signature::kCreateValidator, signature::kEditValidator, signature::kDelegate,
    signature::kUndelegate,      signature::kWithdraw,      signature::kClaimRewards,
    signature::kUnjail,          signature::kGetValidator,  signature::kValidatorCount,
    signature::kValidatorAt,     signature::kGetDelegation, signature::kPendingRewards,
    signature::kUnbondingCount,  signature::kGetUnbonding,  signature::kGetTotals,
    signature::kGetParams,
};

Address account(std::uint8_t index) {
    Address out{};
    out.fill(static_cast<std::uint8_t>(1 + index % 4));
    return out;
}

void check(state::WorldState& world) {
    Meter meter{world, staking_address(), Meter::kUnlimited};
    Store store{meter};
    const U256 owed = store.total_bonded() + store.total_unbonding() + store.reward_pool();
    if (world.balance(staking_address()) != owed) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ContractParams params;
    params.chain_id = 7357;
    params.staking.min_validator_stake = U256{1000};
    params.staking.unbonding_seconds = 10;
    params.staking.max_unbonding_entries = 3;
    auto db = storage::make_memory_database();
    state::WorldState world{*db, trie::kEmptyRoot};
    state::NativeContracts natives;
    natives.add(staking_address(), std::make_shared<StakingContract>(params));
    evm::AnalysisCache cache{16};
    world.set_nonce(staking_address(), 1);
    for (std::uint8_t i = 0; i < 4; ++i)
        world.add_balance(account(i), U256{1} << 80);
    {
        // One validator, written as genesis writes it (the key is not a real one: only
        // createValidator checks keys).
        Meter meter{world, staking_address(), Meter::kUnlimited};
        Store store{meter};
        ValidatorRecord record;
        record.operator_address = account(0);
        record.public_key = Bytes(1952, 0x42);
        record.consensus_address = account(0);
        record.reward_address = account(3);
        record.commission_bps = 1000;
        store.add_validator(record);
        (void)bond(store, record, account(0), U256{5000});
        world.add_balance(staking_address(), U256{5000});
    }
    (void)world.finalize_transaction();

    std::int64_t now = 1'000'000;
    std::int64_t height = 1;
    std::size_t at = 0;
    while (size - at >= 4) {
        const std::uint8_t op = data[at];
        const Address sender = account(data[at + 1]);
        const U256 value = U256{data[at + 2]} << (data[at + 3] % 72);
        at += 4;
        if (op >= 0xf0) {
            // Block-level work, and the clock moves.
            Meter meter{world, staking_address(), Meter::kUnlimited};
            Store store{meter};
            switch (op % 4) {
                case 0:
                    world.add_balance(staking_address(), value);
                    distribute_block_reward(store, sender, value);
                    break;
                case 1:
                    (void)slash(store, sender, data[at - 2] % 110,
                                static_cast<std::uint64_t>(height) - data[at - 1] % 2, 1);
                    break;
                case 2:
                    jail(store, sender, static_cast<std::uint64_t>(now) + data[at - 2], 2);
                    break;
                default:
                    tombstone(store, sender);
                    break;
            }
            (void)world.finalize_transaction();
            now += 5;
            ++height;
            check(world);
            continue;
        }
        const std::size_t length = std::min<std::size_t>(size - at, op % 8 == 0 ? 200 : 68);
        const auto selector = abi::selector(kFunctions[op % kFunctions.size()]);
        Bytes input(selector.begin(), selector.end());
        if (op & 0x80) input.clear();  // raw: no selector of ours
        input.insert(input.end(), data + at, data + at + length);
        at += length;
        // Mostly make the first (and second) argument one of the accounts, so that calls
        // reach past "no such validator" without the fuzzer guessing 20-byte addresses.
        for (std::size_t word = 0; word < 2; ++word) {
            const std::size_t start = input.size() >= 4 ? 4 + 32 * word : input.size();
            if ((op & (0x20 >> word)) == 0 || input.size() < start + 32) continue;
            const Address who = account(input[start]);
            std::fill_n(input.begin() + static_cast<long>(start), 12, std::uint8_t{0});
            std::copy(who.begin(), who.end(), input.begin() + static_cast<long>(start + 12));
        }

        evm::TxContext context;
        context.timestamp = now;
        context.number = height;
        context.chain_id = U256{params.chain_id};
        context.origin = sender;
        state::StateHost host{world, context, {}, cache, &natives};
        evm::Message message;
        message.kind = evm::CallKind::kCall;
        message.is_static = (op & 0x40) != 0;
        message.gas = 3'000'000;
        message.sender = sender;
        message.recipient = staking_address();
        message.code_address = staking_address();
        message.input = input;
        message.value = world.balance(sender) < value ? U256{} : value;
        const auto result = host.call(message);
        if (result.gas_left < 0 || result.gas_left > message.gas) std::abort();
        (void)world.finalize_transaction();
        check(world);
    }
    return 0;
}
