#include "test_chain_support.hpp"

#include <stdexcept>

#include "chain/stored_block.hpp"
#include "chain/transaction.hpp"
#include "storage/chain_store.hpp"
#include "storage/schema.hpp"

namespace qtm::test {

TestChain::TestChain() : TestChain{*chain::builtin_chain_spec("dev")} {}

TestChain::TestChain(chain::ChainSpec spec)
    : spec_{std::move(spec)},
      db_{storage::make_memory_database()},
      pool_{chain::TxPoolConfig{.chain_id = spec_.chain_id}, no_state_} {
    if (!storage::open_schema(*db_, "test")) throw std::runtime_error{"schema"};
    storage::WriteBatch batch;
    auto genesis = chain::build_genesis(spec_, *db_, batch);
    if (!genesis) throw std::runtime_error{"genesis"};
    storage::ChainStore::add_block(batch, chain::stored_empty_block(genesis->block.header));
    if (!db_->write(batch, false)) throw std::runtime_error{"genesis write"};
    head_ = genesis->block.header;
    genesis_ = genesis->hash;
    for (std::uint32_t i = 0; i < 2; ++i) {
        keys_.emplace_back(crypto::SignatureScheme::kMlDsa44, chain::dev_account_seed(i));
    }
}

chain::Transaction TestChain::tx(std::uint32_t from, std::optional<Address> to, Bytes data,
                                 std::uint64_t value) {
    chain::Transaction t;
    t.chain_id = spec_.chain_id;
    t.nonce = nonces_[from]++;
    t.max_priority_fee_per_gas = U256{1'000'000'000};
    t.max_fee_per_gas = U256{50'000'000'000};
    t.gas_limit = 300'000;
    t.to = to;
    t.value = U256{value};
    t.data = std::move(data);
    chain::sign_transaction(t, keys_[from], t.nonce == 0);
    return t;
}

chain::ExecutedBlock TestChain::add_block(const std::vector<chain::Transaction>& txns) {
    chain::BlockExecutor executor{spec_, *db_};
    std::vector<chain::Rejection> rejected;
    auto built = executor.build(head_, head_.timestamp + 2, Address{}, txns, &rejected);
    if (!built || !rejected.empty() || built->block.transactions.size() != txns.size()) {
        throw std::runtime_error{"block build failed"};
    }
    if (!db_->write(built->batch, false)) throw std::runtime_error{"block write"};
    head_ = built->block.header;
    return std::move(*built);
}

}  // namespace qtm::test
