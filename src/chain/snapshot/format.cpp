#include "chain/snapshot/format.hpp"

#include <algorithm>

#include "codec/rlp.hpp"

namespace qtm::chain::snapshot {
namespace {

std::string rlp_failure(const char* what, rlp::RlpError error) {
    return std::string{what} + " is not well-formed RLP (" + std::string{rlp::to_string(error)} +
           ")";
}

}  // namespace

Bytes encode_manifest(const Manifest& manifest) {
    Bytes payload;
    rlp::append_uint(payload, manifest.version);
    rlp::append_string(payload, manifest.genesis_header);
    Bytes headers;
    for (const auto& header : manifest.headers)
        rlp::append_string(headers, header);
    rlp::append_list(payload, headers);
    rlp::append_string(payload, manifest.body);
    rlp::append_string(payload, manifest.receipts);
    rlp::append_string(payload, manifest.commit);
    Bytes chunks;
    for (const auto& chunk : manifest.chunks) {
        Bytes item;
        rlp::append_uint(item, static_cast<std::uint64_t>(chunk.kind));
        rlp::append_uint(item, chunk.entries);
        rlp::append_uint(item, chunk.length);
        rlp::append_string(item, chunk.hash);
        rlp::append_list(chunks, item);
    }
    rlp::append_list(payload, chunks);
    return rlp::encode_list(payload);
}

Result<Manifest, std::string> decode_manifest(ByteView encoded) {
    Manifest manifest;
    rlp::Decoder outer{encoded};
    auto fields = outer.read_list();
    if (!fields) return unexpected(rlp_failure("the manifest", fields.error()));
    if (auto done = outer.finish(); !done)
        return unexpected(rlp_failure("the manifest", done.error()));
    auto version = fields->read_uint64();
    if (!version) return unexpected(rlp_failure("the manifest's version", version.error()));
    manifest.version = *version;
    if (manifest.version != kVersion) {
        return unexpected("the snapshot has format version " + std::to_string(manifest.version) +
                          "; this program reads version " + std::to_string(kVersion));
    }
    auto genesis = fields->read_string();
    if (!genesis) return unexpected(rlp_failure("the manifest's genesis header", genesis.error()));
    manifest.genesis_header = to_bytes(*genesis);
    auto headers = fields->read_list();
    if (!headers) return unexpected(rlp_failure("the manifest's headers", headers.error()));
    while (!headers->at_end()) {
        auto header = headers->read_string();
        if (!header) return unexpected(rlp_failure("a manifest header", header.error()));
        manifest.headers.push_back(to_bytes(*header));
    }
    for (Bytes* field : {&manifest.body, &manifest.receipts, &manifest.commit}) {
        auto bytes = fields->read_string();
        if (!bytes) return unexpected(rlp_failure("the manifest's block fields", bytes.error()));
        *field = to_bytes(*bytes);
    }
    auto chunks = fields->read_list();
    if (!chunks) return unexpected(rlp_failure("the manifest's chunk list", chunks.error()));
    while (!chunks->at_end()) {
        const std::string name = "the manifest's chunk " + std::to_string(manifest.chunks.size());
        auto item = chunks->read_list();
        if (!item) return unexpected(rlp_failure(name.c_str(), item.error()));
        auto kind = item->read_uint64();
        auto entries = item->read_uint64();
        auto length = item->read_uint64();
        auto hash = item->read_fixed<32>();
        if (!kind || !entries || !length || !hash || !item->finish()) {
            return unexpected(name + " is not [kind, entries, length, hash]");
        }
        if (*kind > static_cast<std::uint64_t>(ChunkKind::kCode)) {
            return unexpected(name + " has an unknown kind " + std::to_string(*kind));
        }
        manifest.chunks.push_back(
            ChunkInfo{static_cast<ChunkKind>(*kind), *entries, *length, *hash});
    }
    if (auto done = fields->finish(); !done) {
        return unexpected(rlp_failure("the manifest's fields", done.error()));
    }
    return manifest;
}

void ChunkBuilder::add_account(const Address& address, ByteView account) {
    Bytes item;
    rlp::append_string(item, address);
    rlp::append_string(item, account);
    rlp::append_list(payload_, item);
    ++entries_;
}

void ChunkBuilder::add_slot(const Address& address, const Hash32& slot, ByteView value) {
    Bytes item;
    rlp::append_string(item, address);
    rlp::append_string(item, slot);
    rlp::append_string(item, value);
    rlp::append_list(payload_, item);
    ++entries_;
}

void ChunkBuilder::add_blob(ByteView blob) {
    rlp::append_string(payload_, blob);
    ++entries_;
}

Bytes ChunkBuilder::finish() const {
    Bytes body;
    rlp::append_uint(body, index_);
    rlp::append_uint(body, static_cast<std::uint64_t>(kind_));
    rlp::append_list(body, payload_);
    return rlp::encode_list(body);
}

Result<Chunk, std::string> decode_chunk(ByteView encoded) {
    Chunk chunk;
    rlp::Decoder outer{encoded};
    auto fields = outer.read_list();
    if (!fields || !outer.finish()) return unexpected(std::string{"it is not an RLP list"});
    auto index = fields->read_uint64();
    auto kind = fields->read_uint64();
    auto entries = fields->read_list();
    if (!index || !kind || !entries || !fields->finish() ||
        *kind > static_cast<std::uint64_t>(ChunkKind::kCode)) {
        return unexpected(std::string{"it is not [index, kind, entries]"});
    }
    chunk.index = *index;
    chunk.kind = static_cast<ChunkKind>(*kind);
    while (!entries->at_end()) {
        const std::string name = "entry " + std::to_string(chunk.state.size() + chunk.blobs.size());
        if (chunk.kind == ChunkKind::kCode) {
            auto blob = entries->read_string();
            if (!blob) return unexpected(name + " is not a byte string");
            chunk.blobs.push_back(to_bytes(*blob));
            continue;
        }
        auto item = entries->read_list();
        if (!item) return unexpected(name + " is not a list");
        StateEntry entry;
        auto address = item->read_fixed<20>();
        if (!address) return unexpected(name + " does not start with a 20-byte address");
        entry.address = *address;
        auto second = item->read_string();
        if (!second) return unexpected(name + " is malformed");
        if (item->at_end()) {
            entry.value = to_bytes(*second);
        } else {
            if (second->size() != 32) return unexpected(name + ": a slot number is 32 bytes");
            Hash32 slot;
            std::copy(second->begin(), second->end(), slot.begin());
            entry.slot = slot;
            auto value = item->read_string();
            if (!value || !item->finish()) return unexpected(name + " is malformed");
            entry.value = to_bytes(*value);
        }
        chunk.state.push_back(std::move(entry));
    }
    return chunk;
}

}  // namespace qtm::chain::snapshot
