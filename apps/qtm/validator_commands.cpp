#include "validator_commands.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/hex.hpp"
#include "chain/keys.hpp"
#include "chain/keystore.hpp"
#include "chain/staking/abi.hpp"
#include "chain/staking/contract.hpp"
#include "rpc_client.hpp"

namespace qtm::cli {

namespace {

namespace abi = chain::abi;
namespace signature = chain::staking::signature;

constexpr int kFailure = 1;
constexpr int kUsage = 2;

int usage(const std::string& message) {
    std::fprintf(stderr, "qtm: %s\n", message.c_str());
    return kUsage;
}

int failed(const std::string& message) {
    std::fprintf(stderr, "qtm: %s\n", message.c_str());
    return kFailure;
}

Bytes call_data(std::string_view function, const Bytes& arguments) {
    const abi::Selector selector = abi::selector(function);
    Bytes data(selector.size() + arguments.size());
    std::copy(selector.begin(), selector.end(), data.begin());
    std::copy(arguments.begin(), arguments.end(), data.begin() + selector.size());
    return data;
}

// The sender's address without decrypting its key (the proof of possession names it).
Result<Address, std::string> sender_address(const SendOptions& options) {
    if (options.dev_account.has_value() == !options.keystore.empty()) {
        return unexpected(
            std::string{"give the sender with either --keystore FILE or --dev-account N"});
    }
    if (options.dev_account) {
        if (*options.dev_account >= chain::kDevAccountCount) {
            return unexpected("--dev-account must be 0.." +
                              std::to_string(chain::kDevAccountCount - 1));
        }
        auto seed = chain::dev_account_seed(*options.dev_account);
        const chain::AccountKey key{crypto::SignatureScheme::kMlDsa44, seed};
        secure_wipe(seed.data(), seed.size());
        return key.address();
    }
    std::ifstream in{options.keystore, std::ios::binary};
    if (!in) return unexpected("cannot read the keystore " + options.keystore);
    std::ostringstream text;
    text << in.rdbuf();
    const auto info = chain::inspect_keystore(text.str());
    if (!info) return unexpected(options.keystore + ": " + info.error().message);
    return info->address;
}

// The consensus key (ML-DSA-65) of a seed file's seed and its proof of possession.
struct ConsensusKey {
    Bytes public_key;
    Address address;
    Bytes proof;
};
std::optional<ConsensusKey> consensus_key(const std::string& seed_file,
                                          const Address& operator_address, std::uint64_t chain_id) {
    auto seed = read_seed(seed_file);
    if (!seed) return std::nullopt;  // read_seed printed why
    const chain::AccountKey key{crypto::SignatureScheme::kMlDsa65, *seed};
    secure_wipe(seed->data(), seed->size());
    return ConsensusKey{key.public_key(), key.address(),
                        key.sign(chain::staking::pop_message(operator_address, chain_id),
                                 chain::staking::kPopContext)};
}

}  // namespace

ValidatorCli::ValidatorCli(CLI::App& app, const std::string& default_rpc,
                           const std::string& amount_help) {
    auto* validator = app.add_subcommand(
        "validator", "Stake with the staking contract: create a validator, delegate, withdraw");
    validator->require_subcommand(1);
    validator->footer(
        "Each command but pop and abi sends one transaction to the staking contract at " +
        chain::to_checksum_address(chain::staking_address()) +
        " (docs/staking.md), signed here as `qtm send` signs, and waits for its receipt. A "
        "refusal is the contract's revert reason (\"staking: …\"), exit status 1.\n" +
        amount_help + "\n");

    pop_ = validator->add_subcommand(
        "pop", "Print a consensus key (ML-DSA-65) and its proof of possession for an operator");
    pop_->add_option("--consensus-seed-file", consensus_seed_file_,
                     "File holding the consensus key's 32-byte seed as hex")
        ->required();
    pop_->add_option("--operator", operator_, "The operator address that will call createValidator")
        ->required();
    pop_->add_option("--chain-id", chain_id_, "The chain id the proof is for")->required();

    create_ = validator->add_subcommand(
        "create", "Register the sender as a validator (createValidator) with a self-stake");
    create_
        ->add_option("--consensus-seed-file", consensus_seed_file_,
                     "File holding the consensus key's 32-byte seed as hex (ML-DSA-65)")
        ->required();
    create_->add_option("--stake", stake_, "Self-stake, an AMOUNT (at least minValidatorStake)")
        ->required();
    create_->add_option("--commission", commission_, "Commission in basis points (default 0)")
        ->check(CLI::Range(0, 65535));
    create_->add_option("--reward-address", reward_,
                        "Where commission is paid (default: the sender)");
    add_sender_options(create_, default_rpc);

    edit_ = validator->add_subcommand(
        "edit", "Change the sender's validator's reward address and commission (editValidator)");
    edit_->add_option("--commission", commission_, "Commission in basis points")
        ->required()
        ->check(CLI::Range(0, 65535));
    edit_->add_option("--reward-address", reward_, "Where commission is paid")->required();
    add_sender_options(edit_, default_rpc);

    delegate_ = validator->add_subcommand("delegate", "Bond an amount to a validator (delegate)");
    delegate_->add_option("--validator", validator_, "The validator's operator address")
        ->required();
    delegate_->add_option("--amount", amount_, "The AMOUNT to bond")->required();
    add_sender_options(delegate_, default_rpc);

    undelegate_ = validator->add_subcommand(
        "undelegate", "Start unbonding part of a delegation (undelegate); withdraw it later");
    undelegate_->add_option("--validator", validator_, "The validator's operator address")
        ->required();
    undelegate_->add_option("--amount", amount_, "The AMOUNT to unbond")->required();
    add_sender_options(undelegate_, default_rpc);

    withdraw_ = validator->add_subcommand(
        "withdraw", "Pay out every unbonding entry of the sender that has matured (withdraw)");
    add_sender_options(withdraw_, default_rpc);

    claim_ = validator->add_subcommand(
        "claim", "Pay out the sender's rewards from its delegation to a validator (claimRewards)");
    claim_->add_option("--validator", validator_, "The validator's operator address")->required();
    add_sender_options(claim_, default_rpc);

    unjail_ = validator->add_subcommand(
        "unjail", "Take the sender's validator out of jail once its jail time has passed");
    add_sender_options(unjail_, default_rpc);

    abi_ = validator->add_subcommand(
        "abi", "Print the staking contract's function selectors and event topics as JSON");
}

void ValidatorCli::add_sender_options(CLI::App* command, const std::string& default_rpc) {
    sender_.rpc = default_rpc;
    command->add_option("--rpc", sender_.rpc, "The node's JSON-RPC endpoint (http:// only)")
        ->capture_default_str();
    auto* keystore =
        command->add_option("--keystore", sender_.keystore, "Sign with the key of this keystore");
    command
        ->add_option("--password-file", sender_.password.file,
                     "Read the keystore password from this file (else prompt)")
        ->needs(keystore);
    command
        ->add_option("--dev-account", sender_.dev_account,
                     "Sign with dev account N (0-9; public test keys, dev chains only)")
        ->excludes(keystore);
    command->add_option("--gas", sender_.gas, "Gas limit (default: eth_estimateGas)");
    command->add_option("--max-fee", sender_.max_fee, "Fee cap per gas, an AMOUNT");
    command->add_option("--tip", sender_.tip, "Priority fee per gas, an AMOUNT");
    command->add_option("--nonce", sender_.nonce, "Nonce (default: the sender's pending nonce)");
    command->add_flag("--no-wait", sender_.no_wait, "Return after sending, without the receipt");
}

int ValidatorCli::send_call(const Bytes& data, const std::string& value) const {
    SendOptions options = sender_;
    options.to = chain::to_checksum_address(chain::staking_address());
    options.data = to_hex(data);
    options.value = value;
    return send(options);
}

int ValidatorCli::pop() const {
    const auto operator_address = parse_address_option(operator_, "--operator");
    if (!operator_address) return usage(operator_address.error());
    const auto key = consensus_key(consensus_seed_file_, *operator_address, chain_id_);
    if (!key) return kFailure;
    std::printf("consensus address    %s\npublic key           %s\nproof of possession  %s\n",
                chain::to_checksum_address(key->address).c_str(), to_hex(key->public_key).c_str(),
                to_hex(key->proof).c_str());
    return 0;
}

int ValidatorCli::create() const {
    const auto stake = parse_amount_option(stake_, "--stake");
    if (!stake) return usage(stake.error());
    const auto sender = sender_address(sender_);
    if (!sender) return usage(sender.error());
    Address reward = *sender;
    if (!reward_.empty()) {
        const auto parsed = parse_address_option(reward_, "--reward-address");
        if (!parsed) return usage(parsed.error());
        reward = *parsed;
    }
    auto url = parse_rpc_url(sender_.rpc);
    if (!url) return usage(url.error());
    RpcClient client{std::move(*url)};
    const auto chain_id = client.call("eth_chainId");
    if (!chain_id) return failed("eth_chainId: " + chain_id.error().message);
    if (!chain_id->is_string()) return failed("the node's chain id is not a quantity");
    const auto id = U256::from_hex(chain_id->get<std::string>());
    if (!id || !id->fits_uint64()) return failed("the node's chain id is not a quantity");
    const auto key = consensus_key(consensus_seed_file_, *sender, (*id)[0]);
    if (!key) return kFailure;
    std::printf("consensus address  %s\n", chain::to_checksum_address(key->address).c_str());
    const Bytes arguments = abi::Writer{}
                                .uint(crypto::to_byte(crypto::SignatureScheme::kMlDsa65))
                                .bytes(key->public_key)
                                .bytes(key->proof)
                                .address(reward)
                                .uint(commission_)
                                .finish();
    return send_call(call_data(signature::kCreateValidator, arguments), stake_);
}

std::optional<int> ValidatorCli::run() const {
    const auto validator_address = [&]() {
        return parse_address_option(validator_, "--validator");
    };
    if (*pop_) return pop();
    if (*create_) return create();
    if (*edit_) {
        const auto reward = parse_address_option(reward_, "--reward-address");
        if (!reward) return usage(reward.error());
        return send_call(call_data(signature::kEditValidator,
                                   abi::Writer{}.address(*reward).uint(commission_).finish()),
                         "");
    }
    if (*delegate_) {
        const auto validator = validator_address();
        if (!validator) return usage(validator.error());
        const auto amount = parse_amount_option(amount_, "--amount");
        if (!amount) return usage(amount.error());
        return send_call(
            call_data(signature::kDelegate, abi::Writer{}.address(*validator).finish()), amount_);
    }
    if (*undelegate_) {
        const auto validator = validator_address();
        if (!validator) return usage(validator.error());
        const auto amount = parse_amount_option(amount_, "--amount");
        if (!amount) return usage(amount.error());
        return send_call(call_data(signature::kUndelegate,
                                   abi::Writer{}.address(*validator).word(*amount).finish()),
                         "");
    }
    if (*withdraw_) return send_call(call_data(signature::kWithdraw, {}), "");
    if (*claim_) {
        const auto validator = validator_address();
        if (!validator) return usage(validator.error());
        return send_call(
            call_data(signature::kClaimRewards, abi::Writer{}.address(*validator).finish()), "");
    }
    if (*unjail_) return send_call(call_data(signature::kUnjail, {}), "");
    if (*abi_) {
        nlohmann::ordered_json out{
            {"address", chain::to_checksum_address(chain::staking_address())},
            {"functions", nlohmann::ordered_json::array()},
            {"events", nlohmann::ordered_json::array()}};
        for (const auto function : chain::staking::function_signatures()) {
            out["functions"].push_back(
                {{"signature", function}, {"selector", to_hex(abi::selector(function))}});
        }
        for (const auto event : chain::staking::event_signatures()) {
            out["events"].push_back(
                {{"signature", event}, {"topic", to_hex(abi::event_topic(event))}});
        }
        std::printf("%s\n", out.dump(2).c_str());
        return 0;
    }
    return std::nullopt;
}

}  // namespace qtm::cli
