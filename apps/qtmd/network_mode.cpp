#include "qtmd/network_mode.hpp"

#include <cstdio>
#include <filesystem>

#include "base/hex.hpp"
#include "p2p/node_key_file.hpp"
#include "qtmd/keystore_file.hpp"

namespace qtm::qtmd {

Result<NetworkStart, std::string> prepare_network(const NodeConfig& config) {
    auto spec = chain::load_chain_spec(config.chain_spec);
    if (!spec) return unexpected(spec.error().message);
    auto genesis = chain::genesis_hash(*spec);
    if (!genesis) return unexpected(config.chain_spec + ": " + genesis.error().message);
    NetworkStart start{std::move(*spec), *genesis, std::nullopt, std::nullopt, std::nullopt};
    std::error_code error;
    if (std::filesystem::exists(config.node_key_file, error)) {
        auto key = p2p::load_or_create_node_key(config.node_key_file);
        if (!key) {
            return unexpected("node key " + config.node_key_file + ": " +
                              std::string{p2p::to_string(key.error())});
        }
        start.node_key.emplace(std::move(*key));
    }
    if (!config.validator_keystore.empty()) {
        auto key = unlock_keystore(config.validator_keystore, config.validator_password_file);
        if (!key) {
            return unexpected("cannot unlock the validator keystore " + config.validator_keystore +
                              ": " + key.error());
        }
        if (key->scheme() != crypto::SignatureScheme::kMlDsa65) {
            return unexpected("the validator keystore " + config.validator_keystore + " holds an " +
                              std::string{crypto::to_string(key->scheme())} +
                              " key; consensus keys are ML-DSA-65 (qtm validator new)");
        }
        for (std::size_t i = 0; i < start.spec.validators.size(); ++i) {
            if (start.spec.validators[i].address == key->address()) start.genesis_index = i;
        }
        start.validator.emplace(std::move(*key));
    }
    return start;
}

int run_network(const NodeConfig& config) {
    auto start = prepare_network(config);
    if (!start) {
        std::fprintf(stderr, "qtmd: %s\n", start.error().c_str());
        return 1;
    }
    std::printf("Chain spec    %s (%s, chain id %llu, %zu genesis validators)\n",
                config.chain_spec.c_str(), start->spec.name.c_str(),
                static_cast<unsigned long long>(start->spec.chain_id),
                start->spec.validators.size());
    std::printf("Genesis hash  %s\n", to_hex(start->genesis_hash).c_str());
    if (start->node_key) {
        std::printf("Node id       %s (%s)\n", p2p::to_string(start->node_key->id()).c_str(),
                    config.node_key_file.c_str());
    } else {
        std::printf("Node key      %s (created on first start)\n", config.node_key_file.c_str());
    }
    if (start->validator) {
        std::printf(
            "Validator     %s%s\n", chain::to_checksum_address(start->validator->address()).c_str(),
            start->genesis_index
                ? (" (genesis validator " + std::to_string(*start->genesis_index) + ")").c_str()
                : " (not in the genesis set)");
    } else {
        std::printf("Validator     none (a full node)\n");
    }
    std::printf("P2P           %s:%d, %zu persistent peers, %zu bootnodes\n",
                config.p2p_address.c_str(), config.p2p_port, config.persistent_peers.size(),
                config.bootnodes.size());
    std::fflush(stdout);
    std::fprintf(stderr,
                 "qtmd: refusing to start: this build cannot run a chain from a spec yet (%zu "
                 "validators): the consensus driver and the p2p wiring are not in qtmd. The "
                 "spec, the keys and the options above were checked. Use `qtmd --dev` for a "
                 "one-validator development chain.\n",
                 start->spec.validators.size());
    return 1;
}

}  // namespace qtm::qtmd
