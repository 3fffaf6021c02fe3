#include "chain/block.hpp"

#include "base/endian.hpp"
#include "codec/rlp.hpp"
#include "crypto/keccak.hpp"
#include "trie/trie.hpp"

namespace qtm::chain {

std::string_view to_string(BlockDecodeError error) noexcept {
    switch (error) {
        case BlockDecodeError::kMalformedHeader:
            return "malformed block header";
        case BlockDecodeError::kMalformedBody:
            return "malformed block body";
        case BlockDecodeError::kBadTransaction:
            return "malformed transaction in block body";
        case BlockDecodeError::kMalformedReceipt:
            return "malformed receipt";
        case BlockDecodeError::kBadEvidence:
            return "malformed evidence in block body";
        case BlockDecodeError::kTooMuchEvidence:
            return "more evidence in block body than the protocol's maximum (16)";
    }
    return "malformed block";
}

namespace {

void append_log(Bytes& out, const state::Log& log) {
    const std::size_t topics = log.topics.size() * 33;
    const std::size_t payload = 21 + rlp::header_size(topics) + topics + rlp::string_size(log.data);
    rlp::append_list_header(out, payload);
    rlp::append_string(out, log.address);
    rlp::append_list_header(out, topics);
    for (const auto& topic : log.topics)
        rlp::append_string(out, topic);
    rlp::append_string(out, log.data);
}

// The items of a list of logs, each [address, [topic, ...], data]; false if one is malformed.
bool read_logs(rlp::Decoder& logs, std::vector<state::Log>& out) {
    while (!logs.at_end()) {
        auto item = logs.read_list();
        if (!item) return false;
        state::Log log;
        auto address = item->read_fixed<20>();
        auto topics = item->read_list();
        auto data = item->read_string();
        if (!address || !topics || !data || !item->finish()) return false;
        log.address = *address;
        while (!topics->at_end()) {
            auto topic = topics->read_fixed<32>();
            if (!topic) return false;
            log.topics.push_back(*topic);
        }
        log.data.assign(data->begin(), data->end());
        out.push_back(std::move(log));
    }
    return true;
}

Bytes wrap_list(const Bytes& payload) {
    Bytes out;
    rlp::append_list(out, payload);
    return out;
}

}  // namespace

Bytes encode_header(const Header& header) {
    Bytes payload;
    payload.reserve(600 + header.extra_data.size() + header.parent_commit.size());
    rlp::append_string(payload, header.parent_hash);
    rlp::append_uint(payload, header.number);
    rlp::append_uint(payload, header.timestamp);
    rlp::append_string(payload, header.proposer);
    rlp::append_string(payload, header.state_root);
    rlp::append_string(payload, header.transactions_root);
    rlp::append_string(payload, header.receipts_root);
    rlp::append_string(payload, header.logs_bloom);
    rlp::append_uint(payload, header.gas_limit);
    rlp::append_uint(payload, header.gas_used);
    rlp::append_u256(payload, header.base_fee);
    rlp::append_string(payload, header.evidence_root);
    rlp::append_string(payload, header.validators_hash);
    rlp::append_string(payload, header.extra_data);
    rlp::append_string(payload, header.parent_commit);
    return wrap_list(payload);
}

Result<Header, BlockDecodeError> decode_header(ByteView encoded) {
    const auto malformed = unexpected(BlockDecodeError::kMalformedHeader);
    rlp::Decoder outer{encoded};
    auto fields = outer.read_list();
    if (!fields || !outer.finish()) return malformed;
    Header header;
    auto parent = fields->read_fixed<32>();
    auto number = fields->read_uint64();
    auto timestamp = fields->read_uint64();
    auto proposer = fields->read_fixed<20>();
    auto state_root = fields->read_fixed<32>();
    auto tx_root = fields->read_fixed<32>();
    auto receipts_root = fields->read_fixed<32>();
    auto bloom = fields->read_fixed<256>();
    auto gas_limit = fields->read_uint64();
    auto gas_used = fields->read_uint64();
    auto base_fee = fields->read_u256();
    auto ev_root = fields->read_fixed<32>();
    auto validators = fields->read_fixed<32>();
    auto extra = fields->read_string();
    auto commit = fields->read_string();
    if (!parent || !number || !timestamp || !proposer || !state_root || !tx_root ||
        !receipts_root || !bloom || !gas_limit || !gas_used || !base_fee || !ev_root ||
        !validators || !extra || !commit || !fields->finish()) {
        return malformed;
    }
    header.parent_hash = *parent;
    header.number = *number;
    header.timestamp = *timestamp;
    header.proposer = *proposer;
    header.state_root = *state_root;
    header.transactions_root = *tx_root;
    header.receipts_root = *receipts_root;
    header.logs_bloom = *bloom;
    header.gas_limit = *gas_limit;
    header.gas_used = *gas_used;
    header.base_fee = *base_fee;
    header.evidence_root = *ev_root;
    header.validators_hash = *validators;
    header.extra_data.assign(extra->begin(), extra->end());
    header.parent_commit.assign(commit->begin(), commit->end());
    return header;
}

Hash32 block_hash(const Header& header) {
    return crypto::keccak256(encode_header(header));
}

namespace {

// [[transaction, ...], [evidence, ...]] without the outer list header: the body's payload,
// which is also the tail of a block's payload.
Bytes body_payload(const std::vector<Bytes>& encoded_transactions,
                   const std::vector<DuplicateVoteEvidence>& evidence) {
    std::size_t total = 0;
    for (const auto& tx : encoded_transactions)
        total += tx.size() + 9;
    Bytes transactions;
    transactions.reserve(total);
    for (const auto& tx : encoded_transactions)
        rlp::append_string(transactions, tx);
    Bytes items;
    for (const auto& piece : evidence) {
        const Bytes encoded = encode_evidence(piece);
        items.insert(items.end(), encoded.begin(), encoded.end());
    }
    Bytes payload;
    payload.reserve(transactions.size() + items.size() + 18);
    rlp::append_list(payload, transactions);
    rlp::append_list(payload, items);
    return payload;
}

std::vector<Bytes> encode_each(const std::vector<Transaction>& transactions) {
    std::vector<Bytes> out;
    out.reserve(transactions.size());
    for (const auto& tx : transactions)
        out.push_back(encode(tx));
    return out;
}

// Reads [transaction, ...], [evidence, ...] from `items` (a block's or a body's list).
Result<Body, BlockDecodeError> read_body(rlp::Decoder& items) {
    const auto malformed = unexpected(BlockDecodeError::kMalformedBody);
    auto transactions = items.read_list();
    auto evidence = items.read_list();
    if (!transactions || !evidence || !items.finish()) return malformed;
    Body body;
    while (!transactions->at_end()) {
        auto bytes = transactions->read_string();
        if (!bytes) return malformed;
        auto tx = decode_transaction(*bytes);
        if (!tx) return unexpected(BlockDecodeError::kBadTransaction);
        body.transactions.push_back(std::move(*tx));
    }
    while (!evidence->at_end()) {
        // The bound before the work: a peer cannot make us decode a thousand votes.
        if (body.evidence.size() == kMaxEvidencePerBlock) {
            return unexpected(BlockDecodeError::kTooMuchEvidence);
        }
        auto raw = evidence->read_raw();
        if (!raw) return malformed;
        auto piece = decode_evidence(*raw);
        if (!piece) return unexpected(BlockDecodeError::kBadEvidence);
        body.evidence.push_back(std::move(*piece));
    }
    return body;
}

}  // namespace

void BodySize::add_transaction(std::size_t encoded_size) noexcept {
    // A transaction is a string item of the transactions list.
    transactions_payload_ += rlp::header_size(encoded_size) + encoded_size;
}

void BodySize::add_evidence(std::size_t encoded_size) noexcept {
    evidence_payload_ += encoded_size;  // an evidence is already an RLP list
}

std::size_t BodySize::total() const noexcept {
    const std::size_t payload = rlp::header_size(transactions_payload_) + transactions_payload_ +
                                rlp::header_size(evidence_payload_) + evidence_payload_;
    return rlp::header_size(payload) + payload;
}

std::size_t BodySize::total_with_transaction(std::size_t encoded_size) const noexcept {
    BodySize grown = *this;
    grown.add_transaction(encoded_size);
    return grown.total();
}

Bytes encode_body(const std::vector<Transaction>& transactions,
                  const std::vector<DuplicateVoteEvidence>& evidence) {
    return wrap_list(body_payload(encode_each(transactions), evidence));
}

Bytes encode_body_of_encoded(const std::vector<Bytes>& encoded_transactions,
                             const std::vector<DuplicateVoteEvidence>& evidence) {
    return wrap_list(body_payload(encoded_transactions, evidence));
}

Result<Body, BlockDecodeError> decode_body(ByteView encoded) {
    rlp::Decoder outer{encoded};
    auto list = outer.read_list();
    if (!list || !outer.finish()) return unexpected(BlockDecodeError::kMalformedBody);
    return read_body(*list);
}

Bytes encode_block(const Block& block) {
    Bytes payload = encode_header(block.header);
    const Bytes body = body_payload(encode_each(block.transactions), block.evidence);
    payload.insert(payload.end(), body.begin(), body.end());
    return wrap_list(payload);
}

Result<Block, BlockDecodeError> decode_block(ByteView encoded) {
    rlp::Decoder outer{encoded};
    auto list = outer.read_list();
    if (!list || !outer.finish()) return unexpected(BlockDecodeError::kMalformedBody);
    auto header_bytes = list->read_raw();
    if (!header_bytes) return unexpected(BlockDecodeError::kMalformedBody);
    auto header = decode_header(*header_bytes);
    if (!header) return unexpected(header.error());
    auto body = read_body(*list);
    if (!body) return unexpected(body.error());
    return Block{std::move(*header), std::move(body->transactions), std::move(body->evidence)};
}

Bytes encode_receipt(const Receipt& receipt) {
    Bytes logs;
    for (const auto& log : receipt.logs)
        append_log(logs, log);
    Bytes payload;
    rlp::append_uint(payload, receipt.success ? 1 : 0);
    rlp::append_uint(payload, receipt.cumulative_gas_used);
    rlp::append_string(payload, receipt.logs_bloom);
    rlp::append_list(payload, logs);
    Bytes out{kTransactionType};
    rlp::append_list(out, payload);
    return out;
}

Result<Receipt, BlockDecodeError> decode_receipt(ByteView encoded) {
    const auto malformed = unexpected(BlockDecodeError::kMalformedReceipt);
    if (encoded.empty() || encoded[0] != kTransactionType) return malformed;
    rlp::Decoder outer{encoded.subspan(1)};
    auto fields = outer.read_list();
    if (!fields || !outer.finish()) return malformed;
    auto status = fields->read_uint64();
    auto cumulative = fields->read_uint64();
    auto bloom = fields->read_fixed<256>();
    auto logs = fields->read_list();
    if (!status || *status > 1 || !cumulative || !bloom || !logs) return malformed;
    Receipt receipt;
    receipt.success = *status == 1;
    receipt.cumulative_gas_used = *cumulative;
    receipt.logs_bloom = *bloom;
    if (!read_logs(*logs, receipt.logs) || !fields->finish()) return malformed;
    return receipt;
}

Bytes encode_receipts(const std::vector<Receipt>& receipts) {
    Bytes payload;
    for (const auto& receipt : receipts)
        rlp::append_string(payload, encode_receipt(receipt));
    return wrap_list(payload);
}

Result<std::vector<Receipt>, BlockDecodeError> decode_receipts(ByteView encoded) {
    rlp::Decoder outer{encoded};
    auto list = outer.read_list();
    if (!list || !outer.finish()) return unexpected(BlockDecodeError::kMalformedReceipt);
    std::vector<Receipt> receipts;
    while (!list->at_end()) {
        auto bytes = list->read_string();
        if (!bytes) return unexpected(BlockDecodeError::kMalformedReceipt);
        auto receipt = decode_receipt(*bytes);
        if (!receipt) return unexpected(receipt.error());
        receipts.push_back(std::move(*receipt));
    }
    return receipts;
}

Hash32 block_logs_hash(std::uint64_t number, const Hash32& block_hash) {
    static constexpr std::string_view kPrefix = "qtm-block-logs-";
    Bytes preimage(kPrefix.begin(), kPrefix.end());
    ByteArray<8> be{};
    store_be64(be.data(), number);
    preimage.insert(preimage.end(), be.begin(), be.end());
    preimage.insert(preimage.end(), block_hash.begin(), block_hash.end());
    return crypto::keccak256(preimage);
}

Bytes encode_block_logs(const BlockLogs& record) {
    Bytes logs;
    for (const auto& log : record.logs)
        append_log(logs, log);
    Bytes payload;
    rlp::append_uint(payload, record.number);
    rlp::append_list(payload, logs);
    return wrap_list(payload);
}

Result<BlockLogs, BlockDecodeError> decode_block_logs(ByteView encoded) {
    const auto malformed = unexpected(BlockDecodeError::kMalformedReceipt);
    rlp::Decoder outer{encoded};
    auto fields = outer.read_list();
    if (!fields || !outer.finish()) return malformed;
    auto number = fields->read_uint64();
    auto logs = fields->read_list();
    if (!number || !logs) return malformed;
    BlockLogs record;
    record.number = *number;
    if (!read_logs(*logs, record.logs) || !fields->finish()) return malformed;
    return record;
}

void add_to_bloom(Bloom& bloom, ByteView item) {
    const Hash32 hash = crypto::keccak256(item);
    for (std::size_t i = 0; i < 6; i += 2) {
        const unsigned bit = ((static_cast<unsigned>(hash[i]) << 8) | hash[i + 1]) & 2047U;
        bloom[255 - bit / 8] |= static_cast<std::uint8_t>(1U << (bit % 8));
    }
}

Bloom logs_bloom(const std::vector<state::Log>& logs) {
    Bloom bloom{};
    for (const auto& log : logs) {
        add_to_bloom(bloom, log.address);
        for (const auto& topic : log.topics)
            add_to_bloom(bloom, topic);
    }
    return bloom;
}

bool bloom_may_contain(const Bloom& bloom, ByteView item) {
    Bloom probe{};
    add_to_bloom(probe, item);
    for (std::size_t i = 0; i < probe.size(); ++i) {
        if ((bloom[i] & probe[i]) != probe[i]) return false;
    }
    return true;
}

namespace {

template <class Item, class Encoder>
Hash32 indexed_root(const std::vector<Item>& items, Encoder encode_item) {
    std::vector<std::pair<Bytes, Bytes>> entries;
    entries.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        entries.emplace_back(rlp::encode_uint(i), encode_item(items[i]));
    }
    return trie::compute_root(entries);
}

}  // namespace

Hash32 transactions_root(const std::vector<Transaction>& transactions) {
    return indexed_root(transactions, [](const Transaction& tx) { return encode(tx); });
}

Hash32 transactions_root_of_encoded(const std::vector<Bytes>& encoded_transactions) {
    return indexed_root(encoded_transactions, [](const Bytes& tx) { return tx; });
}

Hash32 receipts_root(const std::vector<Receipt>& receipts) {
    return indexed_root(receipts, [](const Receipt& receipt) { return encode_receipt(receipt); });
}

Hash32 evidence_root(const std::vector<DuplicateVoteEvidence>& evidence) {
    return indexed_root(evidence,
                        [](const DuplicateVoteEvidence& piece) { return encode_evidence(piece); });
}

}  // namespace qtm::chain
