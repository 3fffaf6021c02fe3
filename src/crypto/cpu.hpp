// Which vector code the crypto layer may use: chosen once per process from the CPU's
// features, unless QTM_CRYPTO_PORTABLE=1 in the environment forces the portable code (so
// that every test runs on both paths on one machine, and a suspected vector bug can be
// ruled out in the field).
#pragma once

namespace qtm::crypto {

// True when the CPU has AVX2 and QTM_CRYPTO_PORTABLE is unset or "0".
[[nodiscard]] bool use_avx2() noexcept;
// True when the CPU has AVX2 (whatever QTM_CRYPTO_PORTABLE says).
[[nodiscard]] bool cpu_has_avx2() noexcept;
// True when QTM_CRYPTO_PORTABLE forces the portable code.
[[nodiscard]] bool portable_forced() noexcept;

}  // namespace qtm::crypto
