// Reading the fields of a p2p message's RLP list with the wire's typed errors: the first
// failure sticks, so a decoder reads every field and checks once. Internal to src/p2p/wire.
#pragma once

#include <cstdint>
#include <optional>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "chain/consensus/types.hpp"
#include "codec/rlp.hpp"
#include "p2p/wire/wire_error.hpp"

namespace qtm::p2p::wire_detail {

[[nodiscard]] WireError classify(rlp::RlpError error) noexcept;
[[nodiscard]] WireError classify(chain::ConsensusDecodeError error) noexcept;

class FieldReader {
public:
    explicit FieldReader(rlp::Decoder list) noexcept : list_{list} {}

    std::uint64_t uint(std::uint64_t max);
    ByteView string(std::size_t max_size);
    Hash32 hash();
    rlp::Decoder list();
    // The next item's whole encoding (an embedded message decoded by its own decoder).
    ByteView raw();
    void fail(WireError error) noexcept {
        if (!error_) error_ = error;
    }
    [[nodiscard]] bool ok() const noexcept { return !error_.has_value(); }
    // Every field read, nothing left over.
    [[nodiscard]] Result<void, WireError> finish();

private:
    bool present();
    rlp::Decoder list_;
    std::optional<WireError> error_;
};

// The size bound first, then the one list that must span `payload`.
[[nodiscard]] Result<rlp::Decoder, WireError> outer_list(ByteView payload, std::size_t max_bytes);

// Reads up to `max_count` 32-byte hashes from `list` (the items of one RLP list).
[[nodiscard]] Result<std::vector<Hash32>, WireError> read_hashes(rlp::Decoder list,
                                                                 std::size_t max_count);
void append_hashes(Bytes& out, const std::vector<Hash32>& hashes);

}  // namespace qtm::p2p::wire_detail
