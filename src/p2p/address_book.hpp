// The address book: peers this node knows how to reach (node id + endpoint), whether it has
// reached each one itself (validated: a dial that ended in a handshake with that very node
// id), when it last did, and how many dials in a row have failed since. Peer exchange hands
// out only validated entries. Bounded: when full, the least useful entry is forgotten.
//
// Saved in the data directory as text, one `qtm://<id>@host:port v|u <last seen, unix s>
// <failures>` per line under a version line; written atomically (a temporary file, fsync,
// rename, fsync of the directory), so a crash leaves the old book or the new one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"

#include "base/result.hpp"
#include "p2p/peer_url.hpp"

namespace qtm::p2p {

struct AddressEntry {
    PeerUrl url;
    bool validated{false};
    std::int64_t last_seen{0};  // unix seconds of the last successful connection, 0: never
    std::uint32_t failures{0};  // failed dials since the last success
    bool operator==(const AddressEntry&) const = default;
};

class AddressBook {
public:
    static constexpr std::size_t kDefaultCapacity = 1000;
    // An entry whose dials failed this many times in a row is forgotten.
    static constexpr std::uint32_t kForgetAfterFailures = 10;

    explicit AddressBook(std::size_t capacity = kDefaultCapacity);

    // An address heard of (configuration, a peer's list, an inbound peer's listen port). A
    // new id is added unvalidated; a known id keeps its state, and takes the new endpoint
    // only while unvalidated (a peer cannot redirect a validated entry). False if ignored.
    bool add_candidate(const PeerUrl& url);
    // A dial to `url` ended in a handshake with url.node_id.
    void mark_connected(const PeerUrl& url, std::int64_t now_unix);
    // A dial failed; forgets the entry after kForgetAfterFailures in a row.
    void mark_failed(const NodeId& id);
    void remove(const NodeId& id);
    // An entry as it was saved (loading a book).
    void restore(const AddressEntry& entry);

    [[nodiscard]] const AddressEntry* find(const NodeId& id) const;
    [[nodiscard]] std::vector<AddressEntry> entries() const;
    // Up to `max` validated addresses, most recently seen first, without `exclude`.
    [[nodiscard]] std::vector<PeerUrl> validated(std::size_t max,
                                                 const std::optional<NodeId>& exclude) const;
    [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
    [[nodiscard]] bool dirty() const noexcept { return dirty_; }
    void mark_clean() noexcept { dirty_ = false; }

private:
    void make_room();

    std::size_t capacity_;
    std::map<NodeId, AddressEntry> entries_;
    bool dirty_{false};
};

enum class AddressBookError {
    kUnreadable,   // the file exists but cannot be read
    kMalformed,    // not an address book of this version (the node warns and starts empty)
    kWriteFailed,  // the temporary file could not be written, synced or renamed
};
[[nodiscard]] std::string_view to_string(AddressBookError error) noexcept;

[[nodiscard]] Bytes encode_address_book(const AddressBook& book);
[[nodiscard]] Result<AddressBook, AddressBookError> decode_address_book(
    std::string_view text, std::size_t capacity = AddressBook::kDefaultCapacity);
// No file at `path` is an empty book.
[[nodiscard]] Result<AddressBook, AddressBookError> load_address_book(
    const std::filesystem::path& path, std::size_t capacity = AddressBook::kDefaultCapacity);
[[nodiscard]] Result<void, AddressBookError> save_address_book(const AddressBook& book,
                                                               const std::filesystem::path& path);

}  // namespace qtm::p2p
