// Reads of a database as if some write batches had been written to it, without writing them:
// what a simulation that commits several blocks' states in a row reads (eth_simulateV1 folds
// each simulated block into the tries and the next block's state reads those nodes), while
// the database itself stays untouched. Later batches win over earlier ones and over the base;
// an erase in a batch hides the base's value.
#pragma once

#include <array>
#include <map>
#include <optional>

#include "storage/database.hpp"

namespace qtm::storage {

class OverlayView final : public ReadView {
public:
    explicit OverlayView(const ReadView& base) noexcept : base_{base} {}

    // Takes every entry of `batch` on top of what is already here.
    void apply(const WriteBatch& batch);
    // Bytes the overlay holds (keys and values), for callers that bound it.
    [[nodiscard]] std::size_t size_bytes() const noexcept { return bytes_; }

    [[nodiscard]] Result<std::optional<Bytes>, StorageError> get(Column column,
                                                                 ByteView key) const override;
    [[nodiscard]] Result<void, StorageError> for_each(Column column, ByteView from, ByteView until,
                                                      const Visitor& visitor) const override;

private:
    struct BytesLess {
        using is_transparent = void;
        bool operator()(ByteView a, ByteView b) const noexcept;
    };
    // nullopt: erased by a batch.
    using Table = std::map<Bytes, std::optional<Bytes>, BytesLess>;

    const ReadView& base_;
    std::array<Table, kColumnCount> tables_;
    std::size_t bytes_{0};
};

}  // namespace qtm::storage
