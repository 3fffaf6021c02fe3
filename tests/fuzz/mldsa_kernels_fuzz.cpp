// Differential fuzzing of ML-DSA's two code paths (mldsa/kernels.hpp): the fuzzed bytes
// become coefficients at the edges of each kernel's input bounds, and the AVX2 and portable
// NTT, inverse NTT, Montgomery products, rounding/hint/norm kernels, z/t1 unpacking, w1
// packing, both rejection samplers and the sparse challenge product must agree bit for bit; then a
// key pair, a signature and a verification of a damaged copy are made on both paths from fuzzed
// seeds, and must agree too. On a CPU without AVX2 there is nothing to compare: the target aborts
// at once, saying so, rather than pass without testing.
#include <algorithm>
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

std::uint8_t byte_at(const std::uint8_t* data, std::size_t size, std::size_t at) {
    return at < size ? data[at] : 0;
}

Poly in_field(Poly p) {
    for (auto& c : p)
        c = mldsa::to_field(c);
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
    {
        const Poly rows_a[2] = {a, c};
        const Poly rows_b[2] = {c, a};
        mldsa::detail::multiply_accumulate_portable(rows_a[0].data(), rows_b[0].data(), 2,
                                                    pc.data());
        mldsa::detail::multiply_accumulate_avx2(rows_a[0].data(), rows_b[0].data(), 2, vc.data());
        check(pc == vc, "row product");
    }

    // Rounding, hints and norms on coefficients in [0, q), for both gamma2; hint bits from
    // the input too.
    namespace d = mldsa::detail;
    const Poly r = in_field(coefficients(data, size, 3, kQ - 1));
    const Poly ct0 = in_field(coefficients(data, size, 5, kQ - 1));
    Poly hints;
    for (std::size_t i = 0; i < kN; ++i)
        hints[i] = static_cast<std::int32_t>(byte_at(data, size, 7 + i) & 1U);
    Poly x1{}, x2{}, y1{}, y2{};
    d::power2round_portable(r.data(), x1.data(), x2.data());
    d::power2round_avx2(r.data(), y1.data(), y2.data());
    check(x1 == y1 && x2 == y2, "power2round");
    check(d::infinity_norm_portable(r.data()) == d::infinity_norm_avx2(r.data()), "norm");
    for (const std::int32_t gamma2 : {(kQ - 1) / 88, (kQ - 1) / 32}) {
        d::high_bits_portable(r.data(), x1.data(), gamma2);
        d::high_bits_avx2(r.data(), y1.data(), gamma2);
        check(x1 == y1, "high bits");
        check(
            d::low_bits_norm_portable(r.data(), gamma2) == d::low_bits_norm_avx2(r.data(), gamma2),
            "low bits norm");
        const std::int32_t ones = d::make_hints_portable(r.data(), ct0.data(), x1.data(), gamma2);
        check(ones == d::make_hints_avx2(r.data(), ct0.data(), y1.data(), gamma2) && x1 == y1,
              "make hints");
        x2 = r, y2 = r;
        d::use_hints_portable(hints.data(), x2.data(), gamma2);
        d::use_hints_avx2(hints.data(), y2.data(), gamma2);
        check(x2 == y2, "use hints");
    }

    // Unpacking and packing from the raw input bytes (zeros past the end).
    std::uint8_t bytes[840];
    for (std::size_t i = 0; i < sizeof bytes; ++i)
        bytes[i] = byte_at(data, size, i);
    for (const int bits : {18, 20}) {
        d::unpack_z_portable(bytes, x1.data(), bits);
        d::unpack_z_avx2(bytes, y1.data(), bits);
        check(x1 == y1, "z unpacking");
    }
    d::unpack_t1_portable(bytes, x1.data());
    d::unpack_t1_avx2(bytes, y1.data());
    check(x1 == y1, "t1 unpacking");
    for (const int bits : {4, 6}) {
        Poly w1;
        for (std::size_t i = 0; i < kN; ++i)
            w1[i] = static_cast<std::int32_t>(bytes[i] & ((1U << bits) - 1));
        std::uint8_t packed_portable[192] = {}, packed_avx2[192] = {};
        d::pack_w1_portable(w1.data(), packed_portable, bits);
        d::pack_w1_avx2(w1.data(), packed_avx2, bits);
        check(std::memcmp(packed_portable, packed_avx2, sizeof packed_portable) == 0, "w1 packing");
    }

    for (const int bits : {3, 4, 10, 13}) {
        const std::int32_t b_value = bits == 3 ? 2 : bits == 13 ? 1 << 12 : bits == 4 ? 4 : 0;
        Poly values;
        for (std::size_t i = 0; i < kN; ++i) {
            const auto raw =
                static_cast<std::int32_t>((static_cast<std::uint32_t>(bytes[2 * i]) |
                                           static_cast<std::uint32_t>(bytes[2 * i + 1]) << 8) &
                                          ((1U << bits) - 1));
            values[i] = b_value != 0 ? mldsa::to_field(b_value - raw) : raw;
        }
        std::uint8_t packed_portable[416] = {}, packed_avx2[416] = {};
        d::pack_bits_portable(values.data(), packed_portable, bits, b_value, b_value != 0);
        d::pack_bits_avx2(values.data(), packed_avx2, bits, b_value, b_value != 0);
        check(std::memcmp(packed_portable, packed_avx2, sizeof packed_portable) == 0,
              "bit packing");
    }

    // Rejection sampling from the input bytes, resumed at a fuzzed count, over a fuzzed
    // length.
    const std::size_t start = byte_at(data, size, 0);
    const std::size_t length = std::min<std::size_t>(size, sizeof bytes);
    {
        Poly a1{}, a2{};
        const std::size_t j1 = d::rej_ntt_portable(a1.data(), start, bytes, length / 3 * 3);
        const std::size_t j2 = d::rej_ntt_avx2(a2.data(), start, bytes, length / 3 * 3);
        check(j1 == j2 && std::equal(a1.begin() + static_cast<std::ptrdiff_t>(start),
                                     a1.begin() + static_cast<std::ptrdiff_t>(j1),
                                     a2.begin() + static_cast<std::ptrdiff_t>(start)),
              "RejNTTPoly");
        for (const std::int32_t eta : {2, 4}) {
            const std::size_t k1 = d::rej_eta_portable(a1.data(), start, bytes, length, eta);
            const std::size_t k2 = d::rej_eta_avx2(a2.data(), start, bytes, length, eta);
            check(k1 == k2 && std::equal(a1.begin() + static_cast<std::ptrdiff_t>(start),
                                         a1.begin() + static_cast<std::ptrdiff_t>(k1),
                                         a2.begin() + static_cast<std::ptrdiff_t>(start)),
                  "RejBoundedPoly");
        }
    }

    // c s for a challenge of fuzzed positions and signs and s in [-11, 4] (the widest a
    // malformed key decodes to).
    {
        Poly challenge{};
        for (std::size_t k = 0; k < 60; ++k) {
            const std::uint8_t at = byte_at(data, size, 2 * k);
            challenge[at] = (byte_at(data, size, 2 * k + 1) & 1U) != 0 ? 1 : kQ - 1;
        }
        Poly s_values;
        for (std::size_t i = 0; i < kN; ++i)
            s_values[i] = mldsa::to_field(byte_at(data, size, 300 + i) % 16 - 11);
        const mldsa::SmallPoly small = mldsa::to_small(s_values);
        const mldsa::SparseChallenge sparse = mldsa::sparse_challenge(challenge);
        d::sparse_multiply_portable(sparse.plus, sparse.plus_count, sparse.minus,
                                    sparse.minus_count, small.extended.data(), x1.data());
        d::sparse_multiply_avx2(sparse.plus, sparse.plus_count, sparse.minus, sparse.minus_count,
                                small.extended.data(), y1.data());
        check(x1 == y1, "sparse challenge product");
    }

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
