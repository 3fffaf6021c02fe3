#include "storage/schema.hpp"

#include "base/endian.hpp"

namespace qtm::storage {
namespace {

constexpr std::string_view kSchemaKey = "schema_version";

// A database with no record at all is new; anything in the chain columns means it was
// written by a node (the unstamped layout when there is no stamp).
Result<bool, StorageError> is_empty(const ReadView& view) {
    bool any = false;
    for (const Column column : {Column::kCanonical, Column::kMetadata, Column::kHeaders}) {
        auto scanned = view.for_each(column, {}, {}, [&any](ByteView, ByteView) {
            any = true;
            return false;
        });
        if (!scanned) return unexpected(scanned.error());
        if (any) return false;
    }
    return true;
}

// Version 0 -> 1: the layout is unchanged; only the stamp is new.
void migrate_0_to_1(WriteBatch&) {}

}  // namespace

Result<std::optional<std::uint32_t>, StorageError> load_schema_version(const ReadView& view) {
    auto stored = view.get(Column::kMetadata, as_bytes(kSchemaKey));
    if (!stored) return unexpected(stored.error());
    if (!*stored) return std::optional<std::uint32_t>{};
    if ((*stored)->size() != 4) {
        return unexpected(
            StorageError{StorageErrorKind::kCorrupt, "the schema version record is " +
                                                         std::to_string((*stored)->size()) +
                                                         " bytes, not 4; the database is damaged"});
    }
    return std::optional<std::uint32_t>{load_be32((*stored)->data())};
}

void add_schema_version(WriteBatch& batch) {
    std::uint8_t value[4];
    store_be32(value, kSchemaVersion);
    batch.put(Column::kMetadata, as_bytes(kSchemaKey), ByteView{value, sizeof value});
}

Result<SchemaState, StorageError> open_schema(Database& database, const std::string& path) {
    auto version = load_schema_version(database);
    if (!version) return unexpected(version.error());
    SchemaState state;
    if (*version) {
        state.found = **version;
        if (state.found > kSchemaVersion) {
            return unexpected(StorageError{
                StorageErrorKind::kSchema,
                "database at " + path + " has schema version " + std::to_string(state.found) +
                    ", newer than version " + std::to_string(kSchemaVersion) +
                    " that this program reads; use the release that wrote it (or a newer one)"});
        }
        if (state.found == kSchemaVersion) return state;
    } else {
        auto empty = is_empty(database);
        if (!empty) return unexpected(empty.error());
        if (*empty) {
            WriteBatch batch;
            add_schema_version(batch);
            if (auto written = database.write(batch, /*sync=*/true); !written) {
                return unexpected(written.error());
            }
            state.created = true;
            return state;
        }
    }
    // Every step from the version found up to the current one, in one batch with the stamp.
    WriteBatch batch;
    if (state.found < 1) migrate_0_to_1(batch);
    add_schema_version(batch);
    if (auto written = database.write(batch, /*sync=*/true); !written) {
        return unexpected(written.error());
    }
    state.migrated = true;
    return state;
}

}  // namespace qtm::storage
