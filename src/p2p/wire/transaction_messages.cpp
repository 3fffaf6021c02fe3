#include "p2p/wire/transaction_messages.hpp"

#include "chain/transaction.hpp"
#include "codec/rlp.hpp"
#include "p2p/wire/rlp_fields.hpp"

namespace qtm::p2p {

using wire_detail::FieldReader;

namespace {

constexpr std::uint64_t kMaxRequestId = ~std::uint64_t{0};

Bytes wrap(const Bytes& payload) {
    Bytes out;
    out.reserve(payload.size() + 9);
    rlp::append_list(out, payload);
    return out;
}

Bytes encode_announcement(const NewPooledTransactionHashes& m) {
    Bytes payload;
    rlp::append_string(payload, m.types);
    Bytes sizes;
    for (const std::uint32_t size : m.sizes)
        rlp::append_uint(sizes, size);
    rlp::append_list(payload, sizes);
    wire_detail::append_hashes(payload, m.hashes);
    return wrap(payload);
}

Bytes encode_request(const GetPooledTransactions& m) {
    Bytes payload;
    rlp::append_uint(payload, m.request_id);
    wire_detail::append_hashes(payload, m.hashes);
    return wrap(payload);
}

Bytes encode_pooled(const PooledTransactions& m) {
    Bytes payload;
    rlp::append_uint(payload, m.request_id);
    Bytes transactions;
    for (const Bytes& tx : m.transactions)
        rlp::append_string(transactions, tx);
    rlp::append_list(payload, transactions);
    return wrap(payload);
}

Result<TransactionsMessage, WireError> decode_announcement(ByteView payload) {
    auto list = wire_detail::outer_list(payload, kMaxAnnouncementBytes);
    if (!list) return unexpected(list.error());
    FieldReader fields{*list};
    NewPooledTransactionHashes m;
    m.types = to_bytes(fields.string(kMaxAnnouncementBytes));
    rlp::Decoder sizes = fields.list();
    rlp::Decoder hashes = fields.list();
    if (auto done = fields.finish(); !done) return unexpected(done.error());
    if (m.types.size() > kMaxAnnouncedHashes) return unexpected(WireError::kTooManyItems);
    while (!sizes.at_end()) {
        if (m.sizes.size() == kMaxAnnouncedHashes) return unexpected(WireError::kTooManyItems);
        auto size = sizes.read_uint64();
        if (!size) return unexpected(wire_detail::classify(size.error()));
        if (*size == 0 || *size > chain::kMaxTransactionSize) {
            return unexpected(WireError::kBadField);
        }
        m.sizes.push_back(static_cast<std::uint32_t>(*size));
    }
    auto read = wire_detail::read_hashes(hashes, kMaxAnnouncedHashes);
    if (!read) return unexpected(read.error());
    m.hashes = std::move(*read);
    if (m.types.size() != m.hashes.size() || m.sizes.size() != m.hashes.size()) {
        return unexpected(WireError::kWrongShape);
    }
    return TransactionsMessage{std::move(m)};
}

Result<TransactionsMessage, WireError> decode_request(ByteView payload) {
    auto list = wire_detail::outer_list(payload, kMaxGetPooledBytes);
    if (!list) return unexpected(list.error());
    FieldReader fields{*list};
    GetPooledTransactions m;
    m.request_id = fields.uint(kMaxRequestId);
    rlp::Decoder hashes = fields.list();
    if (auto done = fields.finish(); !done) return unexpected(done.error());
    auto read = wire_detail::read_hashes(hashes, kMaxRequestedTransactions);
    if (!read) return unexpected(read.error());
    m.hashes = std::move(*read);
    return TransactionsMessage{std::move(m)};
}

Result<TransactionsMessage, WireError> decode_pooled(ByteView payload) {
    auto list = wire_detail::outer_list(payload, kMaxPooledTransactionsBytes);
    if (!list) return unexpected(list.error());
    FieldReader fields{*list};
    PooledTransactions m;
    m.request_id = fields.uint(kMaxRequestId);
    rlp::Decoder transactions = fields.list();
    if (auto done = fields.finish(); !done) return unexpected(done.error());
    while (!transactions.at_end()) {
        if (m.transactions.size() == kMaxRequestedTransactions) {
            return unexpected(WireError::kTooManyItems);
        }
        auto tx = transactions.read_string();
        if (!tx) return unexpected(wire_detail::classify(tx.error()));
        if (!chain::decode_transaction(*tx)) return unexpected(WireError::kBadTransaction);
        m.transactions.push_back(to_bytes(*tx));
    }
    return TransactionsMessage{std::move(m)};
}

}  // namespace

ChannelMessage encode_transactions_message(const TransactionsMessage& message) {
    struct Encoder {
        ChannelMessage operator()(const NewPooledTransactionHashes& m) const {
            return {Channel::kTransactions,
                    static_cast<std::uint8_t>(TransactionsType::kNewPooledTransactionHashes),
                    encode_announcement(m)};
        }
        ChannelMessage operator()(const GetPooledTransactions& m) const {
            return {Channel::kTransactions,
                    static_cast<std::uint8_t>(TransactionsType::kGetPooledTransactions),
                    encode_request(m)};
        }
        ChannelMessage operator()(const PooledTransactions& m) const {
            return {Channel::kTransactions,
                    static_cast<std::uint8_t>(TransactionsType::kPooledTransactions),
                    encode_pooled(m)};
        }
    };
    return std::visit(Encoder{}, message);
}

Result<TransactionsMessage, WireError> decode_transactions_message(std::uint8_t type,
                                                                   ByteView payload) {
    switch (static_cast<TransactionsType>(type)) {
        case TransactionsType::kNewPooledTransactionHashes:
            return decode_announcement(payload);
        case TransactionsType::kGetPooledTransactions:
            return decode_request(payload);
        case TransactionsType::kPooledTransactions:
            return decode_pooled(payload);
    }
    return unexpected(WireError::kUnknownType);
}

}  // namespace qtm::p2p
