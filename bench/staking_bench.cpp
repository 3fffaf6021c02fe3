// Staking benchmark (issue 14): what the staking system contract adds to a block and to an
// epoch transition, on a state holding V validators and D delegators (each delegator bonded
// to one validator, round robin), built through the contract itself (createValidator with
// real ML-DSA-65 keys and proofs, then D delegate calls).
//
// Block rows: per block, a fresh WorldState at the parent's root (as the executor opens
// it), a few staking transactions through the real StateHost (4 delegate + 2 undelegate +
// 1 claimRewards), the per-block reward distribution to the proposer's validator
// (distribute_block_reward, as pay_block_reward runs it), commit() into a write
// batch and its write; the median over --blocks blocks, split into those parts.
// Epoch row: select_active_set (the top maxValidators by bonded stake, keys read for the
// chosen ones, ValidatorSet::create) on a fresh WorldState at the committed root; median
// over --epochs runs.
//
//   build/bin/qtm-bench-staking [--blocks 50] [--epochs 20]
// The database is the in-memory one (storage::make_memory_database): the numbers are the
// contract's and the tries' work, without RocksDB's I/O.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/endian.hpp"
#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"
#include "chain/staking/abi.hpp"
#include "chain/staking/active_set.hpp"
#include "chain/staking/contract.hpp"
#include "chain/staking/penalties.hpp"
#include "chain/staking/store.hpp"
#include "evm/analysis.hpp"
#include "state/state_host.hpp"
#include "state/world_state.hpp"
#include "storage/database.hpp"
#include "trie/trie.hpp"

namespace {

using namespace qtm;
using namespace qtm::chain;
using Clock = std::chrono::steady_clock;

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "qtm-bench-staking: %s\n", what.c_str());
    std::exit(1);
}

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values.empty() ? 0 : values[values.size() / 2];
}

Address numbered(std::uint8_t tag, std::uint64_t i) {
    Address address{};
    address[0] = tag;
    store_be64(address.data() + 12, i);
    return address;
}
Address operator_address(std::uint64_t i) {
    return numbered(0x0a, i);
}
Address delegator_address(std::uint64_t i) {
    return numbered(0xde, i);
}

Bytes call_data(std::string_view function, const abi::Writer& args) {
    const auto selector = abi::selector(function);
    Bytes data(selector.begin(), selector.end());
    const Bytes encoded = args.finish();
    data.insert(data.end(), encoded.begin(), encoded.end());
    return data;
}

// A chain with V validators and D delegators in its state, and the ways to run calls on it.
class StakingChain {
public:
    StakingChain(std::uint64_t validators, std::uint64_t delegators)
        : db_{storage::make_memory_database()}, root_{trie::kEmptyRoot} {
        spec_ = *builtin_chain_spec("dev");
        spec_.staking.max_validators = 100;
        params_ = staking::contract_params(spec_);
        natives_.add(staking_address(), std::make_shared<staking::StakingContract>(params_));
        const U256 stake = spec_.staking.min_validator_stake;
        block([&](state::WorldState& world) {
            for (std::uint64_t i = 0; i < validators; ++i) {
                ByteArray<32> seed{};
                store_be64(seed.data(), i + 1);
                const AccountKey key{crypto::SignatureScheme::kMlDsa65, seed};
                consensus_.push_back(key.address());
                const Address op = operator_address(i);
                world.add_balance(op, stake * U256{2});
                const Bytes pop =
                    key.sign(staking::pop_message(op, spec_.chain_id), staking::kPopContext);
                // Stakes differ so that the active set is a real choice.
                expect(world, op,
                       call_data(staking::signature::kCreateValidator, abi::Writer{}
                                                                           .uint(2)
                                                                           .bytes(key.public_key())
                                                                           .bytes(pop)
                                                                           .address(op)
                                                                           .uint(500)),
                       stake + U256{i});
            }
        });
        block([&](state::WorldState& world) {
            for (std::uint64_t d = 0; d < delegators; ++d) {
                const Address who = delegator_address(d);
                world.add_balance(who, qtm_to_wei(1000));
                expect(world, who, delegate_data(d % validators), qtm_to_wei(100));
            }
        });
        validators_ = validators;
        delegators_ = delegators;
    }

    Bytes delegate_data(std::uint64_t validator) const {
        return call_data(staking::signature::kDelegate,
                         abi::Writer{}.address(operator_address(validator)));
    }
    Bytes claim_data(std::uint64_t validator) const {
        return call_data(staking::signature::kClaimRewards,
                         abi::Writer{}.address(operator_address(validator)));
    }
    Bytes undelegate_data(std::uint64_t validator, const U256& amount) const {
        return call_data(staking::signature::kUndelegate,
                         abi::Writer{}.address(operator_address(validator)).word(amount));
    }

    // One staking transaction's top frame from `sender`; the status.
    evm::Status call(state::WorldState& world, const Address& sender, const Bytes& data,
                     const U256& value) {
        evm::TxContext context;
        context.timestamp = static_cast<std::int64_t>(timestamp_);
        context.chain_id = U256{spec_.chain_id};
        context.origin = sender;
        state::StateHost host{world, context, {}, cache_, &natives_};
        evm::Message message;
        message.gas = 5'000'000;
        message.sender = sender;
        message.recipient = staking_address();
        message.code_address = staking_address();
        message.input = data;
        message.value = value;
        const evm::Status status = host.call(message).status;
        (void)world.finalize_transaction();
        return status;
    }
    void expect(state::WorldState& world, const Address& sender, const Bytes& data,
                const U256& value) {
        if (call(world, sender, data, value) != evm::Status::kSuccess) {
            fail("a set-up call of the staking contract failed");
        }
    }

    // Runs `body` on a fresh WorldState at the head's root and commits it as the next block.
    struct Timing {
        double body{0};
        double commit{0};
    };
    Timing block(const std::function<void(state::WorldState&)>& body) {
        ++timestamp_;
        state::WorldState world{*db_, root_};
        const auto start = Clock::now();
        body(world);
        const double body_ms = ms_since(start);
        const auto commit_start = Clock::now();
        storage::WriteBatch batch;
        auto root = world.commit(batch);
        if (!root) fail("commit failed: " + root.error().message);
        if (!db_->write(batch, false)) fail("write failed");
        root_ = *root;
        return {body_ms, ms_since(commit_start)};
    }

    [[nodiscard]] std::uint64_t validators() const { return validators_; }
    [[nodiscard]] std::uint64_t delegators() const { return delegators_; }
    [[nodiscard]] const Address& consensus(std::uint64_t i) const { return consensus_.at(i); }
    [[nodiscard]] const ChainSpec& spec() const { return spec_; }
    [[nodiscard]] storage::Database& db() { return *db_; }
    [[nodiscard]] const Hash32& root() const { return root_; }

private:
    std::unique_ptr<storage::Database> db_;
    Hash32 root_;
    ChainSpec spec_;
    staking::ContractParams params_;
    state::NativeContracts natives_;
    evm::AnalysisCache cache_{16};
    std::vector<Address> consensus_;
    std::uint64_t validators_{0};
    std::uint64_t delegators_{0};
    std::uint64_t timestamp_{1'800'000'000};
};

void block_rows(std::uint64_t validators, std::uint64_t delegators, int blocks) {
    const auto setup_start = Clock::now();
    StakingChain chain{validators, delegators};
    const double setup_ms = ms_since(setup_start);
    std::vector<double> txs;
    std::vector<double> rewards;
    std::vector<double> commits;
    std::vector<double> totals;
    std::uint64_t next = 0;
    for (int b = 0; b <= blocks; ++b) {
        double tx_ms = 0;
        double reward_ms = 0;
        const auto timing = chain.block([&](state::WorldState& world) {
            const auto start = Clock::now();
            for (int t = 0; t < 4; ++t, ++next) {
                const std::uint64_t d = next % chain.delegators();
                if (chain.call(world, delegator_address(d), chain.delegate_data(d % validators),
                               qtm_to_wei(1)) != evm::Status::kSuccess)
                    fail("delegate failed");
            }
            for (int t = 0; t < 2; ++t, ++next) {
                const std::uint64_t d = next % chain.delegators();
                if (chain.call(world, delegator_address(d),
                               chain.undelegate_data(d % validators, qtm_to_wei(1) / U256{2}),
                               U256{}) != evm::Status::kSuccess)
                    fail("undelegate failed");
            }
            if (b > 0) {
                // A delegator of the previous block's proposer, which has rewards to claim.
                const std::uint64_t v = static_cast<std::uint64_t>(b - 1) % validators;
                const std::uint64_t d = v + validators * (static_cast<std::uint64_t>(b) %
                                                          (chain.delegators() / validators));
                if (chain.call(world, delegator_address(d), chain.claim_data(v), U256{}) !=
                    evm::Status::kSuccess)
                    fail("claimRewards failed");
            }
            tx_ms = ms_since(start);
            // As pay_block_reward does at a block's end: the reward minted to the staking
            // address, then distributed to the proposer's validator (round robin here).
            const auto reward_start = Clock::now();
            const U256 reward = chain.spec().block_reward;
            world.add_balance(staking_address(), reward);
            staking::Meter meter{world, staking_address(), staking::Meter::kUnlimited};
            staking::Store store{meter};
            staking::distribute_block_reward(
                store, chain.consensus(static_cast<std::uint64_t>(b) % validators), reward);
            (void)world.finalize_transaction();
            reward_ms = ms_since(reward_start);
        });
        if (b == 0) continue;  // a warm-up block: nothing to claim yet
        txs.push_back(tx_ms);
        rewards.push_back(reward_ms);
        commits.push_back(timing.commit);
        totals.push_back(timing.body + timing.commit);
    }
    std::printf(
        "| block | %llu | %llu | 4 delegate + 2 undelegate + 1 claimRewards | %.3f | %.3f | %.3f | "
        "%.3f | %.0f |\n",
        static_cast<unsigned long long>(validators), static_cast<unsigned long long>(delegators),
        median(txs), median(rewards), median(commits), median(totals), setup_ms);
}

void epoch_row(std::uint64_t validators, std::uint64_t delegators, int epochs) {
    const auto setup_start = Clock::now();
    StakingChain chain{validators, delegators};
    const double setup_ms = ms_since(setup_start);
    std::vector<double> runs;
    std::size_t chosen = 0;
    for (int e = 0; e < epochs; ++e) {
        state::WorldState world{chain.db(), chain.root()};
        const auto start = Clock::now();
        auto set = staking::select_active_set(world, chain.spec().staking);
        runs.push_back(ms_since(start));
        if (!set) fail("select_active_set failed");
        chosen = set->size();
    }
    std::printf(
        "| epoch (select_active_set, %zu chosen) | %llu | %llu | - | - | - | - | %.3f | %.0f |\n",
        chosen, static_cast<unsigned long long>(validators),
        static_cast<unsigned long long>(delegators), median(runs), setup_ms);
}

}  // namespace

int main(int argc, char** argv) {
    int blocks = 50;
    int epochs = 20;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--blocks")
            blocks = std::atoi(argv[i + 1]);
        else if (flag == "--epochs")
            epochs = std::atoi(argv[i + 1]);
        else
            fail("unknown flag " + flag + " (see the comment at the top of the source)");
    }
    if (blocks < 1 || epochs < 1) fail("--blocks and --epochs must be at least 1");
    std::printf(
        "| what | validators | delegators | transactions | txs ms | reward ms | commit ms | total "
        "ms | set-up ms |\n|---|---|---|---|---|---|---|---|---|\n");
    block_rows(100, 10'000, blocks);
    epoch_row(150, 10'000, epochs);
    return 0;
}
