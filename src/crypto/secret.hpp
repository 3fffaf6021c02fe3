// Secret<N>: N secret bytes (a private scalar, a shared secret, a derived key) that are wiped
// when destroyed and moved, never copied implicitly. It has no operator<< on purpose.
#pragma once

#include "base/bytes.hpp"

namespace qtm::crypto {

template <std::size_t N>
class Secret {
public:
    static constexpr std::size_t kSize = N;

    Secret() = default;
    explicit Secret(const ByteArray<N>& bytes) noexcept : bytes_{bytes} {}
    ~Secret() { secure_wipe(bytes_.data(), bytes_.size()); }
    Secret(Secret&& other) noexcept : bytes_{other.bytes_} {
        secure_wipe(other.bytes_.data(), other.bytes_.size());
    }
    Secret& operator=(Secret&& other) noexcept {
        bytes_ = other.bytes_;
        secure_wipe(other.bytes_.data(), other.bytes_.size());
        return *this;
    }
    Secret(const Secret&) = delete;
    Secret& operator=(const Secret&) = delete;

    // An explicit copy, for the rare place that must keep two (a test, a rekey).
    [[nodiscard]] Secret clone() const noexcept { return Secret{bytes_}; }

    [[nodiscard]] ByteView bytes() const noexcept { return bytes_; }
    [[nodiscard]] MutableByteView mutable_bytes() noexcept { return bytes_; }
    [[nodiscard]] const ByteArray<N>& array() const noexcept { return bytes_; }

private:
    ByteArray<N> bytes_{};
};

}  // namespace qtm::crypto
