// Blocks, transactions and receipts as RPC reads them from the chain store, and block
// references (tags, numbers, hashes) resolved against the head. QTM finalizes every block it
// commits, so "safe", "finalized" and "latest" all name the head; "pending" names the head
// too (no pending block is built ahead of time).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
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
    // The block-level logs (chain::block_logs_hash; docs/protocol.md, "Block-level logs"):
    // served after the transactions' logs, as a pseudo receipt at index transactions.size().
    Hash32 block_logs_hash{};
    std::vector<state::Log> block_logs;
    std::size_t size{0};  // encoded header + body bytes

    // Its eth_getBlockBy* results, [0] with transaction hashes and [1] with full transactions,
    // serialized on first use (a stored block never changes); serialized_for fills them.
    mutable std::mutex serialized_mutex;
    mutable std::array<std::shared_ptr<const std::string>, 2> serialized;
};

// The most recently read decoded blocks, bounded in bytes, shared by every reader: serving a
// block of a thousand QTM transactions means decoding and hashing ~2.5 MB, and clients ask for
// the same recent blocks over and over (receipts polled by hash, explorers, subscriptions).
// The budget counts encoded block bytes; the serialized answers a block keeps (FullBlock::
// serialized) are smaller than its encoding (no signatures or keys), so memory stays within
// about twice the budget.
class BlockCache {
public:
    static constexpr std::size_t kDefaultBudgetBytes = 64u << 20;
    explicit BlockCache(std::size_t budget_bytes = kDefaultBudgetBytes) : budget_{budget_bytes} {}

    [[nodiscard]] std::shared_ptr<const FullBlock> find(const Hash32& hash);
    void insert(std::shared_ptr<const FullBlock> block);
    [[nodiscard]] std::size_t bytes() const;

    static BlockCache& shared();

private:
    mutable std::mutex mutex_;
    std::size_t budget_;
    std::size_t bytes_{0};
    std::list<std::shared_ptr<const FullBlock>> recent_;  // most recent first
    struct HashOfHash {  // block hashes are keccak outputs: any 8 bytes are uniform
        std::size_t operator()(const Hash32& hash) const noexcept {
            std::size_t value = 0;
            std::memcpy(&value, hash.data(), sizeof value);
            return value;
        }
    };
    std::unordered_map<Hash32, std::list<std::shared_ptr<const FullBlock>>::iterator, HashOfHash>
        index_;
};

class ChainReader {
public:
    explicit ChainReader(Backend& backend) noexcept : backend_{backend} {}

    // nullopt for an unknown hash or a number past the head.
    [[nodiscard]] std::optional<std::uint64_t> resolve(const BlockRef& ref) const;
    [[nodiscard]] std::optional<chain::Header> header(std::uint64_t number) const;
    // Decoded blocks are shared from a process-wide cache (BlockCache): a block hash commits
    // to the header, the transactions and the receipts, so a cached block is the block.
    [[nodiscard]] std::shared_ptr<const FullBlock> block(std::uint64_t number) const;
    [[nodiscard]] std::shared_ptr<const FullBlock> block_by_hash(const Hash32& hash) const;
    struct Location {
        std::uint64_t number{0};
        std::uint32_t index{0};
    };
    [[nodiscard]] std::optional<Location> locate_transaction(const Hash32& hash) const;
    // The canonical block whose block-logs hash is `hash` (and that has block-level logs),
    // or null.
    [[nodiscard]] std::shared_ptr<const FullBlock> block_of_block_logs(const Hash32& hash) const;

private:
    Backend& backend_;
};

}  // namespace qtm::rpc
