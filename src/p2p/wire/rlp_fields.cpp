#include "p2p/wire/rlp_fields.hpp"

namespace qtm::p2p::wire_detail {

WireError classify(rlp::RlpError error) noexcept {
    switch (error) {
        case rlp::RlpError::kUnexpectedList:
        case rlp::RlpError::kUnexpectedString:
            return WireError::kWrongShape;
        case rlp::RlpError::kIntegerOverflow:
        case rlp::RlpError::kUnexpectedLength:
            return WireError::kBadField;
        case rlp::RlpError::kInputTooShort:
        case rlp::RlpError::kLengthPastInput:
        case rlp::RlpError::kNonCanonicalSize:
        case rlp::RlpError::kNonCanonicalSingleByte:
        case rlp::RlpError::kLengthOverflow:
        case rlp::RlpError::kTrailingBytes:
        case rlp::RlpError::kLeadingZeros:
        case rlp::RlpError::kTooDeep:
            return WireError::kMalformedRlp;
    }
    return WireError::kMalformedRlp;
}

WireError classify(chain::ConsensusDecodeError error) noexcept {
    switch (error) {
        case chain::ConsensusDecodeError::kOversized:
            return WireError::kOversized;
        case chain::ConsensusDecodeError::kMalformedRlp:
            return WireError::kMalformedRlp;
        case chain::ConsensusDecodeError::kWrongShape:
            return WireError::kWrongShape;
        case chain::ConsensusDecodeError::kBadField:
            return WireError::kBadField;
        case chain::ConsensusDecodeError::kNotCanonical:
            return WireError::kNotCanonical;
    }
    return WireError::kMalformedRlp;
}

bool FieldReader::present() {
    if (!ok()) return false;
    if (list_.at_end()) {
        fail(WireError::kWrongShape);
        return false;
    }
    return true;
}

std::uint64_t FieldReader::uint(std::uint64_t max) {
    if (!present()) return 0;
    auto value = list_.read_uint64();
    if (!value) {
        fail(classify(value.error()));
        return 0;
    }
    if (*value > max) {
        fail(WireError::kBadField);
        return 0;
    }
    return *value;
}

ByteView FieldReader::string(std::size_t max_size) {
    if (!present()) return {};
    auto value = list_.read_string();
    if (!value) {
        fail(classify(value.error()));
        return {};
    }
    if (value->size() > max_size) {
        fail(WireError::kBadField);
        return {};
    }
    return *value;
}

Hash32 FieldReader::hash() {
    Hash32 out{};
    if (!present()) return out;
    auto value = list_.read_fixed<32>();
    if (!value) {
        fail(classify(value.error()));
        return out;
    }
    return *value;
}

rlp::Decoder FieldReader::list() {
    if (!present()) return rlp::Decoder{ByteView{}};
    auto value = list_.read_list();
    if (!value) {
        fail(classify(value.error()));
        return rlp::Decoder{ByteView{}};
    }
    return *value;
}

ByteView FieldReader::raw() {
    if (!present()) return {};
    auto value = list_.read_raw();
    if (!value) {
        fail(classify(value.error()));
        return {};
    }
    return *value;
}

Result<void, WireError> FieldReader::finish() {
    if (ok() && !list_.at_end()) fail(WireError::kWrongShape);
    if (!ok()) return unexpected(*error_);
    return {};
}

Result<rlp::Decoder, WireError> outer_list(ByteView payload, std::size_t max_bytes) {
    if (payload.size() > max_bytes) return unexpected(WireError::kOversized);
    rlp::Decoder outer{payload};
    if (outer.at_end()) return unexpected(WireError::kMalformedRlp);
    auto list = outer.read_list();
    if (!list) return unexpected(classify(list.error()));
    if (!outer.finish()) return unexpected(WireError::kMalformedRlp);
    return *list;
}

Result<std::vector<Hash32>, WireError> read_hashes(rlp::Decoder list, std::size_t max_count) {
    std::vector<Hash32> hashes;
    while (!list.at_end()) {
        if (hashes.size() == max_count) return unexpected(WireError::kTooManyItems);
        auto hash = list.read_fixed<32>();
        if (!hash) return unexpected(classify(hash.error()));
        hashes.push_back(*hash);
    }
    return hashes;
}

void append_hashes(Bytes& out, const std::vector<Hash32>& hashes) {
    Bytes payload;
    payload.reserve(hashes.size() * 33);
    for (const Hash32& hash : hashes)
        rlp::append_string(payload, hash);
    rlp::append_list(out, payload);
}

}  // namespace qtm::p2p::wire_detail
