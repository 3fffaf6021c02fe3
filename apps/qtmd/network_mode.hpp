// qtmd on a chain from a spec (--chain-spec FILE, or --config node.toml from qtm testnet
// init): what it loads and checks before it could join the network. The network itself
// (consensus driver + p2p Host) is not wired into qtmd yet, so run_network() checks
// everything and then refuses to start, saying so; it never pretends to run a chain.
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

// prepare_network, a summary on stdout, then exit status 1 with the reason it cannot run yet.
[[nodiscard]] int run_network(const NodeConfig& config);

}  // namespace qtm::qtmd
