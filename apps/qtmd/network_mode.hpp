// qtmd on a chain from a spec (--chain-spec FILE, or --config node.toml from qtm testnet
// init): what it loads and checks, then the node, its consensus WAL and signer, the p2p Host
// and the consensus driver (node/network_service.hpp), and the same RPC servers as --dev.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "base/result.hpp"
#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"
#include "p2p/node_key.hpp"
#include "qtmd/options.hpp"

namespace qtm::qtmd {

// What a network node starts from, loaded and checked.
struct NetworkStart {
    chain::ChainSpec spec;
    Hash32 genesis_hash{};
    // The node key, when config.node_key_file exists (else the node creates it on first
    // start: p2p::load_or_create_node_key).
    std::optional<p2p::NodeKey> node_key;
    // The consensus key from --validator-keystore (ML-DSA-65), absent for a full node.
    std::optional<chain::AccountKey> validator;
    // Its index in spec.validators, when it is a genesis validator.
    std::optional<std::size_t> genesis_index;
};

// Loads the spec (the same loader as `qtm spec validate`: chain::load_chain_spec, then the
// genesis build), the node key if present, and decrypts the validator keystore. The error
// is the message for the user.
[[nodiscard]] Result<NetworkStart, std::string> prepare_network(const NodeConfig& config);

// prepare_network, then runs the node on the network until SIGINT or SIGTERM (exit 0), or
// until consensus halts (exit 1, the reason logged as critical). A summary goes to stdout.
[[nodiscard]] int run_network(const NodeConfig& config);

}  // namespace qtm::qtmd
