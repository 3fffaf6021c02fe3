#include "crypto/random.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace qtm::crypto {

void random_bytes(MutableByteView out) noexcept {
    std::size_t filled = 0;
    while (filled < out.size()) {
        const ssize_t got = getrandom(out.data() + filled, out.size() - filled, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            // Continuing without entropy would produce predictable keys.
            std::fputs("qtm: getrandom() failed; refusing to continue without entropy\n", stderr);
            std::abort();
        }
        filled += static_cast<std::size_t>(got);
    }
}

}  // namespace qtm::crypto
