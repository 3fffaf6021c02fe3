// The consensus wire types that the block executor, sync and light clients must check, and
// the consensus engine produces (docs/protocol.md, "Consensus messages"): votes, proposals,
// commit certificates and duplicate-vote evidence. Every encoding is canonical RLP with a
// size bound; decoding anything else returns a ConsensusDecodeError.
//
//   vote        = rlp([type, height, round, block_hash, validator_index, signature])
//   proposal    = rlp([height, round, pol_round + 1, block_hash, timestamp_ms,
//                      proposer_index, signature])
//   certificate = rlp([height, round, block_hash, signer_bitmap, [signature, ...]])
//   evidence    = rlp([vote_a, vote_b])
//
// `block_hash` is 32 bytes, or the empty string for a nil vote. `pol_round + 1` is 0 when
// the proposal has no proof-of-lock round. Signatures are ML-DSA-65 (3,309 bytes) in the
// real network; the wire format takes any length up to kMaxSignatureBytes so that the
// simulator's cheap signer fits the same types (verification checks the exact size).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"

namespace qtm::chain {

// The ML-DSA contexts of consensus signatures (DESIGN.md §4): a vote's signature never
// verifies as a proposal's, a transaction's or a handshake's.
inline constexpr std::string_view kVoteContext = "qtm/vote/v1";
inline constexpr std::string_view kProposalContext = "qtm/proposal/v1";

// Binds every consensus signature to one chain: the built-in specs share public validator
// keys, so the chain id alone is not enough; the genesis hash commits to the whole spec.
struct ConsensusDomain {
    std::uint64_t chain_id{0};
    Hash32 genesis_hash{};
    friend bool operator==(const ConsensusDomain&, const ConsensusDomain&) = default;
};

enum class VoteType : std::uint8_t { kPrevote = 1, kPrecommit = 2 };
// The type byte of a proposal's sign bytes (never a vote type).
inline constexpr std::uint8_t kProposalSignType = 32;

inline constexpr std::size_t kMaxSignatureBytes = 4627;  // ML-DSA-87, the largest scheme
inline constexpr std::size_t kMaxValidators = 8192;      // bounds bitmaps and signature lists
inline constexpr std::size_t kMaxVoteBytes = 4800;
inline constexpr std::size_t kMaxProposalBytes = 4800;
inline constexpr std::size_t kMaxEvidenceBytes = 2 * kMaxVoteBytes + 16;
// A certificate of kMaxValidators signatures of the largest scheme, with headers.
inline constexpr std::size_t kMaxCertificateBytes =
    kMaxValidators * (kMaxSignatureBytes + 3) + kMaxValidators / 8 + 128;

struct Vote {
    VoteType type{VoteType::kPrevote};
    std::uint64_t height{0};
    std::uint32_t round{0};
    std::optional<Hash32> block_hash{};  // nullopt: a vote for nil
    std::uint32_t validator_index{0};    // position in the height's ValidatorSet
    Bytes signature{};
    friend bool operator==(const Vote&, const Vote&) = default;
};

struct Proposal {
    std::uint64_t height{0};
    std::uint32_t round{0};
    std::optional<std::uint32_t> pol_round{};  // the proof-of-lock round, if any
    Hash32 block_hash{};
    std::uint64_t timestamp_ms{0};  // the block's time; checked against the local clock
    std::uint32_t proposer_index{0};
    Bytes signature{};
    friend bool operator==(const Proposal&, const Proposal&) = default;
};

// More than 2/3 of the stake precommitted `block_hash` at (height, round). The signatures
// are those of the validators whose bit is set, in validator order.
struct CommitCertificate {
    std::uint64_t height{0};
    std::uint32_t round{0};
    Hash32 block_hash{};
    Bytes signer_bitmap{};  // bit i (byte i / 8, bit i % 8, least significant first)
    std::vector<Bytes> signatures{};
    friend bool operator==(const CommitCertificate&, const CommitCertificate&) = default;
};

// Two votes of one validator of the same type, height and round for different blocks.
// Canonical order: vote_a's block hash sorts before vote_b's (nil, the empty string, first).
struct DuplicateVoteEvidence {
    Vote vote_a{};
    Vote vote_b{};
    friend bool operator==(const DuplicateVoteEvidence&, const DuplicateVoteEvidence&) = default;
};

enum class ConsensusDecodeError {
    kOversized,     // more bytes than the type's bound
    kMalformedRlp,  // not canonical RLP, or trailing bytes
    kWrongShape,    // wrong number of fields or a list where a string belongs
    kBadField,      // a field out of range (unknown vote type, hash not 32 bytes, index
                    // >= kMaxValidators, pol_round >= round, signature count that
                    // differs from the bitmap's bits, ...)
    kNotCanonical,  // evidence votes out of canonical order
};
[[nodiscard]] std::string_view to_string(ConsensusDecodeError error) noexcept;

[[nodiscard]] Bytes encode_vote(const Vote& vote);
[[nodiscard]] Result<Vote, ConsensusDecodeError> decode_vote(ByteView encoded);
[[nodiscard]] Bytes encode_proposal(const Proposal& proposal);
[[nodiscard]] Result<Proposal, ConsensusDecodeError> decode_proposal(ByteView encoded);
[[nodiscard]] Bytes encode_certificate(const CommitCertificate& certificate);
[[nodiscard]] Result<CommitCertificate, ConsensusDecodeError> decode_certificate(ByteView encoded);
[[nodiscard]] Bytes encode_evidence(const DuplicateVoteEvidence& evidence);
[[nodiscard]] Result<DuplicateVoteEvidence, ConsensusDecodeError> decode_evidence(ByteView encoded);

// What a validator signs (with kVoteContext / kProposalContext):
//   vote:     rlp([chain_id, genesis_hash, type, height, round, block_hash])
//   proposal: rlp([chain_id, genesis_hash, 32, height, round, pol_round + 1, block_hash,
//                  timestamp_ms])
[[nodiscard]] Bytes vote_sign_bytes(const ConsensusDomain& domain, VoteType type,
                                    std::uint64_t height, std::uint32_t round,
                                    const std::optional<Hash32>& block_hash);
[[nodiscard]] Bytes vote_sign_bytes(const ConsensusDomain& domain, const Vote& vote);
[[nodiscard]] Bytes proposal_sign_bytes(const ConsensusDomain& domain, const Proposal& proposal);

// Builds evidence in canonical order from two conflicting votes (either order); nullopt
// when they do not conflict (different validator, type, height or round, or same block).
[[nodiscard]] std::optional<DuplicateVoteEvidence> make_evidence(const Vote& first,
                                                                 const Vote& second);

// Bitmap helpers shared by certificates and their users. A certificate's bitmap for a set
// of n validators is exactly bitmap_bytes(n) bytes with no bit set at or beyond n
// (verify_certificate checks it; the decoder does not know n).
[[nodiscard]] constexpr std::size_t bitmap_bytes(std::size_t validators) noexcept {
    return (validators + 7) / 8;
}
[[nodiscard]] bool bitmap_test(ByteView bitmap, std::size_t index) noexcept;
// Sets bit `index`, growing the bitmap with zero bytes if it is shorter.
void bitmap_set(Bytes& bitmap, std::size_t index);
// The number of bits set.
[[nodiscard]] std::size_t bitmap_count(ByteView bitmap) noexcept;

}  // namespace qtm::chain
