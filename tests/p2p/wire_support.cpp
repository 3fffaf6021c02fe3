#include "wire_support.hpp"

#include <stdexcept>

#include "chain/keys.hpp"

namespace qtm::p2p::testing {

namespace {

const chain::AccountKey& sender_key(std::uint32_t sender) {
    static std::map<std::uint32_t, chain::AccountKey> keys;
    auto found = keys.find(sender);
    if (found == keys.end()) {
        ByteArray<32> seed{};
        seed[0] = 0x77;
        seed[28] = static_cast<std::uint8_t>(sender >> 24);
        seed[29] = static_cast<std::uint8_t>(sender >> 16);
        seed[30] = static_cast<std::uint8_t>(sender >> 8);
        seed[31] = static_cast<std::uint8_t>(sender);
        found =
            keys.emplace(sender, chain::AccountKey{crypto::SignatureScheme::kMlDsa65, seed}).first;
    }
    return found->second;
}

}  // namespace

chain::Transaction make_transfer(std::uint32_t sender, std::uint64_t nonce, bool include_key) {
    const chain::AccountKey& key = sender_key(sender);
    chain::Transaction tx;
    tx.chain_id = chain::testing::kTestDomain.chain_id;
    tx.nonce = nonce;
    tx.max_priority_fee_per_gas = U256{2'000'000'000};
    tx.max_fee_per_gas = U256{50'000'000'000};
    tx.gas_limit = 100'000;
    tx.from = key.address();
    tx.to = Address{0x42};
    tx.value = U256{1000 + nonce};
    tx.scheme = key.scheme();
    chain::sign_transaction(tx, key, include_key);
    return tx;
}

chain::Block make_block(std::uint64_t number, const Hash32& parent,
                        std::vector<chain::Transaction> transactions,
                        std::vector<chain::DuplicateVoteEvidence> evidence) {
    chain::Block block;
    block.header.parent_hash = parent;
    block.header.number = number;
    block.header.timestamp = 1'700'000'000 + number * 2;
    block.header.gas_limit = 30'000'000;
    block.header.base_fee = U256{1'000'000'000};
    block.header.transactions_root = chain::transactions_root(transactions);
    block.header.evidence_root = chain::evidence_root(evidence);
    block.transactions = std::move(transactions);
    block.evidence = std::move(evidence);
    return block;
}

NodeId peer_id(std::uint8_t n) {
    NodeId id{};
    id[0] = n;
    return id;
}

Hash32 filled(std::uint8_t byte) {
    Hash32 hash;
    hash.fill(byte);
    return hash;
}

void MapLookup::add(const chain::Transaction& tx) {
    transactions[chain::transaction_hash(tx)] = chain::encode(tx);
}

std::optional<Bytes> MapLookup::find_transaction(const Hash32& hash) const {
    auto found = transactions.find(hash);
    if (found == transactions.end()) return std::nullopt;
    return found->second;
}

const TestChain& test_chain() {
    static const TestChain chain = [] {
        TestChain built{chain::testing::make_test_validators({1, 1, 1, 1}), Hash32{0x99}, {}};
        Hash32 parent = built.genesis_hash;
        for (std::uint64_t number = 1; number <= 12; ++number) {
            std::vector<chain::Transaction> txs;
            if (number % 3 == 0) txs.push_back(make_transfer(1, number / 3 - 1, number == 3));
            chain::Block block = make_block(number, parent, std::move(txs));
            block.header.validators_hash = built.validators.set.hash();
            const Hash32 hash = chain::block_hash(block.header);
            auto certificate =
                chain::testing::signed_certificate(built.validators, {0, 1, 2}, number, 0, hash);
            built.blocks.push_back(CommittedBlock{std::move(block), std::move(certificate)});
            parent = hash;
        }
        return built;
    }();
    return chain;
}

std::optional<CommittedBlock> ChainSource::committed_block(std::uint64_t number) const {
    if (number == 0 || number > served_ || number > chain_.blocks.size()) return std::nullopt;
    return chain_.blocks[number - 1];
}

ChainImporter::ChainImporter(const TestChain& chain)
    : chain_{chain}, head_hash_{chain.genesis_hash} {}

std::unique_ptr<CertificateChecker> ChainImporter::checker_for(std::uint64_t height) {
    if (height != head_ + 1) throw std::logic_error{"checker asked out of order"};
    checkers_asked.push_back(height);
    return std::make_unique<ValidatorSetChecker>(chain_.validators.set, chain::testing::kTestDomain,
                                                 chain::mldsa_verifier(), pool_);
}

ImportResult ChainImporter::import(const chain::Block& block,
                                   const chain::CommitCertificate& /*certificate*/) {
    if (block.header.number != head_ + 1) throw std::logic_error{"import out of order"};
    if (refuse_at && *refuse_at == block.header.number) {
        return ImportResult{ImportOutcome::kInvalidBlock, "refused by the test"};
    }
    head_ = block.header.number;
    head_hash_ = chain::block_hash(block.header);
    imported.push_back(head_);
    return ImportResult{};
}

}  // namespace qtm::p2p::testing
