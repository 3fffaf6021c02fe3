// qtmd: the QTM node. `qtmd --dev` runs a one-validator development chain with prefunded
// accounts whose keys the node holds, JSON-RPC over HTTP, and its data in --datadir. The
// options (flags and --config node.toml) are options.hpp's table; a chain from a spec
// (--chain-spec, --network) goes to network_mode.hpp.
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <variant>

#include <spdlog/spdlog.h>

#include "base/hex.hpp"
#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"
#include "chain/keystore.hpp"
#include "node/node.hpp"
#include "qtm_version.hpp"
#include "qtmd/keystore_file.hpp"
#include "qtmd/network_mode.hpp"
#include "qtmd/options.hpp"
#include "qtmd/servers.hpp"

namespace {

using namespace qtm;

std::string format_qtm(const U256& wei) {
    const U256 unit = chain::qtm_to_wei(1);
    const U256 whole = wei / unit;
    return whole.to_decimal() + " QTM";
}

}  // namespace

int main(int argc, char** argv) {
    qtmd::Options parser;
    auto parsed = parser.parse(argc, argv);
    if (auto* stop = std::get_if<qtmd::ParseStop>(&parsed)) {
        if (!stop->message.empty()) std::fprintf(stderr, "qtmd: %s\n", stop->message.c_str());
        return stop->exit_code;
    }
    const qtmd::NodeConfig& config = std::get<qtmd::NodeConfig>(parsed);
    if (!config.dev) return qtmd::run_network(config);

    const std::string& datadir = config.datadir;
    const double block_time = config.block_time_seconds;
    qtmd::configure_logging(config.log_format, config.log_level);

    // Signals are taken by sigwait below; block them before any thread starts.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    auto spec = chain::builtin_chain_spec("dev");
    node::NodeOptions options;
    options.datadir = datadir;
    options.spec = *spec;
    if (config.dev_unbonding_seconds) {
        options.spec.staking.unbonding_seconds = *config.dev_unbonding_seconds;
    }
    if (config.dev_epoch_length) options.spec.epoch_length = *config.dev_epoch_length;
    if (config.dev_gas_limit) options.spec.gas_limit = *config.dev_gas_limit;
    if (config.dev_max_block_bytes) options.spec.max_block_bytes = *config.dev_max_block_bytes;
    options.pool = qtmd::pool_config(config, options.spec);
    options.block_time = std::chrono::milliseconds{static_cast<long>(block_time * 1000)};
    options.state_history = config.state_history;
    const chain::AccountKey validator{crypto::SignatureScheme::kMlDsa65,
                                      chain::dev_validator_seed(0)};
    options.proposer = validator.address();
    for (std::uint32_t i = 0; i < chain::kDevAccountCount; ++i) {
        options.signers.emplace_back(crypto::SignatureScheme::kMlDsa44, chain::dev_account_seed(i));
    }
    for (const auto& path : config.unlock) {
        if (config.password_file.empty()) {
            std::fprintf(stderr, "qtmd: --unlock needs --password-file\n");
            return 2;
        }
        auto unlocked = qtmd::unlock_keystore(path, config.password_file);
        if (!unlocked) {
            std::fprintf(stderr, "qtmd: cannot unlock %s: %s\n", path.c_str(),
                         unlocked.error().c_str());
            return 1;
        }
        spdlog::info("audit: unlocked {} from {}", chain::to_checksum_address(unlocked->address()),
                     path);
        options.signers.push_back(std::move(*unlocked));
    }
    std::vector<std::pair<Address, std::string>> printed;
    for (std::uint32_t i = 0; i < chain::kDevAccountCount; ++i) {
        printed.emplace_back(options.signers[i].address(), to_hex(chain::dev_account_seed(i)));
    }

    auto opened = node::Node::open(std::move(options));
    if (!opened) {
        spdlog::critical("cannot start: {}", opened.error().message);
        return 1;
    }
    node::Node& node = **opened;

    auto servers = qtmd::start_servers(config, node);
    if (!servers) {
        spdlog::critical("{}", servers.error());
        return 1;
    }

    const auto head = node.head();
    std::printf("\nqtmd %s — development chain\n\n", QTM_VERSION);
    std::printf("Chain id      %llu (%s)\n", static_cast<unsigned long long>(node.spec().chain_id),
                node.spec().name.c_str());
    std::printf("Genesis hash  %s\n", to_hex(node.genesis_hash()).c_str());
    std::printf("Head          block %llu %s\n", static_cast<unsigned long long>(head.number),
                to_hex(node.head_hash()).c_str());
    std::printf("Data          %s\n", std::filesystem::absolute(datadir).string().c_str());
    qtmd::print_endpoints(**servers, config);
    std::printf("Block time    %.1f s\n", block_time);
    std::printf("Validator     %s (ML-DSA-65, dev seed 0)\n\n",
                chain::to_checksum_address(validator.address()).c_str());
    std::printf(
        "Dev accounts (ML-DSA-44; seed = keccak256(\"qtm dev account\" || be32(i)); the node "
        "signs for them: eth_sendTransaction, cast send --unlocked)\n");
    std::printf(
        "PUBLIC TEST KEYS: anyone can spend from these accounts. Never send them value "
        "on a real network.\n\n");
    for (std::size_t i = 0; i < printed.size(); ++i) {
        std::printf("(%zu) %s  %s\n    seed %s\n", i,
                    chain::to_checksum_address(printed[i].first).c_str(),
                    format_qtm(node.head_state().balance(printed[i].first)).c_str(),
                    printed[i].second.c_str());
    }
    std::printf("\n");
    std::fflush(stdout);

    node.start_producing();
    spdlog::info("producing a block every {:.1f} s; Ctrl-C stops", block_time);
    int received = 0;
    sigwait(&signals, &received);
    spdlog::info("received {}, shutting down", received == SIGINT ? "SIGINT" : "SIGTERM");
    (*servers)->stop();
    node.stop();
    spdlog::info("stopped at block {}", node.head().number);
    return 0;
}
