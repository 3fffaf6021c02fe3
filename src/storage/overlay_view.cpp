#include "storage/overlay_view.hpp"

#include <algorithm>

namespace qtm::storage {

bool OverlayView::BytesLess::operator()(ByteView a, ByteView b) const noexcept {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

void OverlayView::apply(const WriteBatch& batch) {
    for (const auto& entry : batch.entries()) {
        Table& table = tables_[static_cast<std::size_t>(entry.column)];
        bytes_ += entry.key.size() + (entry.value ? entry.value->size() : 0);
        table.insert_or_assign(entry.key, entry.value);
    }
}

Result<std::optional<Bytes>, StorageError> OverlayView::get(Column column, ByteView key) const {
    const Table& table = tables_[static_cast<std::size_t>(column)];
    if (const auto it = table.find(key); it != table.end()) return it->second;
    return base_.get(column, key);
}

Result<void, StorageError> OverlayView::for_each(Column column, ByteView from, ByteView until,
                                                 const Visitor& visitor) const {
    const Table& table = tables_[static_cast<std::size_t>(column)];
    const auto end = until.empty() ? table.end() : table.lower_bound(until);
    auto next = table.lower_bound(from);
    bool stopped = false;
    // Walk the base in order, emitting the overlay's keys that come before each base key;
    // a base key the overlay holds is replaced (or hidden, when erased) by the overlay's.
    const auto emit_overlay_before = [&](ByteView key) {
        while (next != end && BytesLess{}(next->first, key)) {
            if (next->second && !visitor(next->first, *next->second)) return false;
            ++next;
        }
        return true;
    };
    auto scanned = base_.for_each(column, from, until, [&](ByteView key, ByteView value) {
        if (!emit_overlay_before(key)) {
            stopped = true;
            return false;
        }
        if (next != end && !BytesLess{}(key, next->first)) {  // the overlay holds this key
            const bool go_on = !next->second || visitor(next->first, *next->second);
            ++next;
            if (!go_on) stopped = true;
            return go_on;
        }
        if (!visitor(key, value)) {
            stopped = true;
            return false;
        }
        return true;
    });
    if (!scanned) return scanned;
    if (!stopped) {
        while (next != end) {
            if (next->second && !visitor(next->first, *next->second)) break;
            ++next;
        }
    }
    return {};
}

}  // namespace qtm::storage
