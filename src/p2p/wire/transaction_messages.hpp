// The messages of the transactions channel, as eth/68 (EIP-5793) with QTM's limits
// (docs/protocol.md, "Peer-to-peer messages"):
//
//   type 0  NewPooledTransactionHashes  rlp([types, [size, ...], [hash, ...]])
//   type 1  GetPooledTransactions       rlp([request_id, [hash, ...]])
//   type 2  PooledTransactions          rlp([request_id, [transaction, ...]])
//
// `types` is a byte string with one transaction type byte per hash; `size` is the
// transaction's encoded size; each transaction is its EIP-2718 encoding as a byte string.
// A node announces transactions by hash, a peer asks for those it lacks, and the answer
// carries those the node still has, in the order asked (fetching is tx_fetcher.hpp).
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "p2p/message.hpp"
#include "p2p/wire/wire_error.hpp"

namespace qtm::p2p {

enum class TransactionsType : std::uint8_t {
    kNewPooledTransactionHashes = 0,
    kGetPooledTransactions = 1,
    kPooledTransactions = 2,
};

// eth/68's soft limits, as geth: 4,096 hashes per announcement, 256 per request.
inline constexpr std::size_t kMaxAnnouncedHashes = 4096;
inline constexpr std::size_t kMaxRequestedTransactions = 256;
// An announcement entry is at most 1 (type) + 5 (size) + 33 (hash) bytes.
inline constexpr std::size_t kMaxAnnouncementBytes = kMaxAnnouncedHashes * 39 + 32;
inline constexpr std::size_t kMaxGetPooledBytes = kMaxRequestedTransactions * 33 + 32;
inline constexpr std::size_t kMaxPooledTransactionsBytes = max_payload_size(Channel::kTransactions);

struct NewPooledTransactionHashes {
    Bytes types;                       // one type byte per hash
    std::vector<std::uint32_t> sizes;  // encoded sizes, at most chain::kMaxTransactionSize
    std::vector<Hash32> hashes;
    friend bool operator==(const NewPooledTransactionHashes&,
                           const NewPooledTransactionHashes&) = default;
};

struct GetPooledTransactions {
    std::uint64_t request_id{0};
    std::vector<Hash32> hashes;
    friend bool operator==(const GetPooledTransactions&, const GetPooledTransactions&) = default;
};

struct PooledTransactions {
    std::uint64_t request_id{0};
    std::vector<Bytes> transactions;  // each decodes as a chain transaction
    friend bool operator==(const PooledTransactions&, const PooledTransactions&) = default;
};

using TransactionsMessage =
    std::variant<NewPooledTransactionHashes, GetPooledTransactions, PooledTransactions>;

[[nodiscard]] ChannelMessage encode_transactions_message(const TransactionsMessage& message);
// `type` and `payload` of a message on the transactions channel. Refuses announcements
// whose three lists differ in length or name a size above chain::kMaxTransactionSize, and
// pooled transactions that do not decode (kBadTransaction; signatures are the pool's).
[[nodiscard]] Result<TransactionsMessage, WireError> decode_transactions_message(std::uint8_t type,
                                                                                 ByteView payload);

}  // namespace qtm::p2p
