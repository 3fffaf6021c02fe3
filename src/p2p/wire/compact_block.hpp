// Rebuilding a proposed block from a compact proposal (consensus_messages.hpp): the
// proposal carries the header, the evidence and the transaction hashes; the transactions
// come from the local pool, and only those the pool lacks are fetched from the peer
// (GetPooledTransactions). The rebuilt block is checked against the header's transactions
// and evidence roots before anyone executes it; a mismatch blames the proposer.
//
//   CompactBlockBuilder builder{message};
//   builder.fill_from(pool);                 // -> the hashes still missing
//   for each fetched raw tx: builder.add_transaction(raw);   // kUnrequested if not missing
//   if (builder.complete()) auto block = builder.assemble(); // roots checked
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "chain/block.hpp"
#include "p2p/wire/consensus_messages.hpp"
#include "p2p/wire/wire_error.hpp"

namespace qtm::p2p {

// Raw (EIP-2718) transactions by hash: the node's transaction pool.
class TransactionLookup {
public:
    virtual ~TransactionLookup() = default;
    [[nodiscard]] virtual std::optional<Bytes> find_transaction(const Hash32& hash) const = 0;
    // The transaction already decoded, from a source that keys each transaction by its own
    // hash (the pool computed it on admission): taken without the decode and the re-hash
    // that raw bytes from find_transaction need. nullopt: use find_transaction.
    [[nodiscard]] virtual std::optional<chain::Transaction> find_decoded(const Hash32& hash) const {
        (void)hash;
        return std::nullopt;
    }
};

class CompactBlockBuilder {
public:
    explicit CompactBlockBuilder(ProposalMessage message);

    // Takes every missing transaction that `lookup` has; returns the hashes still missing
    // (each once, in block order). A pool entry that does not hash to its key or does not
    // decode is skipped (it stays missing).
    std::vector<Hash32> fill_from(const TransactionLookup& lookup);
    // A fetched transaction: kUnrequested when its hash is not one still missing,
    // kBadTransaction when it does not decode.
    Result<void, WireError> add_transaction(ByteView raw);

    [[nodiscard]] std::vector<Hash32> missing() const;
    [[nodiscard]] bool complete() const noexcept { return missing_count_ == 0; }
    [[nodiscard]] const ProposalMessage& message() const noexcept { return message_; }

    // The full block, once complete (a programming error before). kTransactionsRootMismatch
    // or kEvidenceRootMismatch when the contents do not match the header: the proposer
    // signed a header for other contents.
    [[nodiscard]] Result<chain::Block, WireError> assemble() const;

private:
    void place(const Hash32& hash, Bytes raw, chain::Transaction tx);

    ProposalMessage message_;
    std::vector<std::optional<chain::Transaction>> transactions_;
    std::vector<Bytes> encoded_;
    std::map<Hash32, std::vector<std::size_t>> positions_;  // missing hash -> block positions
    std::size_t missing_count_{0};
};

}  // namespace qtm::p2p
