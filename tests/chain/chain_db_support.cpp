#include "chain_db_support.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "chain/keys.hpp"
#include "chain/stored_block.hpp"
#include "crypto/keccak.hpp"
#include "storage/chain_store.hpp"
#include "storage/schema.hpp"

namespace qtm::test {
namespace {

const chain::AccountKey& dev_key(std::uint32_t index) {
    static const std::vector<chain::AccountKey> keys = [] {
        std::vector<chain::AccountKey> out;
        for (std::uint32_t i = 0; i < 2; ++i) {
            out.emplace_back(crypto::SignatureScheme::kMlDsa44, chain::dev_account_seed(i));
        }
        return out;
    }();
    return keys.at(index);
}

chain::Transaction make_txn(const chain::ChainSpec& spec, std::uint32_t from, std::uint64_t nonce,
                            std::optional<Address> to, std::uint64_t value, Bytes data,
                            bool include_key) {
    chain::Transaction tx;
    tx.chain_id = spec.chain_id;
    tx.nonce = nonce;
    tx.max_priority_fee_per_gas = U256{2'000'000'000};
    tx.max_fee_per_gas = U256{50'000'000'000};
    tx.gas_limit = 300'000;
    tx.to = to;
    tx.value = U256{value};
    tx.data = std::move(data);
    chain::sign_transaction(tx, dev_key(from), include_key);
    return tx;
}

void require(bool condition, const char* what) {
    if (!condition) throw std::runtime_error{std::string{"chain_db_support: "} + what};
}

// Account 0 sends one transaction in block 1 (account 1 deploys there) and every
// transaction of the later blocks.
std::uint64_t account0_nonce(const ChainDb& chain) {
    std::uint64_t nonce = 0;
    for (std::size_t i = 1; i < chain.txn_hashes.size(); ++i) {
        nonce += i == 1 ? 1 : chain.txn_hashes[i].size();
    }
    return nonce;
}

void build_and_write(ChainDb& chain, const std::vector<chain::Transaction>& txns) {
    chain::BlockExecutor executor{chain.spec, *chain.db};
    std::vector<chain::Rejection> rejected;
    const chain::Header& parent = chain.headers.back();
    auto built = executor.build(parent, parent.timestamp + 2, Address{}, txns, &rejected);
    require(built.has_value(), "block build failed");
    require(rejected.empty(), "a transaction was rejected");
    require(built->block.transactions.size() == txns.size(), "a transaction was left out");
    require(chain.db->write(built->batch, /*sync=*/false).has_value(), "block write failed");
    chain.headers.push_back(built->block.header);
    chain.hashes.push_back(built->hash);
    std::vector<Hash32> hashes;
    for (const auto& result : built->results)
        hashes.push_back(result.hash);
    chain.txn_hashes.push_back(hashes);
}

}  // namespace

ChainDb make_chain_db(std::unique_ptr<storage::Database> db, bool stamp) {
    ChainDb chain;
    chain.spec = *chain::builtin_chain_spec("dev");
    chain.db = db ? std::move(db) : storage::make_memory_database();
    if (stamp) require(storage::open_schema(*chain.db, "test").has_value(), "schema stamp");
    storage::WriteBatch batch;
    auto genesis = chain::build_genesis(chain.spec, *chain.db, batch);
    require(genesis.has_value(), "genesis");
    storage::ChainStore::add_block(batch, chain::stored_empty_block(genesis->block.header));
    require(chain.db->write(batch, false).has_value(), "genesis write");
    chain.headers.push_back(genesis->block.header);
    chain.hashes.push_back(genesis->hash);
    chain.txn_hashes.emplace_back();

    chain.recipient.fill(0xb0);
    chain.sender = dev_key(0).address();
    // Initcode: SSTORE(0, 42), then return the one-byte runtime code 0xfe.
    const Bytes initcode = {0x60, 0x2a, 0x60, 0x00, 0x55, 0x60, 0xfe, 0x60,
                            0x00, 0x53, 0x60, 0x01, 0x60, 0x00, 0xf3};
    const auto deploy = make_txn(chain.spec, 1, 0, std::nullopt, 0, initcode, true);
    build_and_write(chain, {make_txn(chain.spec, 0, 0, chain.recipient, 1000, {}, true), deploy});
    // CREATE address: keccak256(rlp([sender, nonce 0]))[12:].
    Bytes rlp = {0xd6, 0x94};
    const auto deployer = dev_key(1).address();
    rlp.insert(rlp.end(), deployer.begin(), deployer.end());
    rlp.push_back(0x80);
    const Hash32 hash = crypto::keccak256(rlp);
    std::copy(hash.begin() + 12, hash.end(), chain.contract.begin());
    extend_chain(chain, 1);
    extend_chain(chain, 0);
    return chain;
}

void extend_chain(ChainDb& chain, std::uint32_t transfers) {
    const std::uint64_t first = account0_nonce(chain);
    std::vector<chain::Transaction> txns;
    for (std::uint32_t i = 0; i < transfers; ++i) {
        txns.push_back(make_txn(chain.spec, 0, first + i, chain.recipient, 7 + i, {}, false));
    }
    build_and_write(chain, txns);
}

}  // namespace qtm::test
