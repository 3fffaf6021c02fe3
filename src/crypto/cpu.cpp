#include "crypto/cpu.hpp"

#include <cstdlib>
#include <cstring>

namespace qtm::crypto {

bool portable_forced() noexcept {
    // Read once: the choice must not change while a process runs.
    static const bool forced = [] {
        const char* value = std::getenv("QTM_CRYPTO_PORTABLE");
        return value != nullptr && value[0] != '\0' && std::strcmp(value, "0") != 0;
    }();
    return forced;
}

bool cpu_has_avx2() noexcept {
    static const bool avx2 = [] {
#if defined(__x86_64__)
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") != 0;
#else
        return false;
#endif
    }();
    return avx2;
}

bool use_avx2() noexcept {
    return cpu_has_avx2() && !portable_forced();
}

}  // namespace qtm::crypto
