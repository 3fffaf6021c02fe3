#include "network_commands.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "base/hex.hpp"
#include "chain/block_limits.hpp"
#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"
#include "chain/keystore.hpp"
#include "chain/staking/contract.hpp"
#include "crypto/random.hpp"
#include "p2p/node_key_file.hpp"

namespace qtm::cli {

namespace {

int failed(const std::string& message) {
    std::fprintf(stderr, "qtm: %s\n", message.c_str());
    return 1;
}

int node_key_new(const std::string& out) {
    std::error_code error;
    if (std::filesystem::exists(out, error)) {
        return failed(out + " already exists; refusing to overwrite a node key");
    }
    // The node's own loader creates it (0600, O_EXCL) exactly as qtmd does on first start.
    auto key = p2p::load_or_create_node_key(out);
    if (!key) return failed(out + ": " + std::string{p2p::to_string(key.error())});
    std::printf("node id   %s\nnode key  %s\n", p2p::to_string(key->id()).c_str(), out.c_str());
    return 0;
}

int validator_new(const std::string& out, std::uint64_t chain_id, const std::string& operator_text,
                  const PasswordSource& source) {
    std::optional<Address> operator_address;
    if (!operator_text.empty()) {
        auto parsed = parse_address_option(operator_text, "--operator");
        if (!parsed) {
            std::fprintf(stderr, "qtm: %s\n", parsed.error().c_str());
            return 2;
        }
        operator_address = *parsed;
    }
    std::error_code error;
    std::filesystem::create_directories(out, error);
    if (error) return failed("cannot create " + out + ": " + error.message());
    for (const char* name : {kConsensusKeystore, kValidatorInfo}) {
        if (std::filesystem::exists(std::filesystem::path{out} / name)) {
            return failed((std::filesystem::path{out} / name).string() +
                          " already exists; refusing to overwrite a validator key");
        }
    }
    auto password = read_password(source, true);
    if (!password) return 1;
    std::fprintf(stderr, "encrypting (scrypt, about a second)...\n");
    auto key = make_validator_key(out, *password, chain_id, operator_address);
    secure_wipe(password->data(), password->size());
    if (!key) return failed(key.error());
    std::printf("%s\n", key->info_json.c_str());
    return 0;
}

int spec_validate(const std::string& file) {
    // The loader qtmd uses (qtmd/network_mode.cpp): every field rule, then the genesis build
    // (the staking registration and the first validator set).
    auto spec = chain::load_chain_spec(file);
    if (!spec) return failed(spec.error().message);
    auto genesis = chain::genesis_hash(*spec);
    if (!genesis) return failed(file + ": " + genesis.error().message);
    U256 stake{};
    for (const auto& validator : spec->validators)
        stake = stake + validator.stake;
    std::printf(
        "%s: valid\nname          %s\nchain id      %llu\nvalidators    %zu (total stake %s "
        "wei)\naccounts      %zu\nblock time    %llu ms\ngenesis hash  %s\n",
        file.c_str(), spec->name.c_str(), static_cast<unsigned long long>(spec->chain_id),
        spec->validators.size(), stake.to_decimal().c_str(), spec->alloc.size(),
        static_cast<unsigned long long>(spec->block_time_ms), to_hex(*genesis).c_str());
    return 0;
}

}  // namespace

Result<void, std::string> write_new_file(const std::filesystem::path& path, std::string_view text,
                                         unsigned mode) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) return unexpected("cannot create " + path.string() + " (exists, or no access)");
    bool ok = ::fchmod(fd, mode) == 0 &&
              ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
              ::fsync(fd) == 0;
    ok = ::close(fd) == 0 && ok;
    if (!ok) {
        std::filesystem::remove(path);
        return unexpected("cannot write " + path.string());
    }
    return {};
}

Result<ValidatorKey, std::string> make_validator_key(
    const std::filesystem::path& dir, std::string_view password, std::uint64_t chain_id,
    const std::optional<Address>& operator_address) {
    constexpr auto kScheme = crypto::SignatureScheme::kMlDsa65;
    auto seed = crypto::random_array<32>();
    auto keystore = chain::encrypt_keystore(kScheme, seed, password);
    const chain::AccountKey key{kScheme, seed};
    secure_wipe(seed.data(), seed.size());
    if (!keystore) return unexpected(keystore.error().message);
    ValidatorKey made;
    made.address = key.address();
    made.public_key = key.public_key();
    // A genesis validator's operator is its key's own address (chain/staking/genesis.hpp).
    made.operator_address = operator_address.value_or(key.address());
    made.proof_of_possession = key.sign(
        chain::staking::pop_message(made.operator_address, chain_id), chain::staking::kPopContext);
    const nlohmann::ordered_json info{
        {"scheme", std::string{crypto::to_string(kScheme)}},
        {"address", chain::to_checksum_address(made.address)},
        {"publicKey", to_hex(made.public_key)},
        {"operator", chain::to_checksum_address(made.operator_address)},
        {"chainId", chain_id},
        {"proofOfPossession", to_hex(made.proof_of_possession)},
        {"keystore", kConsensusKeystore}};
    made.info_json = info.dump(2);
    if (auto written = write_new_file(dir / kConsensusKeystore, *keystore, 0600); !written) {
        return unexpected(written.error());
    }
    if (auto written = write_new_file(dir / kValidatorInfo, made.info_json + "\n", 0644);
        !written) {
        return unexpected(written.error());
    }
    return made;
}

NetworkCli::NetworkCli(CLI::App& app) {
    auto* node_key = app.add_subcommand("node-key", "A node's p2p identity key (ML-DSA-65)");
    node_key->require_subcommand(1);
    node_key_new_ = node_key->add_subcommand(
        "new", "Make a node key file (seed in hex, mode 0600) and print its node id");
    node_key_new_->add_option("--out", out_, "The node key file to write (qtmd --node-key-file)")
        ->required();

    validator_new_ = app.get_subcommand("validator")
                         ->add_subcommand("new",
                                          "Make a consensus key (ML-DSA-65) in an encrypted "
                                          "keystore and print its public key and proof of "
                                          "possession as JSON");
    validator_new_->footer(
        std::string{"Writes DIR/"} + kConsensusKeystore +
        " (0600; qtmd --validator-keystore) and DIR/" + kValidatorInfo +
        " (the JSON printed: what `qtm validator create` or a chain spec's validators entry "
        "needs).\n");
    validator_new_->add_option("--out", out_, "The directory to write into (created if absent)")
        ->required();
    validator_new_->add_option("--chain-id", chain_id_, "The chain id the proof is for")
        ->required();
    validator_new_->add_option("--operator", operator_,
                               "The operator address that will register the key (default: the "
                               "key's own address, as for a genesis validator)");
    validator_new_->add_option("--password-file", password_.file,
                               "Read the keystore password from this file (else prompt)");

    spec_validate_ = app.get_subcommand("spec")->add_subcommand(
        "validate", "Check a chain spec file with every rule qtmd applies when loading it");
    spec_validate_->footer(
        "Field rules first (the first error names the field, or the line and column of a JSON "
        "syntax error), then the genesis build (staking registration, first validator set). "
        "Exit status 0: valid (the genesis hash is printed); 1: the first error.\n");
    spec_validate_->add_option("file", spec_file_, "The chain spec JSON file")->required();

    auto* testnet = app.add_subcommand("testnet", "Files for a local multi-validator network");
    testnet->require_subcommand(1);
    testnet_init_ = testnet->add_subcommand(
        "init", "A chain spec with N fresh validators, and per node its keys and node.toml");
    testnet_init_->footer(
        "Writes DIR/spec.json and DIR/nodeI/ for each validator: consensus_key.json (encrypted, "
        "0600), consensus_password (0600), validator.json, node_key (0600), node.toml (datadir "
        "DIR/nodeI/data, ports base+10*I+0..4 for p2p, http, ws, authrpc, metrics, the other "
        "nodes as persistent peers). Start with `qtmd --config DIR/nodeI/node.toml` or "
        "`scripts/testnet.sh start DIR`. The 10 dev accounts (public seeds, as on the dev "
        "chain: qtm send --dev-account N) are funded.\n");
    testnet_init_->add_option("--validators", testnet_.validators, "Number of validators")
        ->required()
        ->check(CLI::Range(1, 100));
    testnet_init_->add_option("--out", testnet_.out, "The directory to write (absent or empty)")
        ->required();
    testnet_init_->add_option("--chain-id", testnet_.chain_id, "The chain id")
        ->capture_default_str()
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{0xffff'ffff'ffffULL}));
    testnet_init_->add_option("--block-time", testnet_.block_time_ms, "Block time in ms")
        ->capture_default_str()
        ->check(CLI::Range(std::uint64_t{100}, std::uint64_t{3'600'000}));
    testnet_init_->add_option("--gas-limit", testnet_.gas_limit, "Gas per block")
        ->capture_default_str()
        ->check(CLI::Range(std::uint64_t{21'000}, std::uint64_t{1'000'000'000'000}));
    testnet_init_
        ->add_option("--max-block-bytes", testnet_.max_block_bytes,
                     "Largest block body in bytes (at most 12 MiB: what a peer catching up "
                     "can receive)")
        ->capture_default_str()
        ->check(CLI::Range(std::uint64_t{chain::kMaxTransactionSize}, chain::kMaxBlockBytesLimit));
    testnet_init_->add_option("--base-port", testnet_.base_port, "First port (node I: base+10*I)")
        ->capture_default_str()
        ->check(CLI::Range(1024, 65000));
    testnet_init_->add_option("--host", testnet_.host, "The address the nodes listen on and dial")
        ->capture_default_str();
    testnet_init_->add_flag("--force", testnet_.force,
                            "Write into a non-empty DIR: replaces DIR/spec.json and every "
                            "DIR/nodeI/ (their chain data too)");
}

std::optional<int> NetworkCli::run() const {
    if (*node_key_new_) return node_key_new(out_);
    if (*validator_new_) return validator_new(out_, chain_id_, operator_, password_);
    if (*spec_validate_) return spec_validate(spec_file_);
    if (*testnet_init_) return testnet_init(testnet_);
    return std::nullopt;
}

}  // namespace qtm::cli
