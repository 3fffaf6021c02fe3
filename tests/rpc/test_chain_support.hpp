// A chain for RPC tests: the dev spec's genesis in an in-memory database, blocks built by the
// real executor from transactions ML-DSA-signed by dev accounts 0 and 1, and a read-only
// Backend over it (no pool state, no node-held keys, submissions refused). Another spec (a
// changed dev spec) may be given.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "chain/chain_spec.hpp"
#include "chain/executor.hpp"
#include "chain/keys.hpp"
#include "chain/txpool.hpp"
#include "rpc/backend.hpp"

namespace qtm::test {

class NoPoolState final : public chain::PoolStateReader {
public:
    std::uint64_t nonce(const Address&) const override { return 0; }
    U256 balance(const Address&) const override { return U256{}; }
    std::optional<state::RegisteredKey> registered_key(const Address&) const override {
        return std::nullopt;
    }
};

class TestChain final : public rpc::Backend {
public:
    TestChain();
    explicit TestChain(chain::ChainSpec spec);

    // A transaction from dev account `from` (0 or 1) with the next nonce, 300,000 gas, a
    // 50 gwei fee cap and a 1 gwei tip; the first of each account carries its key.
    chain::Transaction tx(std::uint32_t from, std::optional<Address> to, Bytes data,
                          std::uint64_t value = 0);
    // Builds, executes and writes the next block with exactly `txns` (throws otherwise).
    chain::ExecutedBlock add_block(const std::vector<chain::Transaction>& txns);

    const Address& address(std::uint32_t index) const { return keys_[index].address(); }

    const chain::ChainSpec& spec() const override { return spec_; }
    const Hash32& genesis_hash() const override { return genesis_; }
    storage::Database& database() override { return *db_; }
    storage::NodeCache* node_cache() override { return nullptr; }
    chain::Header head() const override { return head_; }
    U256 next_base_fee() const override { return chain::next_base_fee(spec_, head_); }
    chain::TxPool& pool() override { return pool_; }
    Result<Hash32, std::string> submit_transaction(const chain::Transaction&) override {
        return unexpected(std::string{"read-only test backend"});
    }
    const chain::AccountKey* signer(const Address&) const override { return nullptr; }
    std::vector<Address> accounts() const override { return {}; }

private:
    chain::ChainSpec spec_;
    std::unique_ptr<storage::Database> db_;
    NoPoolState no_state_;
    chain::TxPool pool_;
    chain::Header head_;
    Hash32 genesis_{};
    std::vector<chain::AccountKey> keys_;
    std::uint64_t nonces_[2]{0, 0};
};

}  // namespace qtm::test
