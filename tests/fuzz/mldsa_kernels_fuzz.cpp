// Differential fuzzing of ML-DSA's two code paths (mldsa/kernels.hpp): the fuzzed bytes
// become coefficients at the edges of each kernel's input bounds, and the AVX2 and portable
// NTT, inverse NTT and Montgomery products must agree bit for bit; then a key pair, a
// signature and a verification of a damaged copy are made on both paths from fuzzed seeds,
// and must agree too. On a CPU without AVX2 there is nothing to compare: the target aborts
// at once, saying so, rather than pass without testing.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "crypto/cpu.hpp"
#include "crypto/mldsa/internal.hpp"
#include "crypto/mldsa/kernels.hpp"
#include "crypto/mldsa/poly.hpp"

using namespace qtm::crypto;
using mldsa::kN;
using mldsa::kQ;
using mldsa::Poly;

namespace {

// Coefficients in [-bound, bound] from 4 fuzzed bytes each (zeros past the end).
Poly coefficients(const std::uint8_t* data, std::size_t size, std::size_t offset,
                  std::int64_t bound) {
    Poly p{};
    for (std::size_t i = 0; i < kN; ++i) {
        std::uint32_t raw = 0;
        for (std::size_t b = 0; b < 4; ++b) {
            const std::size_t at = offset + 4 * i + b;
            raw |= static_cast<std::uint32_t>(at < size ? data[at] : 0) << (8 * b);
        }
        const auto span = static_cast<std::uint64_t>(2 * bound + 1);
        p[i] = static_cast<std::int32_t>(static_cast<std::int64_t>(raw % span) - bound);
    }
    return p;
}

void check(bool same, const char* what) {
    if (!same) {
        std::fprintf(stderr, "AVX2 and portable ML-DSA disagree: %s\n", what);
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (!cpu_has_avx2()) {
        std::fprintf(stderr, "no AVX2 on this CPU: nothing to compare\n");
        std::abort();
    }
    constexpr std::int64_t kInverseBound = (std::int64_t{1} << 31) - (1 << 22) - 1;
    const Poly a = coefficients(data, size, 0, kQ - 1);
    Poly p = a, v = a;
    mldsa::detail::ntt_portable(p.data());
    mldsa::detail::ntt_avx2(v.data());
    check(p == v, "ntt");
    for (const std::int32_t scale :
         {mldsa::detail::kScaleStandard, mldsa::detail::kScaleMontgomery}) {
        const Poly b = coefficients(data, size, 1, kInverseBound);
        Poly pi = b, vi = b;
        mldsa::detail::inverse_ntt_portable(pi.data(), scale);
        mldsa::detail::inverse_ntt_avx2(vi.data(), scale);
        check(pi == vi, "inverse ntt");
    }
    const Poly c = coefficients(data, size, 2, kQ - 1);
    Poly pc{}, vc{};
    mldsa::detail::multiply_montgomery_portable(a.data(), c.data(), pc.data(), false);
    mldsa::detail::multiply_montgomery_avx2(a.data(), c.data(), vc.data(), false);
    check(pc == vc, "product");

    // Whole operations: seed, rnd and a message from the input, ML-DSA-44/65/87 by byte 0.
    if (size < 64) return 0;
    const auto scheme = static_cast<SignatureScheme>(data[0] % 3 + 1);
    qtm::ByteArray<32> seed, rnd;
    std::memcpy(seed.data(), data, 32);
    std::memcpy(rnd.data(), data + 32, 32);
    const qtm::ByteView message{data + 64, size - 64};
    const bool avx2_before = mldsa::detail::avx2_kernels_active();
    const auto sizes = signature_sizes(scheme);
    qtm::Bytes pk[2] = {qtm::Bytes(sizes.public_key), qtm::Bytes(sizes.public_key)};
    qtm::Bytes sk[2] = {qtm::Bytes(sizes.secret_key), qtm::Bytes(sizes.secret_key)};
    qtm::Bytes sig[2];
    bool damaged_ok[2];
    for (int path = 0; path < 2; ++path) {
        (void)mldsa::detail::select_kernels_for_testing(path == 1);
        mldsa::keygen_internal(scheme, seed, pk[path], sk[path]);
        auto s = mldsa::sign_internal(scheme, sk[path], message, rnd);
        if (!s) std::abort();
        sig[path] = *s;
        if (!mldsa::verify_internal(scheme, pk[path], message, sig[path])) {
            std::fprintf(stderr, "a fresh signature does not verify\n");
            std::abort();
        }
        qtm::Bytes damaged = sig[path];
        damaged[data[1] % damaged.size()] ^= static_cast<std::uint8_t>(1U << (data[2] % 8));
        damaged_ok[path] = mldsa::verify_internal(scheme, pk[path], message, damaged);
    }
    (void)mldsa::detail::select_kernels_for_testing(avx2_before);
    check(pk[0] == pk[1] && sk[0] == sk[1], "key generation");
    check(sig[0] == sig[1], "signing");
    check(damaged_ok[0] == damaged_ok[1] && !damaged_ok[0], "verification of a damaged signature");
    return 0;
}
