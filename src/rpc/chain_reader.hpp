// Blocks, transactions and receipts as RPC reads them from the chain store, and block
// references (tags, numbers, hashes) resolved against the head. QTM finalizes every block it
// commits, so "safe", "finalized" and "latest" all name the head; "pending" names the head
// too (no pending block is built ahead of time).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "chain/block.hpp"
#include "rpc/backend.hpp"
#include "rpc/params.hpp"

namespace qtm::rpc {

struct FullBlock {
    chain::Header header;
    Hash32 hash{};
    std::vector<chain::Transaction> transactions;
    std::vector<Hash32> transaction_hashes;
    std::vector<chain::Receipt> receipts;
    std::size_t size{0};  // encoded header + body bytes
};

class ChainReader {
public:
    explicit ChainReader(Backend& backend) noexcept : backend_{backend} {}

    // nullopt for an unknown hash or a number past the head.
    [[nodiscard]] std::optional<std::uint64_t> resolve(const BlockRef& ref) const;
    [[nodiscard]] std::optional<chain::Header> header(std::uint64_t number) const;
    [[nodiscard]] std::optional<FullBlock> block(std::uint64_t number) const;
    [[nodiscard]] std::optional<FullBlock> block_by_hash(const Hash32& hash) const;
    struct Location {
        std::uint64_t number{0};
        std::uint32_t index{0};
    };
    [[nodiscard]] std::optional<Location> locate_transaction(const Hash32& hash) const;

private:
    Backend& backend_;
};

}  // namespace qtm::rpc
