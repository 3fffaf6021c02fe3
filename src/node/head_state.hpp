// Reads of the latest committed state straight from the flat tables, safe from any thread:
// what the transaction pool and RPC's "latest" queries need without a WorldState.
#pragma once

#include "chain/txpool.hpp"
#include "state/account.hpp"
#include "storage/database.hpp"

namespace qtm::node {

class HeadStateReader final : public chain::PoolStateReader {
public:
    explicit HeadStateReader(const storage::ReadView& view) noexcept : view_{view} {}

    [[nodiscard]] std::optional<state::Account> account(const Address& address) const;
    [[nodiscard]] std::uint64_t nonce(const Address& address) const override;
    [[nodiscard]] U256 balance(const Address& address) const override;
    [[nodiscard]] std::optional<state::RegisteredKey> registered_key(
        const Address& address) const override;

private:
    const storage::ReadView& view_;
};

}  // namespace qtm::node
