// Fixtures for the tests of src/p2p/wire and src/p2p/sync: signed QTM transfers, blocks
// whose roots match their contents, a pool to rebuild from, and a chain of blocks with
// commit certificates signed by real ML-DSA-65 validators (tests/chain's helpers).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "chain/block.hpp"
#include "chain/transaction.hpp"
#include "consensus_support.hpp"
#include "p2p/sync/block_server.hpp"
#include "p2p/sync/sync_manager.hpp"
#include "p2p/wire/compact_block.hpp"

namespace qtm::p2p::testing {

// A transfer of `value` with nonce `nonce` from test sender `sender`, signed with
// ML-DSA-65 (3,309-byte signature); the first of a sender carries its public key.
[[nodiscard]] chain::Transaction make_transfer(std::uint32_t sender, std::uint64_t nonce,
                                               bool include_key = false);

// A block with the given contents whose transactions and evidence roots match them.
[[nodiscard]] chain::Block make_block(std::uint64_t number, const Hash32& parent,
                                      std::vector<chain::Transaction> transactions,
                                      std::vector<chain::DuplicateVoteEvidence> evidence = {});

[[nodiscard]] NodeId peer_id(std::uint8_t n);
// 32 bytes of `byte`.
[[nodiscard]] Hash32 filled(std::uint8_t byte);

// Raw transactions by hash.
class MapLookup final : public TransactionLookup {
public:
    void add(const chain::Transaction& tx);
    [[nodiscard]] std::optional<Bytes> find_transaction(const Hash32& hash) const override;
    std::map<Hash32, Bytes> transactions;
};

// A finalized chain 1..n above a fixed genesis, each block with a certificate signed by
// validators 0, 1 and 2 of four (power 1 each), round 0.
struct TestChain {
    chain::testing::TestValidators validators;
    Hash32 genesis_hash{};
    std::vector<CommittedBlock> blocks;  // blocks[i] is number i + 1
};
[[nodiscard]] const TestChain& test_chain();  // 12 blocks, built once

// Serves a prefix of a TestChain (numbers 1..served).
class ChainSource final : public BlockSource {
public:
    ChainSource(const TestChain& chain, std::uint64_t served) : chain_{chain}, served_{served} {}
    [[nodiscard]] std::optional<CommittedBlock> committed_block(
        std::uint64_t number) const override;

private:
    const TestChain& chain_;
    std::uint64_t served_;
};

// The importing side: a head starting at genesis, ValidatorSetChecker of the test set for
// every height, and a record of what was imported.
class ChainImporter final : public Importer {
public:
    explicit ChainImporter(const TestChain& chain);
    [[nodiscard]] std::uint64_t head_number() const override { return head_; }
    [[nodiscard]] Hash32 head_hash() const override { return head_hash_; }
    [[nodiscard]] std::unique_ptr<CertificateChecker> checker_for(std::uint64_t height) override;
    [[nodiscard]] ImportResult import(const chain::Block& block,
                                      const chain::CommitCertificate& certificate) override;

    std::vector<std::uint64_t> imported;
    std::vector<std::uint64_t> checkers_asked;
    std::optional<std::uint64_t> refuse_at;  // import answers kInvalidBlock at this number

private:
    const TestChain& chain_;
    WorkerPool pool_{WorkerPool::CallerOnly{}};
    std::uint64_t head_{0};
    Hash32 head_hash_{};
};

}  // namespace qtm::p2p::testing
