// Headers, blocks, receipts, logs and the logs bloom (docs/protocol.md, "Blocks"):
//
//   header  = rlp([parent_hash, number, timestamp, proposer, state_root, transactions_root,
//                  receipts_root, logs_bloom, gas_limit, gas_used, base_fee, evidence_root,
//                  validators_hash, extra_data, parent_commit])
//   body    = rlp([[transaction, ...], [evidence, ...]])
//   block   = rlp([header, [transaction, ...], [evidence, ...]])
//             (each transaction as a byte string, each evidence as its list)
//   receipt = 0x51 || rlp([status, cumulative_gas_used, logs_bloom, [log, ...]])
//   log     = [address, [topic, ...], data]       (as Ethereum)
//
// The block hash is keccak256(header). The transactions and receipts roots are Merkle
// Patricia roots keyed by rlp(index), as Ethereum's; so is the evidence root (of each
// evidence's encoding). `validators_hash` is ValidatorSet::hash() of the set that signs
// this block. `parent_commit` holds the parent's commit certificate (filled by consensus;
// empty on a dev chain and at genesis).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/u256.hpp"
#include "chain/consensus/types.hpp"
#include "chain/transaction.hpp"
#include "state/world_state.hpp"

namespace qtm::chain {

using Bloom = ByteArray<256>;

struct Header {
    Hash32 parent_hash{};
    std::uint64_t number{0};
    std::uint64_t timestamp{0};  // seconds since the Unix epoch
    Address proposer{};
    Hash32 state_root{};
    Hash32 transactions_root{};
    Hash32 receipts_root{};
    Bloom logs_bloom{};
    std::uint64_t gas_limit{0};
    std::uint64_t gas_used{0};
    U256 base_fee{};
    Hash32 evidence_root{};
    Hash32 validators_hash{};
    Bytes extra_data{};
    Bytes parent_commit{};
    friend bool operator==(const Header&, const Header&) = default;
};

struct Receipt {
    bool success{false};
    std::uint64_t cumulative_gas_used{0};
    Bloom logs_bloom{};
    std::vector<state::Log> logs{};
    friend bool operator==(const Receipt&, const Receipt&) = default;
};

// A block carries at most this many pieces of evidence (docs/protocol.md, "Blocks"): each
// costs two signature verifications and is at most kMaxEvidenceBytes.
inline constexpr std::size_t kMaxEvidencePerBlock = 16;

struct Block {
    Header header;
    std::vector<Transaction> transactions;
    std::vector<DuplicateVoteEvidence> evidence{};
};

struct Body {
    std::vector<Transaction> transactions;
    std::vector<DuplicateVoteEvidence> evidence;
};

enum class BlockDecodeError {
    kMalformedHeader,
    kMalformedBody,
    kBadTransaction,
    kMalformedReceipt,
    kBadEvidence,      // an evidence that does not decode
    kTooMuchEvidence,  // more than kMaxEvidencePerBlock
};
[[nodiscard]] std::string_view to_string(BlockDecodeError error) noexcept;

[[nodiscard]] Bytes encode_header(const Header& header);
[[nodiscard]] Result<Header, BlockDecodeError> decode_header(ByteView encoded);
[[nodiscard]] Hash32 block_hash(const Header& header);

// The encoded size of a body as it grows, without encoding it: the one size rule for the
// builder (which stops adding transactions at the spec's maximum) and the validator (which
// refuses a body over it). add_* take an item's encoding (a transaction's EIP-2718 bytes,
// an evidence's RLP); total() is encode_body(...).size() of the items added.
class BodySize {
public:
    void add_transaction(std::size_t encoded_size) noexcept;
    void add_evidence(std::size_t encoded_size) noexcept;
    [[nodiscard]] std::size_t total() const noexcept;
    // total() after add_transaction(encoded_size), without adding it.
    [[nodiscard]] std::size_t total_with_transaction(std::size_t encoded_size) const noexcept;

private:
    std::size_t transactions_payload_{0};
    std::size_t evidence_payload_{0};
};

// The body: rlp([[transaction, ...], [evidence, ...]]).
[[nodiscard]] Bytes encode_body(const std::vector<Transaction>& transactions,
                                const std::vector<DuplicateVoteEvidence>& evidence = {});
// The same from transactions already encoded (the executor encodes each once).
[[nodiscard]] Bytes encode_body_of_encoded(const std::vector<Bytes>& encoded_transactions,
                                           const std::vector<DuplicateVoteEvidence>& evidence);
// Strict: at most kMaxEvidencePerBlock evidence, each canonical (decode_evidence).
[[nodiscard]] Result<Body, BlockDecodeError> decode_body(ByteView encoded);
[[nodiscard]] Bytes encode_block(const Block& block);
[[nodiscard]] Result<Block, BlockDecodeError> decode_block(ByteView encoded);

[[nodiscard]] Bytes encode_receipt(const Receipt& receipt);
[[nodiscard]] Result<Receipt, BlockDecodeError> decode_receipt(ByteView encoded);
// A block's receipts as stored: rlp([receipt, ...]).
[[nodiscard]] Bytes encode_receipts(const std::vector<Receipt>& receipts);
[[nodiscard]] Result<std::vector<Receipt>, BlockDecodeError> decode_receipts(ByteView encoded);

// Block-level logs (docs/protocol.md, "Block-level logs"): what the block executor emits
// outside any transaction (the staking contract's Slashed, Jailed and Tombstoned). RPC
// serves them as one pseudo receipt per block, at transaction index = the number of
// transactions, under block_logs_hash = keccak256("qtm-block-logs-" || be64(number) ||
// block hash). They enter the header's logs bloom but not its receipts root. Stored as
// rlp([number, [log, ...]]) under that hash (storage::ChainStore::load_block_logs).
[[nodiscard]] Hash32 block_logs_hash(std::uint64_t number, const Hash32& block_hash);
struct BlockLogs {
    std::uint64_t number{0};
    std::vector<state::Log> logs;
    friend bool operator==(const BlockLogs&, const BlockLogs&) = default;
};
[[nodiscard]] Bytes encode_block_logs(const BlockLogs& record);
[[nodiscard]] Result<BlockLogs, BlockDecodeError> decode_block_logs(ByteView encoded);

// Ethereum's 2048-bit bloom: three bits per address and per topic.
void add_to_bloom(Bloom& bloom, ByteView item);
[[nodiscard]] Bloom logs_bloom(const std::vector<state::Log>& logs);
[[nodiscard]] bool bloom_may_contain(const Bloom& bloom, ByteView item);

[[nodiscard]] Hash32 transactions_root(const std::vector<Transaction>& transactions);
[[nodiscard]] Hash32 transactions_root_of_encoded(const std::vector<Bytes>& encoded_transactions);
[[nodiscard]] Hash32 receipts_root(const std::vector<Receipt>& receipts);
[[nodiscard]] Hash32 evidence_root(const std::vector<DuplicateVoteEvidence>& evidence);

}  // namespace qtm::chain
