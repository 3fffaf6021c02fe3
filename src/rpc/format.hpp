// The JSON shapes of execution-apis for QTM's blocks, transactions, receipts and logs.
// QTM transactions are type 0x51 and carry an ML-DSA signature, not (v, r, s): the v, r, s
// and yParity fields are zero placeholders so that Ethereum clients parse the objects, and
// `scheme` names the signature scheme (docs/rpc.md).
#pragma once

#include <optional>
#include <vector>

#include "chain/block.hpp"
#include "rpc/chain_reader.hpp"
#include "rpc/json_rpc.hpp"
#include "state/transaction.hpp"

namespace qtm::rpc {

struct TxContextInBlock {
    Hash32 block_hash{};
    std::uint64_t block_number{0};
    std::uint64_t block_timestamp{0};
    std::uint32_t index{0};
    U256 base_fee{};

    // Transaction `index` of a stored block (anything with a hash and a header).
    template <typename StoredBlock>
    [[nodiscard]] static TxContextInBlock of(const StoredBlock& block, std::uint32_t index) {
        return {block.hash, block.header.number, block.header.timestamp, index,
                block.header.base_fee};
    }
};

// EIP-2930's [{address, storageKeys}] as execution-apis writes it.
[[nodiscard]] Json format_access_list(const std::vector<state::AccessListEntry>& access_list);
[[nodiscard]] Json format_transaction(const chain::Transaction& tx, const Hash32& hash,
                                      const std::optional<TxContextInBlock>& where);
[[nodiscard]] Json format_log(const state::Log& log, const TxContextInBlock& where,
                              const Hash32& tx_hash, std::size_t log_index);
[[nodiscard]] Json format_receipt(const FullBlock& block, std::uint32_t index);
// The pseudo receipt of a block's block-level logs (docs/protocol.md, "Block-level logs"):
// transactionHash = block.block_logs_hash, transactionIndex = the number of transactions,
// from and to the staking address, status 1, no gas; the caller checks there are such logs.
[[nodiscard]] Json format_block_logs_receipt(const FullBlock& block);
[[nodiscard]] Json format_block(const FullBlock& block, bool full_transactions);

// The address a creation transaction deploys to: keccak256(rlp([from, nonce]))[12:].
[[nodiscard]] Address creation_address(const Address& from, std::uint64_t nonce);

}  // namespace qtm::rpc
