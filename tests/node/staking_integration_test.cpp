// Staking over the real RPC and CLI of `qtmd --dev` (short unbonding and epochs through the
// dev flags): qtm_getStakingParams, qtm_getValidators at a block (the genesis set, then the
// set of the next epoch holding a validator `qtm validator create` registered), and
// `qtm validator pop|create|edit|unjail|delegate|undelegate|withdraw|claim` with their refusals
// (the contract's revert reasons, exit status 1) and bad usage (exit status 2).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <string>

#include "base/hex.hpp"
#include "base/u256.hpp"
#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"
#include "chain/staking/abi.hpp"
#include "chain/staking/contract.hpp"
#include "node_support.hpp"

namespace qtm {
namespace {

using test::CliRun;
using test::Json;
using test::QtmdProcess;

constexpr const char* kUnbondingSeconds = "2";
constexpr std::uint64_t kEpochLength = 6;

std::string field(const std::string& output, const std::string& label) {
    const std::regex line{"(^|\\n)" + label + R"( +(\S+))"};
    std::smatch match;
    return std::regex_search(output, match, line) ? match[2].str() : std::string{};
}

std::string dev_account(std::uint32_t index) {
    const chain::AccountKey key{crypto::SignatureScheme::kMlDsa44, chain::dev_account_seed(index)};
    return chain::to_checksum_address(key.address());
}

class StakingNode : public ::testing::Test {
protected:
    void SetUp() override {
        node_ = std::make_unique<QtmdProcess>(
            dir_.path() / "data",
            std::vector<std::string>{"--block-time", "0.3", "--dev-unbonding-seconds",
                                     kUnbondingSeconds, "--dev-epoch-length",
                                     std::to_string(kEpochLength)});
        rpc_ = " --rpc http://127.0.0.1:" + std::to_string(node_->port());
    }

    Json result(const std::string& method, const Json& params = Json::array()) const {
        const Json answer = node_->call(method, params);
        EXPECT_TRUE(answer.contains("result")) << method << ": " << answer.dump();
        return answer.value("result", Json{});
    }

    // eth_call of a staking view; the returned words.
    U256 view_word(std::string_view function, const chain::abi::Writer& args,
                   std::size_t word = 0) const {
        const auto selector = chain::abi::selector(function);
        Bytes data(selector.begin(), selector.end());
        const Bytes encoded = args.finish();
        data.insert(data.end(), encoded.begin(), encoded.end());
        const Json out =
            result("eth_call",
                   {{{"to", to_hex(chain::staking_address())}, {"input", to_hex(data)}}, "latest"});
        const auto bytes = from_hex(out.get<std::string>());
        if (!bytes || bytes->size() < 32 * (word + 1)) return U256{};
        return U256::from_be_bytes(ByteView{*bytes}.subspan(32 * word, 32));
    }

    std::uint64_t head_time() const {
        const Json block = result("eth_getBlockByNumber", {"latest", false});
        return (*U256::from_hex(block.at("timestamp").get<std::string>()))[0];
    }

    std::string seed_file(const std::string& name, char fill) const {
        const auto path = dir_.path() / name;
        std::ofstream{path} << std::string(64, fill) << "\n";
        return path.string();
    }

    test::TestDir dir_{"qtm-staking"};
    std::unique_ptr<QtmdProcess> node_;
    std::string rpc_;
};

TEST_F(StakingNode, StakingParamsAndTheGenesisSetOverRpc) {
    const Json params = result("qtm_getStakingParams");
    const chain::ChainSpec dev = *chain::builtin_chain_spec("dev");
    EXPECT_EQ(params.at("stakingAddress"), chain::to_checksum_address(chain::staking_address()));
    EXPECT_EQ(params.at("minValidatorStake"), dev.staking.min_validator_stake.to_hex());
    EXPECT_EQ(params.at("maxValidators"), "0x64");
    EXPECT_EQ(params.at("unbondingSeconds"), "0x2");
    EXPECT_EQ(params.at("epochLength"), "0x6");
    EXPECT_EQ(params.at("maxUnbondingEntries"), "0x10");
    EXPECT_EQ(params.at("slashing").at("doubleSignSlashPercent"),
              dev.slashing.double_sign_slash_percent);
    EXPECT_EQ(node_->call("qtm_getStakingParams", Json::array({1})).at("error").at("code"), -32602);

    // The genesis set: the dev validator, its own operator, power = stake in whole QTM.
    const chain::GenesisValidator& genesis = dev.validators.at(0);
    const std::string address = chain::to_checksum_address(genesis.address);
    ASSERT_TRUE(test::wait_until([&] { return result("eth_blockNumber") != "0x0"; },
                                 std::chrono::seconds(30)));
    for (const Json& tag : {Json("0x0"), Json("latest"), Json("0x1")}) {
        const Json set = result("qtm_getValidators", Json::array({tag}));
        ASSERT_EQ(set.at("validators").size(), 1u) << set.dump();
        const Json& member = set.at("validators").at(0);
        EXPECT_EQ(member.at("address"), address);
        EXPECT_EQ(member.at("operator"), address);
        EXPECT_EQ(member.at("scheme"), "0x2");
        EXPECT_EQ(member.at("publicKey"), to_hex(genesis.public_key));
        EXPECT_EQ(member.at("stake"), genesis.stake.to_hex());
        EXPECT_EQ(member.at("votingPower"), (genesis.stake / chain::qtm_to_wei(1)).to_hex());
        EXPECT_EQ(member.at("jailed"), false);
        EXPECT_EQ(set.at("proposer"), address);
        EXPECT_EQ(set.at("totals").at("votingPower"), member.at("votingPower"));
        EXPECT_EQ(set.at("totals").at("bonded"), genesis.stake.to_hex());
        EXPECT_EQ(set.at("totals").at("registeredValidators"), "0x1");
    }
    EXPECT_EQ(result("qtm_getValidators", Json::array({"0x0"})).at("epochStateBlock"), "0x0");
    // The same answer as qtm_validators (the spec's list) for the genesis set.
    EXPECT_EQ(result("qtm_validators").at(0).at("address"), address);
    const Json missing = node_->call("qtm_getValidators", Json::array({"0xffffff"}));
    EXPECT_EQ(missing.at("error").at("message"), "header not found") << missing.dump();
    EXPECT_TRUE(node_->call("qtm_getValidators", {"latest", 1}).contains("error"));
}

TEST_F(StakingNode, ValidatorCommandsCreateDelegateUndelegateWithdrawClaim) {
    const std::string op = dev_account(1);
    const std::string delegator = dev_account(2);
    const std::string consensus_seed = seed_file("consensus", 'c');

    // pop: the key and a proof for an operator and chain.
    const CliRun pop = test::run_qtm("validator pop --consensus-seed-file " + consensus_seed +
                                     " --operator " + op + " --chain-id 7357");
    ASSERT_EQ(pop.status, 0) << pop.err;
    EXPECT_EQ(field(pop.out, "public key").size(), 2 + 2 * 1952u) << pop.out;
    EXPECT_EQ(field(pop.out, "proof of possession").size(), 2 + 2 * 3309u) << pop.out;
    const std::string consensus = field(pop.out, "consensus address");

    // Refusals: below the minimum (the contract's reason), bad usage.
    const CliRun low =
        test::run_qtm("validator create" + rpc_ + " --dev-account 1 --stake 9999qtm " +
                      "--consensus-seed-file " + consensus_seed);
    EXPECT_EQ(low.status, 1);
    EXPECT_NE(low.err.find("staking: self-stake below the minimum of 10000000000000000000000 wei"),
              std::string::npos)
        << low.err;
    EXPECT_EQ(test::run_qtm("validator create" + rpc_ + " --stake 10000qtm --consensus-seed-file " +
                            consensus_seed)
                  .status,
              2);
    EXPECT_EQ(test::run_qtm("validator delegate" + rpc_ + " --dev-account 2 --validator 0x12 " +
                            "--amount 1qtm")
                  .status,
              2);
    EXPECT_EQ(test::run_qtm("validator delegate" + rpc_ + " --dev-account 2 --validator " + op +
                            " --amount 1.5")
                  .status,
              2);
    const CliRun bad_seed = test::run_qtm(
        "validator create" + rpc_ + " --dev-account 1 --stake 10000qtm --consensus-seed-file " +
        (dir_.path() / "absent").string());
    EXPECT_EQ(bad_seed.status, 1);
    EXPECT_NE(bad_seed.err.find("cannot read the seed file"), std::string::npos) << bad_seed.err;

    // create
    const CliRun created =
        test::run_qtm("validator create" + rpc_ + " --dev-account 1 --stake 10000qtm " +
                      "--commission 300 --consensus-seed-file " + consensus_seed);
    ASSERT_EQ(created.status, 0) << created.out << created.err;
    EXPECT_EQ(field(created.out, "status"), "1");
    EXPECT_EQ(field(created.out, "consensus address"), consensus);
    const auto op_address = *from_hex_fixed<20>(op);
    const U256 min_stake = chain::qtm_to_wei(10'000);
    EXPECT_EQ(view_word(chain::staking::signature::kGetDelegation,
                        chain::abi::Writer{}.address(op_address).address(op_address)),
              min_stake);
    const CliRun again =
        test::run_qtm("validator create" + rpc_ + " --dev-account 1 --stake 10000qtm " +
                      "--consensus-seed-file " + consensus_seed);
    EXPECT_EQ(again.status, 1);
    EXPECT_NE(again.err.find("staking: already a validator"), std::string::npos) << again.err;

    // edit: the commission is locked for a day after creation; the reward address is not.
    const CliRun soon =
        test::run_qtm("validator edit" + rpc_ + " --dev-account 1 --commission 301 " +
                      "--reward-address " + dev_account(5));
    EXPECT_EQ(soon.status, 1);
    EXPECT_NE(soon.err.find("staking: commission changed less than 86400 seconds ago"),
              std::string::npos)
        << soon.err;
    const CliRun edited =
        test::run_qtm("validator edit" + rpc_ +
                      " --dev-account 1 --commission 300 --reward-address " + dev_account(5));
    ASSERT_EQ(edited.status, 0) << edited.err;
    // unjail: refused for a validator that is not jailed.
    const CliRun unjail = test::run_qtm("validator unjail" + rpc_ + " --dev-account 1");
    EXPECT_EQ(unjail.status, 1);
    EXPECT_NE(unjail.err.find("staking: not jailed"), std::string::npos) << unjail.err;

    // delegate, undelegate
    const auto delegator_address = *from_hex_fixed<20>(delegator);
    const CliRun delegated = test::run_qtm("validator delegate" + rpc_ + " --dev-account 2 " +
                                           "--validator " + op + " --amount 5qtm");
    ASSERT_EQ(delegated.status, 0) << delegated.err;
    EXPECT_EQ(view_word(chain::staking::signature::kGetDelegation,
                        chain::abi::Writer{}.address(delegator_address).address(op_address)),
              chain::qtm_to_wei(5));
    const CliRun too_much = test::run_qtm("validator undelegate" + rpc_ + " --dev-account 2 " +
                                          "--validator " + op + " --amount 6qtm");
    EXPECT_EQ(too_much.status, 1);
    EXPECT_NE(too_much.err.find("staking: amount above the delegation"), std::string::npos)
        << too_much.err;
    const CliRun undelegated = test::run_qtm("validator undelegate" + rpc_ + " --dev-account 2 " +
                                             "--validator " + op + " --amount 2qtm");
    ASSERT_EQ(undelegated.status, 0) << undelegated.err;
    EXPECT_EQ(view_word(chain::staking::signature::kGetDelegation,
                        chain::abi::Writer{}.address(delegator_address).address(op_address)),
              chain::qtm_to_wei(3));
    const U256 completion = view_word(chain::staking::signature::kGetUnbonding,
                                      chain::abi::Writer{}.address(delegator_address).uint(0), 2);
    ASSERT_TRUE(completion.fits_uint64());

    // withdraw: refused for a sender with no entry; pays the matured entry.
    const CliRun nothing = test::run_qtm("validator withdraw" + rpc_ + " --dev-account 3");
    EXPECT_EQ(nothing.status, 1);
    EXPECT_NE(nothing.err.find("staking: no unbonding entry has matured"), std::string::npos)
        << nothing.err;
    ASSERT_TRUE(
        test::wait_until([&] { return head_time() >= completion[0]; }, std::chrono::seconds(30)));
    const Json before = result("eth_getBalance", {delegator, "latest"});
    const CliRun withdrawn = test::run_qtm("validator withdraw" + rpc_ + " --dev-account 2");
    ASSERT_EQ(withdrawn.status, 0) << withdrawn.err;
    const U256 gained =
        *U256::from_hex(result("eth_getBalance", {delegator, "latest"}).get<std::string>());
    EXPECT_GT(gained, *U256::from_hex(before.get<std::string>()));  // 2 QTM back, minus the fee
    EXPECT_EQ(view_word(chain::staking::signature::kUnbondingCount,
                        chain::abi::Writer{}.address(delegator_address)),
              U256{});

    // The next epoch's set holds the new validator (stake 10,003 QTM at the boundary or more).
    const std::uint64_t head = (*U256::from_hex(result("eth_blockNumber").get<std::string>()))[0];
    const std::uint64_t target = (head / kEpochLength + 1) * kEpochLength + 1;
    ASSERT_TRUE(test::wait_until(
        [&] {
            return (*U256::from_hex(result("eth_blockNumber").get<std::string>()))[0] >= target;
        },
        std::chrono::seconds(30)));
    const Json set = result("qtm_getValidators", {U256{target}.to_hex()});
    ASSERT_EQ(set.at("validators").size(), 2u) << set.dump();
    bool found = false;
    for (const Json& member : set.at("validators")) {
        if (member.at("address") != consensus) continue;
        found = true;
        EXPECT_EQ(member.at("operator"), op);
        EXPECT_EQ(member.at("commissionBps"), "0x12c");
        EXPECT_EQ(member.at("rewardAddress"), dev_account(5));
        EXPECT_EQ(member.at("votingPower"), "0x2713");  // 10,003 QTM
    }
    EXPECT_TRUE(found) << set.dump();

    // claim: rewards of a delegation to the dev validator (the only proposer).
    const std::string proposer =
        result("qtm_getValidators", Json::array({"latest"})).at("proposer");
    const CliRun to_proposer = test::run_qtm("validator delegate" + rpc_ + " --dev-account 4 " +
                                             "--validator " + proposer + " --amount 100qtm");
    ASSERT_EQ(to_proposer.status, 0) << to_proposer.err;
    const CliRun claimed =
        test::run_qtm("validator claim" + rpc_ + " --dev-account 4 --validator " + proposer);
    ASSERT_EQ(claimed.status, 0) << claimed.err;
    EXPECT_EQ(field(claimed.out, "status"), "1");
    // Its receipt holds RewardsClaimed(delegator, validator, amount > 0).
    const Json receipt =
        result("eth_getTransactionReceipt", Json::array({field(claimed.out, "transaction")}));
    ASSERT_EQ(receipt.at("logs").size(), 1u) << receipt.dump();
    const Json& log = receipt.at("logs").at(0);
    EXPECT_EQ(log.at("topics").at(0),
              to_hex(chain::abi::event_topic(chain::staking::signature::kRewardsClaimed)));
    EXPECT_EQ(log.at("topics").at(1), to_hex(chain::abi::word_topic(chain::abi::address_word(
                                          *from_hex_fixed<20>(dev_account(4))))));
    const auto amount = from_hex(log.at("data").get<std::string>());
    ASSERT_TRUE(amount && amount->size() == 32);
    EXPECT_GT(U256::from_be_bytes(*amount), U256{});
}

TEST(StakingCli, HelpAndAbi) {
    const CliRun help = test::run_qtm("validator --help");
    EXPECT_EQ(help.status, 0);
    for (const char* command : {"pop", "create", "edit", "delegate", "undelegate", "withdraw",
                                "claim", "unjail", "abi"}) {
        EXPECT_NE(help.out.find(command), std::string::npos) << command;
    }
    const CliRun abi = test::run_qtm("validator abi");
    ASSERT_EQ(abi.status, 0) << abi.err;
    const Json parsed = Json::parse(abi.out);
    bool delegate = false;
    for (const Json& function : parsed.at("functions")) {
        if (function.at("signature") == "delegate(address)") {
            delegate = true;
            EXPECT_EQ(function.at("selector"), "0x5c19a95c");  // keccak256("delegate(address)")[:4]
        }
    }
    EXPECT_TRUE(delegate);
}

}  // namespace
}  // namespace qtm
