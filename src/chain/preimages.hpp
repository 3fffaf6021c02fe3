// The addresses and storage slot numbers a database mentions, by the trie key each hashes
// to (keccak256): the flat tables' keys, every sender, recipient, created contract and
// proposer, the genesis allocation. A state trie is keyed by these hashes only; a tool that
// rebuilds flat tables from a trie (repair) or writes a state out by address (snapshot
// export) looks each trie key up here. The trie proves which candidates are in a state; a
// key that none hashes to is a preimage the database has lost.
#pragma once

#include <unordered_map>
#include <vector>

#include "chain/block.hpp"
#include "chain/chain_spec.hpp"
#include "state/world_state.hpp"
#include "storage/database.hpp"

namespace qtm::chain {

struct Preimages {
    std::unordered_map<Hash32, Address, state::ByteArrayHasher> addresses;
    std::unordered_map<Hash32, Hash32, state::ByteArrayHasher> slots;

    void add_address(const Address& address);
    void add_slot(const Hash32& slot);
    // The keys of the flat account and storage tables.
    void add_flat_tables(const storage::ReadView& view);
    // The genesis allocation and the native contracts.
    void add_spec(const ChainSpec& spec);
    // The proposer, and each transaction's sender and recipient (or created contract).
    void add_block(const Header& header, const std::vector<Transaction>& transactions);
};

// The address a contract created by `sender` with `nonce` gets (CREATE).
[[nodiscard]] Address created_address(const Address& sender, std::uint64_t nonce);

}  // namespace qtm::chain
