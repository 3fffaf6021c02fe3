// The consistency check of a node's database (`qtm db check`): the schema version, the
// head and finalized pointers, the canonical index from genesis to the head, every
// canonical block's header, body, receipts and transaction lookups against each other and
// against the header's roots, and the head's state: the account and storage tries walked
// from the head's state root (every node present and hashing to its reference) and
// compared entry by entry with the flat tables, and every code and key hash an account
// holds present in the code table. It reads only, so it also runs against a read-only
// open of a live node's database.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "storage/database.hpp"

namespace qtm::chain {

// One thing found wrong: where (a block, an account, a column) and what.
struct CheckIssue {
    std::string where;
    std::string what;
};

struct CheckProgress {
    std::string_view stage;  // "blocks", "transaction lookups", "state"
    std::uint64_t done{0};
    std::uint64_t total{0};  // 0 when not known in advance
};
using ProgressCallback = std::function<void(const CheckProgress&)>;

struct CheckOptions {
    std::size_t max_issues{100};  // the rest are counted, not listed
    ProgressCallback progress;    // called at most every `progress_every` items per stage
    std::uint64_t progress_every{1000};
};

struct CheckReport {
    std::optional<std::uint32_t> schema_version;  // nullopt: unstamped (version 0)
    std::optional<std::uint64_t> head_number;
    Hash32 head_hash{};
    Hash32 head_state_root{};
    std::optional<std::uint64_t> finalized_number;
    // Set when the database was imported from a state snapshot at that block: the blocks
    // below it have a header at most (only genesis and the 255 below it).
    std::optional<std::uint64_t> snapshot_base;
    std::uint64_t blocks{0};        // canonical blocks checked
    std::uint64_t transactions{0};  // in those blocks
    std::uint64_t accounts{0};      // flat accounts of the head state
    std::uint64_t storage_slots{0};
    std::uint64_t trie_nodes{0};    // stored nodes of the head state walked
    std::uint64_t code_entries{0};  // code and keys referenced from accounts
    std::vector<CheckIssue> issues;
    std::uint64_t issues_not_listed{0};

    [[nodiscard]] bool ok() const noexcept { return issues.empty() && issues_not_listed == 0; }
    [[nodiscard]] std::uint64_t issue_count() const noexcept {
        return issues.size() + issues_not_listed;
    }
};

[[nodiscard]] CheckReport check_database(const storage::ReadView& view,
                                         const CheckOptions& options = {});

// Only the head state (tries against flat tables, code and keys) at `state_root`; the
// repair uses it to decide whether a state can be trusted.
void check_state(const storage::ReadView& view, const Hash32& state_root,
                 const CheckOptions& options, CheckReport& report);

}  // namespace qtm::chain
