// Fuzzes the compact proposal decoder (decode_proposal_message) and the rebuild that follows
// it (CompactBlockBuilder). The input is a proposal payload, optionally followed by raw
// transactions to deliver: the first two bytes give the payload's length. A payload either
// fails with a typed error or decodes to a message that encodes back to exactly the same
// bytes (canonical RLP); the builder then lists each missing hash once, refuses what it did
// not ask for with a typed error, and assembles (roots checked) only once complete.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <set>

#include "p2p/wire/compact_block.hpp"

namespace {

class NoPool final : public qtm::p2p::TransactionLookup {
public:
    std::optional<qtm::Bytes> find_transaction(const qtm::Hash32&) const override {
        return std::nullopt;
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::size_t length = std::min<std::size_t>(
        size - 2, static_cast<std::size_t>(data[0]) << 8 | static_cast<std::size_t>(data[1]));
    const qtm::ByteView payload{data + 2, length};
    const auto decoded = qtm::p2p::decode_proposal_message(payload);
    if (!decoded) {
        (void)qtm::p2p::to_string(decoded.error());
        return 0;
    }
    if (!qtm::equal(qtm::p2p::encode_proposal_message(*decoded), payload)) std::abort();

    qtm::p2p::CompactBlockBuilder builder{*decoded};
    const auto missing = builder.fill_from(NoPool{});
    const std::set<qtm::Hash32> unique(decoded->transaction_hashes.begin(),
                                       decoded->transaction_hashes.end());
    if (missing.size() != unique.size()) std::abort();
    // The rest of the input, in chunks whose sizes it gives, as fetched transactions.
    qtm::ByteView rest{data + 2 + length, size - 2 - length};
    while (rest.size() >= 2) {
        const std::size_t n =
            std::min<std::size_t>(rest.size() - 2, static_cast<std::size_t>(rest[0]) << 8 |
                                                       static_cast<std::size_t>(rest[1]));
        const auto added = builder.add_transaction(rest.subspan(2, n));
        if (!added && !qtm::p2p::peer_is_to_blame(added.error())) std::abort();
        rest = rest.subspan(2 + n);
    }
    if (builder.complete()) {
        const auto block = builder.assemble();
        if (block && block->transactions.size() != decoded->transaction_hashes.size()) {
            std::abort();
        }
    }
    return 0;
}
