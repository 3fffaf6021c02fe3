// What the RPC layer needs from the running node (the node layer implements it): the chain
// spec, the database, the head, the pool, transaction submission, and the accounts whose
// keys the node holds (dev accounts; unlocked keystore accounts).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "chain/block.hpp"
#include "chain/chain_spec.hpp"
#include "chain/keys.hpp"
#include "chain/txpool.hpp"
#include "storage/database.hpp"
#include "storage/node_cache.hpp"

namespace qtm::rpc {

// A block from a peer that failed validation (debug_getBadBlocks), with the reason.
struct BadBlock {
    Hash32 hash{};
    chain::Block block;
    std::string reason;
};

class Backend {
public:
    virtual ~Backend() = default;
    [[nodiscard]] virtual const chain::ChainSpec& spec() const = 0;
    [[nodiscard]] virtual const Hash32& genesis_hash() const = 0;
    [[nodiscard]] virtual storage::Database& database() = 0;
    [[nodiscard]] virtual storage::NodeCache* node_cache() = 0;
    [[nodiscard]] virtual chain::Header head() const = 0;
    [[nodiscard]] virtual U256 next_base_fee() const = 0;
    [[nodiscard]] virtual chain::TxPool& pool() = 0;
    [[nodiscard]] virtual Result<Hash32, std::string> submit_transaction(
        const chain::Transaction& tx) = 0;
    // Keys the node signs with (eth_accounts, eth_sendTransaction); never exposed.
    [[nodiscard]] virtual const chain::AccountKey* signer(const Address& address) const = 0;
    [[nodiscard]] virtual std::vector<Address> accounts() const = 0;
    // The most recent blocks peers sent that broke a rule, newest first (a dev chain that
    // imports nothing has none).
    [[nodiscard]] virtual std::vector<BadBlock> bad_blocks() const { return {}; }
};

}  // namespace qtm::rpc
