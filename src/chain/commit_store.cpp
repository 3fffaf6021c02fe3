#include "chain/commit_store.hpp"

#include "chain/block.hpp"
#include "storage/chain_store.hpp"

namespace qtm::chain {
namespace {

constexpr std::string_view kHeadCommitKey = "head_commit";

Result<std::optional<CommitCertificate>, CommitStoreError> decode_stored(ByteView bytes,
                                                                         std::string_view what) {
    auto certificate = decode_certificate(bytes);
    if (!certificate) {
        return unexpected(CommitStoreError{std::string{what} + " does not decode (" +
                                           std::string{to_string(certificate.error())} +
                                           "); the database is damaged"});
    }
    return std::optional<CommitCertificate>{std::move(*certificate)};
}

}  // namespace

void add_head_commit(storage::WriteBatch& batch, const CommitCertificate& certificate) {
    batch.put(storage::Column::kMetadata, as_bytes(kHeadCommitKey),
              encode_certificate(certificate));
}

Result<std::optional<CommitCertificate>, CommitStoreError> load_head_commit(
    const storage::ReadView& view) {
    auto stored = view.get(storage::Column::kMetadata, as_bytes(kHeadCommitKey));
    if (!stored) return unexpected(CommitStoreError{stored.error().message});
    if (!*stored) return std::optional<CommitCertificate>{};
    return decode_stored(**stored, "the head's commit certificate");
}

Result<std::optional<CommitCertificate>, CommitStoreError> commit_of(const storage::ReadView& view,
                                                                     std::uint64_t number) {
    const storage::ChainStore store{view};
    const auto fail = [](const storage::StorageError& error) {
        return unexpected(CommitStoreError{error.message});
    };
    auto next = store.canonical_hash(number + 1);
    if (!next) return fail(next.error());
    if (!*next) {
        auto head = load_head_commit(view);
        if (head && *head && (*head)->height != number) return std::optional<CommitCertificate>{};
        return head;
    }
    auto header_bytes = store.load_header(**next);
    if (!header_bytes) return fail(header_bytes.error());
    if (!*header_bytes) return std::optional<CommitCertificate>{};
    auto header = decode_header(**header_bytes);
    if (!header) {
        return unexpected(CommitStoreError{"header of block " + std::to_string(number + 1) +
                                           " does not decode; the database is damaged"});
    }
    if (header->parent_commit.empty()) return std::optional<CommitCertificate>{};
    return decode_stored(header->parent_commit,
                         "the parent commit of block " + std::to_string(number + 1));
}

}  // namespace qtm::chain
