// The on-disk schema version, kept under "schema_version" in the metadata column (a
// 4-byte big-endian number). A database is stamped with kSchemaVersion when it is created;
// a database from before versioning has no stamp and is version 0. Opening a database
// written by a newer schema is refused (its layout is unknown here); an older one is
// migrated forward, each step in one atomic batch that also moves the stamp, so a crash
// during a migration leaves the database at the old or the new version, never between.
#pragma once

#include <cstdint>
#include <optional>

#include "storage/database.hpp"

namespace qtm::storage {

// 0: no stamp (the layout of the first releases). 1: the same layout, stamped.
inline constexpr std::uint32_t kSchemaVersion = 1;

// The stamp, or nullopt when the database has none.
[[nodiscard]] Result<std::optional<std::uint32_t>, StorageError> load_schema_version(
    const ReadView& view);

// What open_schema found and did.
struct SchemaState {
    std::uint32_t found{0};  // the version on disk before (0: unstamped)
    bool created{false};     // the database was empty and has been stamped
    bool migrated{false};    // an older version was brought to kSchemaVersion
};

// Stamps an empty database, migrates an older one, refuses a newer one (kind kSchema, the
// message naming both versions). `path` is only for messages.
[[nodiscard]] Result<SchemaState, StorageError> open_schema(Database& database,
                                                            const std::string& path);

// Adds the stamp of kSchemaVersion to `batch` (for the batch that creates a database).
void add_schema_version(WriteBatch& batch);

}  // namespace qtm::storage
