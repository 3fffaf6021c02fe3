// Fuzzes the transactions channel decoder (decode_transactions_message): the first byte is
// the message type, the rest the payload. Any input either fails with a typed error or
// decodes to a message that encodes back to exactly the same type and bytes (canonical RLP),
// and a decoded announcement's three lists have one entry per hash.
#include <cstdint>
#include <cstdlib>
#include <variant>

#include "p2p/wire/transaction_messages.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const auto type = static_cast<std::uint8_t>(data[0] % 4);  // the three types and one unknown
    const qtm::ByteView payload{data + 1, size - 1};
    const auto decoded = qtm::p2p::decode_transactions_message(type, payload);
    if (!decoded) {
        (void)qtm::p2p::to_string(decoded.error());
        return 0;
    }
    if (const auto* a = std::get_if<qtm::p2p::NewPooledTransactionHashes>(&*decoded)) {
        if (a->types.size() != a->hashes.size() || a->sizes.size() != a->hashes.size()) {
            std::abort();
        }
    }
    const qtm::p2p::ChannelMessage back = qtm::p2p::encode_transactions_message(*decoded);
    if (back.channel != qtm::p2p::Channel::kTransactions || back.type != type) std::abort();
    if (!qtm::equal(back.payload, payload)) std::abort();
    return 0;
}
