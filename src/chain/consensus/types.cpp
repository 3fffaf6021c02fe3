#include "chain/consensus/types.hpp"

#include <bit>
#include <limits>

#include "codec/rlp.hpp"

namespace qtm::chain {

std::string_view to_string(ConsensusDecodeError error) noexcept {
    switch (error) {
        case ConsensusDecodeError::kOversized:
            return "consensus message larger than its size bound";
        case ConsensusDecodeError::kMalformedRlp:
            return "consensus message is not canonical RLP (or has trailing bytes)";
        case ConsensusDecodeError::kWrongShape:
            return "consensus message has the wrong number or kind of fields";
        case ConsensusDecodeError::kBadField:
            return "consensus message has a field out of range";
        case ConsensusDecodeError::kNotCanonical:
            return "consensus message is not in canonical form";
    }
    return "invalid";
}

namespace {

using DecodeResult = Unexpected<ConsensusDecodeError>;

DecodeResult fail(ConsensusDecodeError error) {
    return unexpected(error);
}

// Shapes (a list where a string belongs, a missing or extra field) are told apart from
// values out of range and from RLP that is not canonical.
ConsensusDecodeError classify(rlp::RlpError error) {
    switch (error) {
        case rlp::RlpError::kUnexpectedList:
        case rlp::RlpError::kUnexpectedString:
            return ConsensusDecodeError::kWrongShape;
        case rlp::RlpError::kIntegerOverflow:
        case rlp::RlpError::kUnexpectedLength:
            return ConsensusDecodeError::kBadField;
        default:
            return ConsensusDecodeError::kMalformedRlp;
    }
}

// Reads the fields of one list in order; the first failure sticks, so a decoder reads every
// field and checks once.
class Fields {
public:
    explicit Fields(rlp::Decoder list) : list_{list} {}

    std::uint64_t uint(std::uint64_t max) {
        if (!present()) return 0;
        auto value = list_.read_uint64();
        if (!value) {
            record(classify(value.error()));
            return 0;
        }
        if (*value > max) {
            record(ConsensusDecodeError::kBadField);
            return 0;
        }
        return *value;
    }
    ByteView string(std::size_t max_size) {
        if (!present()) return {};
        auto value = list_.read_string();
        if (!value) {
            record(classify(value.error()));
            return ByteView{};
        }
        if (value->size() > max_size) {
            record(ConsensusDecodeError::kBadField);
            return ByteView{};
        }
        return *value;
    }
    Hash32 hash() {
        Hash32 out{};
        const ByteView bytes = string(32);
        if (ok() && bytes.size() != 32) record(ConsensusDecodeError::kBadField);
        if (ok()) std::copy(bytes.begin(), bytes.end(), out.begin());
        return out;
    }
    // A 32-byte hash, or the empty string for nil.
    std::optional<Hash32> optional_hash() {
        const ByteView bytes = string(32);
        if (!ok() || bytes.empty()) return std::nullopt;
        if (bytes.size() != 32) {
            record(ConsensusDecodeError::kBadField);
            return std::nullopt;
        }
        Hash32 out{};
        std::copy(bytes.begin(), bytes.end(), out.begin());
        return out;
    }
    rlp::Decoder list() {
        if (!present()) return rlp::Decoder{ByteView{}};
        auto value = list_.read_list();
        if (!value) {
            record(classify(value.error()));
            return rlp::Decoder{ByteView{}};
        }
        return *value;
    }
    ByteView raw() {
        if (!present()) return {};
        auto value = list_.read_raw();
        if (!value) {
            record(classify(value.error()));
            return ByteView{};
        }
        return *value;
    }
    // Every field was read and nothing is left over.
    Result<void, ConsensusDecodeError> finish() {
        if (ok() && !list_.at_end()) record(ConsensusDecodeError::kWrongShape);
        if (!ok()) return fail(*error_);
        return {};
    }
    [[nodiscard]] bool ok() const noexcept { return !error_.has_value(); }
    [[nodiscard]] bool at_end() const noexcept { return list_.at_end(); }
    void record(ConsensusDecodeError error) {
        if (!error_) error_ = error;
    }

private:
    bool present() {
        if (!ok()) return false;
        if (list_.at_end()) {
            record(ConsensusDecodeError::kWrongShape);
            return false;
        }
        return true;
    }

    rlp::Decoder list_;
    std::optional<ConsensusDecodeError> error_;
};

// The fields of the one list that must span `encoded`.
Result<rlp::Decoder, ConsensusDecodeError> outer_list(ByteView encoded) {
    rlp::Decoder outer{encoded};
    if (outer.at_end()) return fail(ConsensusDecodeError::kMalformedRlp);
    auto list = outer.read_list();
    if (!list) return fail(classify(list.error()));
    if (!outer.finish()) return fail(ConsensusDecodeError::kMalformedRlp);
    return *list;
}

constexpr std::uint64_t kMaxRound = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint64_t kMaxIndex = kMaxValidators - 1;
constexpr std::uint64_t kMaxUint64 = std::numeric_limits<std::uint64_t>::max();

void append_optional_hash(Bytes& out, const std::optional<Hash32>& hash) {
    if (hash) {
        rlp::append_string(out, *hash);
    } else {
        rlp::append_string(out, ByteView{});
    }
}

Bytes wrap_list(const Bytes& payload) {
    Bytes out;
    out.reserve(payload.size() + 9);
    rlp::append_list(out, payload);
    return out;
}

std::uint64_t pol_field(const std::optional<std::uint32_t>& pol_round) {
    return pol_round ? std::uint64_t{*pol_round} + 1 : 0;
}

}  // namespace

Bytes encode_vote(const Vote& vote) {
    Bytes payload;
    payload.reserve(64 + vote.signature.size());
    rlp::append_uint(payload, static_cast<std::uint8_t>(vote.type));
    rlp::append_uint(payload, vote.height);
    rlp::append_uint(payload, vote.round);
    append_optional_hash(payload, vote.block_hash);
    rlp::append_uint(payload, vote.validator_index);
    rlp::append_string(payload, vote.signature);
    return wrap_list(payload);
}

Result<Vote, ConsensusDecodeError> decode_vote(ByteView encoded) {
    if (encoded.size() > kMaxVoteBytes) return fail(ConsensusDecodeError::kOversized);
    auto list = outer_list(encoded);
    if (!list) return fail(list.error());
    Fields fields{*list};
    Vote vote;
    const std::uint64_t type = fields.uint(0xff);
    if (fields.ok() && type != static_cast<std::uint8_t>(VoteType::kPrevote) &&
        type != static_cast<std::uint8_t>(VoteType::kPrecommit)) {
        fields.record(ConsensusDecodeError::kBadField);
    }
    vote.type = static_cast<VoteType>(type);
    vote.height = fields.uint(kMaxUint64);
    vote.round = static_cast<std::uint32_t>(fields.uint(kMaxRound));
    vote.block_hash = fields.optional_hash();
    vote.validator_index = static_cast<std::uint32_t>(fields.uint(kMaxIndex));
    const ByteView signature = fields.string(kMaxSignatureBytes);
    if (auto done = fields.finish(); !done) return fail(done.error());
    vote.signature = to_bytes(signature);
    return vote;
}

Bytes encode_proposal(const Proposal& proposal) {
    Bytes payload;
    payload.reserve(96 + proposal.signature.size());
    rlp::append_uint(payload, proposal.height);
    rlp::append_uint(payload, proposal.round);
    rlp::append_uint(payload, pol_field(proposal.pol_round));
    rlp::append_string(payload, proposal.block_hash);
    rlp::append_uint(payload, proposal.timestamp_ms);
    rlp::append_uint(payload, proposal.proposer_index);
    rlp::append_string(payload, proposal.signature);
    return wrap_list(payload);
}

Result<Proposal, ConsensusDecodeError> decode_proposal(ByteView encoded) {
    if (encoded.size() > kMaxProposalBytes) return fail(ConsensusDecodeError::kOversized);
    auto list = outer_list(encoded);
    if (!list) return fail(list.error());
    Fields fields{*list};
    Proposal proposal;
    proposal.height = fields.uint(kMaxUint64);
    proposal.round = static_cast<std::uint32_t>(fields.uint(kMaxRound));
    // The proof-of-lock round lies strictly below the proposal's round.
    const std::uint64_t pol = fields.uint(proposal.round);
    if (pol != 0) proposal.pol_round = static_cast<std::uint32_t>(pol - 1);
    proposal.block_hash = fields.hash();
    proposal.timestamp_ms = fields.uint(kMaxUint64);
    proposal.proposer_index = static_cast<std::uint32_t>(fields.uint(kMaxIndex));
    const ByteView signature = fields.string(kMaxSignatureBytes);
    if (auto done = fields.finish(); !done) return fail(done.error());
    proposal.signature = to_bytes(signature);
    return proposal;
}

Bytes encode_certificate(const CommitCertificate& certificate) {
    std::size_t signatures_size = 0;
    for (const Bytes& signature : certificate.signatures) {
        signatures_size += rlp::string_size(signature);
    }
    Bytes payload;
    payload.reserve(64 + certificate.signer_bitmap.size() + signatures_size + 9);
    rlp::append_uint(payload, certificate.height);
    rlp::append_uint(payload, certificate.round);
    rlp::append_string(payload, certificate.block_hash);
    rlp::append_string(payload, certificate.signer_bitmap);
    rlp::append_list_header(payload, signatures_size);
    for (const Bytes& signature : certificate.signatures)
        rlp::append_string(payload, signature);
    return wrap_list(payload);
}

Result<CommitCertificate, ConsensusDecodeError> decode_certificate(ByteView encoded) {
    if (encoded.size() > kMaxCertificateBytes) return fail(ConsensusDecodeError::kOversized);
    auto list = outer_list(encoded);
    if (!list) return fail(list.error());
    Fields fields{*list};
    CommitCertificate certificate;
    certificate.height = fields.uint(kMaxUint64);
    certificate.round = static_cast<std::uint32_t>(fields.uint(kMaxRound));
    certificate.block_hash = fields.hash();
    const ByteView bitmap = fields.string(bitmap_bytes(kMaxValidators));
    rlp::Decoder signatures_list = fields.list();
    if (auto done = fields.finish(); !done) return fail(done.error());
    certificate.signer_bitmap = to_bytes(bitmap);

    // The signatures of the validators whose bit is set, one each: counted per item, so
    // that a hostile list can make us hold no more than the bitmap allows.
    Fields signatures{signatures_list};
    const std::size_t expected = bitmap_count(bitmap);
    while (!signatures.at_end()) {
        if (certificate.signatures.size() == expected) {
            return fail(ConsensusDecodeError::kBadField);
        }
        const ByteView signature = signatures.string(kMaxSignatureBytes);
        if (!signatures.ok()) break;
        certificate.signatures.push_back(to_bytes(signature));
    }
    if (auto done = signatures.finish(); !done) return fail(done.error());
    if (certificate.signatures.size() != expected) return fail(ConsensusDecodeError::kBadField);
    return certificate;
}

Bytes encode_evidence(const DuplicateVoteEvidence& evidence) {
    Bytes payload = encode_vote(evidence.vote_a);
    const Bytes second = encode_vote(evidence.vote_b);
    payload.insert(payload.end(), second.begin(), second.end());
    return wrap_list(payload);
}

Result<DuplicateVoteEvidence, ConsensusDecodeError> decode_evidence(ByteView encoded) {
    if (encoded.size() > kMaxEvidenceBytes) return fail(ConsensusDecodeError::kOversized);
    auto list = outer_list(encoded);
    if (!list) return fail(list.error());
    Fields fields{*list};
    const ByteView first = fields.raw();
    const ByteView second = fields.raw();
    if (auto done = fields.finish(); !done) return fail(done.error());
    // Each vote is a list; decode_vote reports a string in its place as kWrongShape.
    auto vote_a = decode_vote(first);
    if (!vote_a) return fail(vote_a.error());
    auto vote_b = decode_vote(second);
    if (!vote_b) return fail(vote_b.error());
    // One encoding per piece of evidence: the lower block hash (nil first) comes first.
    // Equal hashes are not evidence at all, which verify_evidence reports.
    if (vote_b->block_hash < vote_a->block_hash) return fail(ConsensusDecodeError::kNotCanonical);
    return DuplicateVoteEvidence{std::move(*vote_a), std::move(*vote_b)};
}

Bytes vote_sign_bytes(const ConsensusDomain& domain, VoteType type, std::uint64_t height,
                      std::uint32_t round, const std::optional<Hash32>& block_hash) {
    Bytes payload;
    payload.reserve(96);
    rlp::append_uint(payload, domain.chain_id);
    rlp::append_string(payload, domain.genesis_hash);
    rlp::append_uint(payload, static_cast<std::uint8_t>(type));
    rlp::append_uint(payload, height);
    rlp::append_uint(payload, round);
    append_optional_hash(payload, block_hash);
    return wrap_list(payload);
}

Bytes vote_sign_bytes(const ConsensusDomain& domain, const Vote& vote) {
    return vote_sign_bytes(domain, vote.type, vote.height, vote.round, vote.block_hash);
}

Bytes proposal_sign_bytes(const ConsensusDomain& domain, const Proposal& proposal) {
    Bytes payload;
    payload.reserve(128);
    rlp::append_uint(payload, domain.chain_id);
    rlp::append_string(payload, domain.genesis_hash);
    rlp::append_uint(payload, kProposalSignType);
    rlp::append_uint(payload, proposal.height);
    rlp::append_uint(payload, proposal.round);
    rlp::append_uint(payload, pol_field(proposal.pol_round));
    rlp::append_string(payload, proposal.block_hash);
    rlp::append_uint(payload, proposal.timestamp_ms);
    return wrap_list(payload);
}

std::optional<DuplicateVoteEvidence> make_evidence(const Vote& first, const Vote& second) {
    if (first.validator_index != second.validator_index || first.type != second.type ||
        first.height != second.height || first.round != second.round ||
        first.block_hash == second.block_hash) {
        return std::nullopt;
    }
    if (second.block_hash < first.block_hash) return DuplicateVoteEvidence{second, first};
    return DuplicateVoteEvidence{first, second};
}

bool bitmap_test(ByteView bitmap, std::size_t index) noexcept {
    const std::size_t byte = index / 8;
    return byte < bitmap.size() && ((bitmap[byte] >> (index % 8)) & 1U) != 0;
}

void bitmap_set(Bytes& bitmap, std::size_t index) {
    const std::size_t byte = index / 8;
    if (byte >= bitmap.size()) bitmap.resize(byte + 1, 0);
    bitmap[byte] = static_cast<std::uint8_t>(bitmap[byte] | (1U << (index % 8)));
}

std::size_t bitmap_count(ByteView bitmap) noexcept {
    std::size_t count = 0;
    for (const std::uint8_t byte : bitmap)
        count += static_cast<std::size_t>(std::popcount(byte));
    return count;
}

}  // namespace qtm::chain
