// `qtm` for running a network: `node-key new` (a node's p2p identity), `validator new` (a
// consensus key in an encrypted keystore with its proof of possession), `spec validate`
// (the node's own spec loader: chain::load_chain_spec and the genesis build) and
// `testnet init` (testnet_commands.cpp: a spec, keys and node.toml for N local validators,
// as `cometbft testnet` does).
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "commands.hpp"

namespace qtm::cli {

// A fresh ML-DSA-65 consensus key written into `dir`: kConsensusKeystore (the seed
// encrypted under `password`, 0600) and kValidatorInfo (public: scheme, address, public key,
// operator, chain id, proof of possession; 0644). Refuses to overwrite either file.
inline constexpr const char* kConsensusKeystore = "consensus_key.json";
inline constexpr const char* kValidatorInfo = "validator.json";
struct ValidatorKey {
    Address address{};
    Bytes public_key;
    Address operator_address{};
    Bytes proof_of_possession;  // over staking::pop_message(operator, chain id)
    std::string info_json;      // what kValidatorInfo holds
};
[[nodiscard]] Result<ValidatorKey, std::string> make_validator_key(
    const std::filesystem::path& dir, std::string_view password, std::uint64_t chain_id,
    const std::optional<Address>& operator_address);

// `path` created with `mode` (O_EXCL: never over an existing file), written and synced.
[[nodiscard]] Result<void, std::string> write_new_file(const std::filesystem::path& path,
                                                       std::string_view text, unsigned mode);

struct TestnetOptions {
    std::uint32_t validators{4};
    std::string out;
    std::uint64_t chain_id{7360};
    std::uint64_t block_time_ms{2000};
    std::uint64_t gas_limit{30'000'000};
    std::uint64_t max_block_bytes{4u << 20};
    std::uint32_t base_port{30300};
    std::string host{"127.0.0.1"};
    bool force{false};
};
int testnet_init(const TestnetOptions& options);

class NetworkCli {
public:
    // Adds `node-key new`, `validator new` (into the existing `validator` command),
    // `spec validate` (into `spec`) and `testnet init`.
    explicit NetworkCli(CLI::App& app);
    NetworkCli(const NetworkCli&) = delete;
    NetworkCli& operator=(const NetworkCli&) = delete;
    // The exit status of the chosen command; nullopt if none of these was chosen.
    [[nodiscard]] std::optional<int> run() const;

private:
    std::string out_;
    std::uint64_t chain_id_{0};
    std::string operator_;
    PasswordSource password_;
    std::string spec_file_;
    TestnetOptions testnet_;
    CLI::App* node_key_new_{nullptr};
    CLI::App* validator_new_{nullptr};
    CLI::App* spec_validate_{nullptr};
    CLI::App* testnet_init_{nullptr};
};

}  // namespace qtm::cli
