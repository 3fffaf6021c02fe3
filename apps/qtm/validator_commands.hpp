// `qtm validator …`: the staking contract (docs/staking.md) from the command line. `pop`
// makes a consensus key's proof of possession; create, edit, delegate, undelegate, withdraw,
// claim and unjail send a signed transaction to the staking address through `qtm send`'s path
// (keystore or dev account, fees and gas asked from the node); `abi` prints the contract's
// function selectors and event topics as the node dispatches and emits them.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "commands.hpp"

namespace qtm::cli {

class ValidatorCli {
public:
    // Adds the `validator` subcommand and its subcommands to `app`.
    ValidatorCli(CLI::App& app, const std::string& default_rpc, const std::string& amount_help);
    ValidatorCli(const ValidatorCli&) = delete;
    ValidatorCli& operator=(const ValidatorCli&) = delete;

    // The exit status of the chosen `validator` subcommand; nullopt if none was chosen.
    [[nodiscard]] std::optional<int> run() const;

private:
    void add_sender_options(CLI::App* command, const std::string& default_rpc);
    [[nodiscard]] int create() const;
    [[nodiscard]] int pop() const;
    [[nodiscard]] int send_call(const Bytes& data, const std::string& value) const;

    SendOptions sender_;
    std::string consensus_seed_file_;
    std::string operator_;
    std::uint64_t chain_id_{0};
    std::string stake_;
    std::string amount_;
    std::string validator_;
    std::string reward_;
    std::uint32_t commission_{0};

    CLI::App* pop_{nullptr};
    CLI::App* create_{nullptr};
    CLI::App* edit_{nullptr};
    CLI::App* delegate_{nullptr};
    CLI::App* undelegate_{nullptr};
    CLI::App* withdraw_{nullptr};
    CLI::App* claim_{nullptr};
    CLI::App* unjail_{nullptr};
    CLI::App* abi_{nullptr};
};

}  // namespace qtm::cli
