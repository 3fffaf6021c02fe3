#include "p2p/address_book.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <sstream>
#include <string>

namespace qtm::p2p {
namespace {

constexpr std::string_view kVersionLine = "# qtm address book v1";

// Which entry goes first when the book is full: never-reached, often-failing, long-unseen.
bool less_useful(const AddressEntry& a, const AddressEntry& b) {
    if (a.validated != b.validated) return !a.validated;
    if (a.failures != b.failures) return a.failures > b.failures;
    return a.last_seen < b.last_seen;
}

template <class T>
bool parse_number(std::string_view text, T& out) {
    if (text.empty()) return false;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc{} && end == text.data() + text.size();
}

bool write_all(int fd, const Bytes& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t wrote = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (wrote < 0) return false;
        done += static_cast<std::size_t>(wrote);
    }
    return true;
}

bool sync_directory(const std::filesystem::path& directory) {
    const int fd =
        ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

}  // namespace

AddressBook::AddressBook(std::size_t capacity) : capacity_{std::max<std::size_t>(capacity, 1)} {}

void AddressBook::make_room() {
    while (entries_.size() >= capacity_) {
        auto worst = entries_.begin();
        for (auto it = entries_.begin(); it != entries_.end(); ++it) {
            if (less_useful(it->second, worst->second)) worst = it;
        }
        entries_.erase(worst);
    }
}

bool AddressBook::add_candidate(const PeerUrl& url) {
    const auto it = entries_.find(url.node_id);
    if (it != entries_.end()) {
        if (it->second.validated || it->second.url == url) return false;
        it->second.url = url;
        it->second.failures = 0;
        dirty_ = true;
        return true;
    }
    make_room();
    entries_.emplace(url.node_id, AddressEntry{url, false, 0, 0});
    dirty_ = true;
    return true;
}

void AddressBook::mark_connected(const PeerUrl& url, std::int64_t now_unix) {
    auto it = entries_.find(url.node_id);
    if (it == entries_.end()) {
        make_room();
        it = entries_.emplace(url.node_id, AddressEntry{url, false, 0, 0}).first;
    }
    it->second = AddressEntry{url, true, now_unix, 0};
    dirty_ = true;
}

void AddressBook::restore(const AddressEntry& entry) {
    if (!entries_.contains(entry.url.node_id)) make_room();
    entries_[entry.url.node_id] = entry;
    dirty_ = true;
}

void AddressBook::mark_failed(const NodeId& id) {
    const auto it = entries_.find(id);
    if (it == entries_.end()) return;
    if (++it->second.failures >= kForgetAfterFailures) entries_.erase(it);
    dirty_ = true;
}

void AddressBook::remove(const NodeId& id) {
    if (entries_.erase(id) > 0) dirty_ = true;
}

const AddressEntry* AddressBook::find(const NodeId& id) const {
    const auto it = entries_.find(id);
    return it == entries_.end() ? nullptr : &it->second;
}

std::vector<AddressEntry> AddressBook::entries() const {
    std::vector<AddressEntry> out;
    out.reserve(entries_.size());
    for (const auto& [id, entry] : entries_)
        out.push_back(entry);
    return out;
}

std::vector<PeerUrl> AddressBook::validated(std::size_t max,
                                            const std::optional<NodeId>& exclude) const {
    std::vector<const AddressEntry*> found;
    for (const auto& [id, entry] : entries_) {
        if (entry.validated && (!exclude || id != *exclude)) found.push_back(&entry);
    }
    std::sort(found.begin(), found.end(),
              [](const auto* a, const auto* b) { return a->last_seen > b->last_seen; });
    std::vector<PeerUrl> out;
    for (std::size_t i = 0; i < found.size() && i < max; ++i)
        out.push_back(found[i]->url);
    return out;
}

std::string_view to_string(AddressBookError error) noexcept {
    switch (error) {
        case AddressBookError::kUnreadable:
            return "address book file cannot be read";
        case AddressBookError::kMalformed:
            return "address book file is corrupt";
        case AddressBookError::kWriteFailed:
            return "address book file could not be written";
    }
    return "unknown address book error";
}

Bytes encode_address_book(const AddressBook& book) {
    std::string text{kVersionLine};
    text += '\n';
    for (const AddressEntry& entry : book.entries()) {
        text += to_string(entry.url);
        text += entry.validated ? " v " : " u ";
        text += std::to_string(entry.last_seen) + " " + std::to_string(entry.failures) + "\n";
    }
    return Bytes(text.begin(), text.end());
}

Result<AddressBook, AddressBookError> decode_address_book(std::string_view text,
                                                          std::size_t capacity) {
    AddressBook book{capacity};
    std::size_t line_end = text.find('\n');
    if (line_end == std::string_view::npos || text.substr(0, line_end) != kVersionLine) {
        return unexpected(AddressBookError::kMalformed);
    }
    text.remove_prefix(line_end + 1);
    while (!text.empty()) {
        line_end = text.find('\n');
        if (line_end == std::string_view::npos) return unexpected(AddressBookError::kMalformed);
        const std::string_view line = text.substr(0, line_end);
        text.remove_prefix(line_end + 1);
        // url, flag, last seen, failures: exactly four fields separated by single spaces.
        std::array<std::string_view, 4> fields;
        std::string_view rest = line;
        for (std::size_t i = 0; i < fields.size(); ++i) {
            const auto space = rest.find(' ');
            const bool last = i + 1 == fields.size();
            if (last != (space == std::string_view::npos)) {
                return unexpected(AddressBookError::kMalformed);
            }
            fields[i] = last ? rest : rest.substr(0, space);
            if (!last) rest.remove_prefix(space + 1);
        }
        auto url = parse_peer_url(fields[0]);
        AddressEntry entry;
        if (!url || (fields[1] != "v" && fields[1] != "u") ||
            !parse_number(fields[2], entry.last_seen) || !parse_number(fields[3], entry.failures) ||
            book.find(url->node_id) != nullptr) {
            return unexpected(AddressBookError::kMalformed);
        }
        entry.url = *url;
        entry.validated = fields[1] == "v";
        if (entry.failures >= AddressBook::kForgetAfterFailures) continue;
        book.restore(entry);
    }
    book.mark_clean();
    return book;
}

Result<AddressBook, AddressBookError> load_address_book(const std::filesystem::path& path,
                                                        std::size_t capacity) {
    std::error_code error;
    if (!std::filesystem::exists(path, error)) return AddressBook{capacity};
    std::ifstream in{path, std::ios::binary};
    if (!in) return unexpected(AddressBookError::kUnreadable);
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return unexpected(AddressBookError::kUnreadable);
    return decode_address_book(text.str(), capacity);
}

Result<void, AddressBookError> save_address_book(const AddressBook& book,
                                                 const std::filesystem::path& path) {
    const std::filesystem::path temporary = path.string() + ".tmp";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return unexpected(AddressBookError::kWriteFailed);
    bool ok = write_all(fd, encode_address_book(book)) && ::fsync(fd) == 0;
    ok = ::close(fd) == 0 && ok;
    // The rename is the commit point: before it the old book is whole, after it the new one.
    ok = ok && ::rename(temporary.c_str(), path.c_str()) == 0;
    ok = ok && sync_directory(path.parent_path());
    if (!ok) {
        std::error_code ignored;
        std::filesystem::remove(temporary, ignored);
        return unexpected(AddressBookError::kWriteFailed);
    }
    return {};
}

}  // namespace qtm::p2p
