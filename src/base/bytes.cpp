#include "base/bytes.hpp"

#include <cstring>

namespace qtm {

bool constant_time_equal(ByteView a, ByteView b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    std::uint8_t difference = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        difference = static_cast<std::uint8_t>(difference | (a[i] ^ b[i]));
    }
    // The compiler cannot turn this into an early exit: `difference` is only read once.
    return difference == 0;
}

void secure_wipe(void* data, std::size_t size) noexcept {
    if (size == 0) {
        return;
    }
    std::memset(data, 0, size);
    // The asm statement claims to read `data`, so the stores above cannot be elided.
    __asm__ __volatile__("" : : "r"(data) : "memory");
}

}  // namespace qtm
