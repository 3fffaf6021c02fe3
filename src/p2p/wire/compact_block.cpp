#include "p2p/wire/compact_block.hpp"

#include <stdexcept>

#include "crypto/keccak.hpp"

namespace qtm::p2p {

CompactBlockBuilder::CompactBlockBuilder(ProposalMessage message)
    : message_{std::move(message)},
      transactions_(message_.transaction_hashes.size()),
      encoded_(message_.transaction_hashes.size()) {
    for (std::size_t i = 0; i < message_.transaction_hashes.size(); ++i) {
        positions_[message_.transaction_hashes[i]].push_back(i);
    }
    missing_count_ = message_.transaction_hashes.size();
}

void CompactBlockBuilder::place(const Hash32& hash, Bytes raw, chain::Transaction tx) {
    auto found = positions_.find(hash);
    const std::vector<std::size_t>& positions = found->second;
    // A hash listed twice (a block that repeats a transaction is invalid, but it is the
    // executor's to say so) gets copies; the last position takes the originals.
    for (std::size_t k = 0; k + 1 < positions.size(); ++k) {
        transactions_[positions[k]] = tx;
        encoded_[positions[k]] = raw;
    }
    transactions_[positions.back()] = std::move(tx);
    encoded_[positions.back()] = std::move(raw);
    missing_count_ -= positions.size();
    positions_.erase(found);
}

std::vector<Hash32> CompactBlockBuilder::fill_from(const TransactionLookup& lookup) {
    std::vector<Hash32> hashes;
    for (const auto& [hash, positions] : positions_)
        hashes.push_back(hash);
    for (const Hash32& hash : hashes) {
        if (auto decoded = lookup.find_decoded(hash)) {
            Bytes raw = chain::encode(*decoded);
            place(hash, std::move(raw), std::move(*decoded));
            continue;
        }
        auto raw = lookup.find_transaction(hash);
        if (!raw || crypto::keccak256(*raw) != hash) continue;
        auto tx = chain::decode_transaction(*raw);
        if (!tx) continue;
        place(hash, std::move(*raw), std::move(*tx));
    }
    return missing();
}

Result<void, WireError> CompactBlockBuilder::add_transaction(ByteView raw) {
    const Hash32 hash = crypto::keccak256(raw);
    if (!positions_.contains(hash)) return unexpected(WireError::kUnrequested);
    auto tx = chain::decode_transaction(raw);
    if (!tx) return unexpected(WireError::kBadTransaction);
    place(hash, to_bytes(raw), std::move(*tx));
    return {};
}

std::vector<Hash32> CompactBlockBuilder::missing() const {
    std::vector<Hash32> out;
    std::vector<bool> listed(transactions_.size(), false);
    for (std::size_t i = 0; i < transactions_.size(); ++i) {
        if (transactions_[i] || listed[i]) continue;
        const Hash32& hash = message_.transaction_hashes[i];
        for (const std::size_t j : positions_.at(hash))
            listed[j] = true;
        out.push_back(hash);
    }
    return out;
}

Result<chain::Block, WireError> CompactBlockBuilder::assemble() const {
    if (!complete()) throw std::logic_error{"CompactBlockBuilder::assemble before complete"};
    if (chain::transactions_root_of_encoded(encoded_) != message_.header.transactions_root) {
        return unexpected(WireError::kTransactionsRootMismatch);
    }
    if (chain::evidence_root(message_.evidence) != message_.header.evidence_root) {
        return unexpected(WireError::kEvidenceRootMismatch);
    }
    chain::Block block{message_.header, {}, message_.evidence};
    block.transactions.reserve(transactions_.size());
    for (const auto& tx : transactions_)
        block.transactions.push_back(*tx);
    return block;
}

}  // namespace qtm::p2p
