#include "p2p/wire/block_messages.hpp"

#include "codec/rlp.hpp"
#include "p2p/wire/rlp_fields.hpp"

namespace qtm::p2p {

using wire_detail::FieldReader;

namespace {

constexpr std::uint64_t kMaxUint64 = ~std::uint64_t{0};

Bytes encode_get_blocks(const GetBlocks& m) {
    Bytes payload;
    rlp::append_uint(payload, m.request_id);
    rlp::append_uint(payload, m.first);
    rlp::append_uint(payload, m.count);
    Bytes out;
    rlp::append_list(out, payload);
    return out;
}

Result<BlocksMessage, WireError> decode_get_blocks(ByteView payload) {
    auto list = wire_detail::outer_list(payload, kMaxGetBlocksBytes);
    if (!list) return unexpected(list.error());
    FieldReader fields{*list};
    GetBlocks m;
    m.request_id = fields.uint(kMaxUint64);
    m.first = fields.uint(kMaxUint64);
    m.count = fields.uint(kMaxBlocksPerRequest);
    if (auto done = fields.finish(); !done) return unexpected(done.error());
    if (m.count == 0) return unexpected(WireError::kBadField);
    return BlocksMessage{m};
}

Result<CommittedBlock, WireError> decode_entry(ByteView raw) {
    auto list = wire_detail::outer_list(raw, raw.size());
    if (!list) return unexpected(list.error());
    FieldReader fields{*list};
    const ByteView block_bytes = fields.raw();
    const ByteView certificate_bytes = fields.raw();
    if (auto done = fields.finish(); !done) return unexpected(done.error());
    auto block = chain::decode_block(block_bytes);
    if (!block) return unexpected(WireError::kBadBlock);
    auto certificate = chain::decode_certificate(certificate_bytes);
    if (!certificate) return unexpected(wire_detail::classify(certificate.error()));
    return CommittedBlock{std::move(*block), std::move(*certificate)};
}

Result<BlocksMessage, WireError> decode_blocks(ByteView payload) {
    auto list = wire_detail::outer_list(payload, kMaxBlocksBytes);
    if (!list) return unexpected(list.error());
    FieldReader fields{*list};
    Blocks m;
    m.request_id = fields.uint(kMaxUint64);
    rlp::Decoder entries = fields.list();
    if (auto done = fields.finish(); !done) return unexpected(done.error());
    while (!entries.at_end()) {
        if (m.blocks.size() == kMaxBlocksPerRequest) return unexpected(WireError::kTooManyItems);
        auto raw = entries.read_raw();
        if (!raw) return unexpected(wire_detail::classify(raw.error()));
        auto entry = decode_entry(*raw);
        if (!entry) return unexpected(entry.error());
        m.blocks.push_back(std::move(*entry));
    }
    return BlocksMessage{std::move(m)};
}

}  // namespace

Bytes encode_committed_block(const CommittedBlock& entry) {
    Bytes payload = chain::encode_block(entry.block);
    const Bytes certificate = chain::encode_certificate(entry.certificate);
    payload.insert(payload.end(), certificate.begin(), certificate.end());
    Bytes out;
    out.reserve(payload.size() + 9);
    rlp::append_list(out, payload);
    return out;
}

std::size_t blocks_payload_size(std::uint64_t request_id, std::size_t entries_bytes) {
    // rlp([request_id, [entries]]).
    Bytes id;
    rlp::append_uint(id, request_id);
    const std::size_t inner = id.size() + rlp::header_size(entries_bytes) + entries_bytes;
    return rlp::header_size(inner) + inner;
}

Bytes encode_blocks_of_encoded(std::uint64_t request_id, const std::vector<Bytes>& entries) {
    std::size_t entries_size = 0;
    for (const Bytes& entry : entries)
        entries_size += entry.size();
    Bytes payload;
    payload.reserve(entries_size + 18);
    rlp::append_uint(payload, request_id);
    rlp::append_list_header(payload, entries_size);
    for (const Bytes& entry : entries)
        payload.insert(payload.end(), entry.begin(), entry.end());
    Bytes out;
    out.reserve(payload.size() + 9);
    rlp::append_list(out, payload);
    return out;
}

ChannelMessage encode_blocks_message(const BlocksMessage& message) {
    if (const auto* get = std::get_if<GetBlocks>(&message)) {
        return {Channel::kBlocks, static_cast<std::uint8_t>(BlocksType::kGetBlocks),
                encode_get_blocks(*get)};
    }
    const Blocks& blocks = std::get<Blocks>(message);
    std::vector<Bytes> entries;
    entries.reserve(blocks.blocks.size());
    for (const auto& entry : blocks.blocks)
        entries.push_back(encode_committed_block(entry));
    return {Channel::kBlocks, static_cast<std::uint8_t>(BlocksType::kBlocks),
            encode_blocks_of_encoded(blocks.request_id, entries)};
}

Result<BlocksMessage, WireError> decode_blocks_message(std::uint8_t type, ByteView payload) {
    switch (static_cast<BlocksType>(type)) {
        case BlocksType::kGetBlocks:
            return decode_get_blocks(payload);
        case BlocksType::kBlocks:
            return decode_blocks(payload);
    }
    return unexpected(WireError::kUnknownType);
}

}  // namespace qtm::p2p
