// A small chain in a database for the data-safety tests: genesis plus three blocks with
// transfers, a key registration per sender, a deployed contract with code and one storage
// slot, and an empty block, built by the real executor and written as a node writes them.
#pragma once

#include <memory>
#include <vector>

#include "chain/block.hpp"
#include "chain/chain_spec.hpp"
#include "chain/executor.hpp"
#include "storage/database.hpp"

namespace qtm::test {

struct ChainDb {
    chain::ChainSpec spec;
    std::unique_ptr<storage::Database> db;
    std::vector<chain::Header> headers;  // genesis first
    std::vector<Hash32> hashes;
    std::vector<std::vector<Hash32>> txn_hashes;  // per block
    Address contract{};                           // deployed in block 1
    Address recipient{};                          // of the transfers
    Address sender{};                             // dev account 0
};

// Builds the chain into `db` (a memory database when null). `stamp` writes the schema
// version as a node does; false writes the unversioned layout of before versioning.
[[nodiscard]] ChainDb make_chain_db(std::unique_ptr<storage::Database> db = nullptr,
                                    bool stamp = true);

// Builds one more block on the stored head (through the executor) and writes it.
void extend_chain(ChainDb& chain, std::uint32_t transfers);

}  // namespace qtm::test
