// Differential fuzzing of ML-KEM's two code paths (mlkem/kernels.hpp): the fuzzed bytes
// become coefficients (often at 0 and q - 1), d-bit values, SHAKE output for the rejection
// sampler and the CBD, and the AVX2 and portable kernels must agree bit for bit; then a key
// pair, an encapsulation and the decapsulation of the real and of a fuzzed ciphertext are
// made on both paths from fuzzed seeds, and must agree too. On a CPU without AVX2 there is
// nothing to compare: the target aborts at once, saying so, rather than pass without testing.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "crypto/cpu.hpp"
#include "crypto/mlkem.hpp"
#include "crypto/mlkem/kernels.hpp"
#include "crypto/mlkem/poly.hpp"

using namespace qtm::crypto;
using mlkem::kN;
using mlkem::kQ;
using mlkem::Poly;
namespace detail = mlkem::detail;

namespace {

// The fuzzed bytes from `offset` on, cycled (zeros for an empty input).
std::uint8_t byte_at(const std::uint8_t* data, std::size_t size, std::size_t at) {
    return size == 0 ? 0 : data[at % size];
}

// Coefficients in [0, bound) from 2 bytes each; a top bit set gives an extreme (0 or
// bound - 1), so edges are common.
Poly coefficients(const std::uint8_t* data, std::size_t size, std::size_t offset,
                  std::uint32_t bound) {
    Poly p;
    for (std::size_t i = 0; i < kN; ++i) {
        const std::uint32_t raw = byte_at(data, size, offset + 2 * i) |
                                  std::uint32_t{byte_at(data, size, offset + 2 * i + 1)} << 8;
        if ((raw & 0x8000U) != 0) {
            p[i] = static_cast<std::uint16_t>((raw & 1U) != 0 ? bound - 1 : 0);
        } else {
            p[i] = static_cast<std::uint16_t>(raw % bound);
        }
    }
    return p;
}

void check(bool same, const char* what) {
    if (!same) {
        std::fprintf(stderr, "AVX2 and portable ML-KEM disagree: %s\n", what);
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (!cpu_has_avx2()) {
        std::fprintf(stderr, "no AVX2 on this CPU: nothing to compare\n");
        std::abort();
    }
    const Poly a = coefficients(data, size, 0, kQ);
    Poly p = a, v = a;
    detail::ntt_portable(p);
    detail::ntt_avx2(v);
    check(p == v, "ntt");
    p = a;
    v = a;
    detail::inverse_ntt_portable(p);
    detail::inverse_ntt_avx2(v);
    check(p == v, "inverse ntt");

    Poly x[mlkem::kMaxK], y[mlkem::kMaxK];
    for (std::size_t j = 0; j < mlkem::kMaxK; ++j) {
        x[j] = coefficients(data, size, 1 + 2 * j, kQ);
        y[j] = coefficients(data, size, 2 + 2 * j, kQ);
    }
    const std::size_t count = 1 + byte_at(data, size, 3) % mlkem::kMaxK;
    detail::inner_product_portable(x, y, count, p);
    detail::inner_product_avx2(x, y, count, v);
    check(p == v, "inner product");
    p = x[0];
    v = x[0];
    detail::add_portable(p, y[0]);
    detail::add_avx2(v, y[0]);
    check(p == v, "add");
    detail::subtract_portable(p, y[1]);
    detail::subtract_avx2(v, y[1]);
    check(p == v, "subtract");

    for (const unsigned d : {1U, 4U, 5U, 10U, 11U, 12U}) {
        if (d != 12) {
            p = a;
            v = a;
            detail::compress_portable(p, d);
            detail::compress_avx2(v, d);
            check(p == v, "compress");
            const Poly small = coefficients(data, size, 5, 1U << d);
            p = small;
            v = small;
            detail::decompress_portable(p, d);
            detail::decompress_avx2(v, d);
            check(p == v, "decompress");
        }
        const Poly f = coefficients(data, size, 7, d == 12 ? kQ : 1U << d);
        std::uint8_t ep[32 * 12], ev[32 * 12];
        detail::byte_encode_portable(f, d, ep);
        detail::byte_encode_avx2(f, d, ev);
        check(std::memcmp(ep, ev, 32 * d) == 0, "byte encode");
        std::uint8_t raw[32 * 12];
        for (std::size_t i = 0; i < sizeof raw; ++i)
            raw[i] = byte_at(data, size, 11 + i);
        detail::byte_decode_portable(raw, d, p);
        detail::byte_decode_avx2(raw, d, v);
        check(p == v, "byte decode");
    }

    // The samplers on the fuzzed bytes as SHAKE output.
    {
        std::uint8_t stream[504 + 32];
        for (std::size_t i = 0; i < sizeof stream; ++i)
            stream[i] = byte_at(data, size, 13 + i);
        const std::size_t length = 3 * (byte_at(data, size, 4) % 169);
        const std::size_t filled = byte_at(data, size, 6) % 2 == 0 ? 0 : byte_at(data, size, 8);
        Poly rp{}, rv{};
        const std::size_t np = detail::rej_uniform_portable(rp.data(), filled, stream, length);
        const std::size_t nv = detail::rej_uniform_avx2(rv.data(), filled, stream, length);
        check(np == nv && std::memcmp(rp.data(), rv.data(), 2 * np) == 0, "rejection sampling");
        for (const unsigned eta : {2U, 3U}) {
            detail::cbd_portable(stream, eta, p);
            detail::cbd_avx2(stream, eta, v);
            check(p == v, "cbd");
        }
    }

    // Whole operations: d, z, m from the input, the parameter set by byte 0; then the
    // decapsulation of a ciphertext with the rest of the input XORed in.
    if (size < 96) return 0;
    const auto set = static_cast<MlKemParameterSet>(data[0] % 3);
    qtm::ByteArray<32> d, z, m;
    std::memcpy(d.data(), data, 32);
    std::memcpy(z.data(), data + 32, 32);
    std::memcpy(m.data(), data + 64, 32);
    const bool avx2_before = detail::avx2_kernels_active();
    qtm::Bytes ek[2], dk[2], ct[2];
    MlKemSharedSecret key[2], received[2], fuzzed[2];
    for (int path = 0; path < 2; ++path) {
        (void)detail::select_kernels_for_testing(path == 1);
        const auto pair = mlkem_keygen(set, d, z);
        ek[path] = pair.encapsulation_key;
        dk[path] = qtm::Bytes(pair.decapsulation_key.bytes().begin(),
                              pair.decapsulation_key.bytes().end());
        auto sent = mlkem_encaps(set, ek[path], m);
        if (!sent) std::abort();
        ct[path] = sent->ciphertext;
        key[path] = sent->shared_secret;
        auto got = mlkem_decaps(set, dk[path], ct[path]);
        qtm::Bytes modified = ct[path];
        for (std::size_t i = 96; i < size; ++i)
            modified[(i - 96) % modified.size()] ^= data[i];
        auto other = mlkem_decaps(set, dk[path], modified);
        if (!got || !other) std::abort();
        received[path] = *got;
        fuzzed[path] = *other;
    }
    (void)detail::select_kernels_for_testing(avx2_before);
    check(ek[0] == ek[1] && dk[0] == dk[1], "key generation");
    check(ct[0] == ct[1] && key[0] == key[1], "encapsulation");
    check(received[0] == received[1] && received[0] == key[0], "decapsulation");
    check(fuzzed[0] == fuzzed[1], "decapsulation of a fuzzed ciphertext");
    return 0;
}
