// Pseudorandom sampling of FIPS 204 §7.3: SampleInBall, RejNTTPoly, RejBoundedPoly and the
// expansions ExpandA, ExpandS, ExpandMask built on them.
#pragma once

#include "base/bytes.hpp"
#include "crypto/mldsa/params.hpp"

namespace qtm::crypto::mldsa {

// Algorithm 29 SampleInBall: c with tau coefficients in {-1, 1} (as 1 and q - 1), from the
// commitment hash c_tilde.
[[nodiscard]] Poly sample_in_ball(const Params& p, ByteView c_tilde) noexcept;

// Algorithm 32 ExpandA: the k x l matrix A_hat in NTT form, from the public seed rho.
void expand_a(const Params& p, const ByteArray<32>& rho,
              std::array<PolyVecL, kMaxK>& a_hat) noexcept;

// The same into A_hat[r][s] = a_hat[r * row_stride + s] (compact storage of the cache).
void expand_a_into(const Params& p, const ByteArray<32>& rho, Poly* a_hat,
                   std::size_t row_stride) noexcept;

// Algorithm 33 ExpandS: the secret vectors s1 (l) and s2 (k), coefficients in [-eta, eta]
// stored mod q.
void expand_s(const Params& p, const ByteArray<64>& rho_prime, PolyVecL& s1, PolyVecK& s2) noexcept;

// Algorithm 34 ExpandMask: the masking vector y, coefficients in (-gamma1, gamma1] mod q.
void expand_mask(const Params& p, const ByteArray<64>& rho_second, std::uint16_t kappa,
                 PolyVecL& y) noexcept;

// ExpandMask's streams taken in order, four at a time: attempt kappa of Algorithm 7 uses
// streams kappa .. kappa + l - 1 and the next attempt starts at kappa + l, so the lanes of
// a batch past one attempt's last stream serve the next attempt (for l = 5 and 7, 1.25 and
// 1.75 batches per attempt instead of 2). Each y is that of expand_mask, bit for bit.
// Wipes itself.
class MaskStreams {
public:
    MaskStreams(const Params& p, const ByteArray<64>& rho_second) noexcept
        : p_{p}, rho_second_{rho_second} {}
    ~MaskStreams();
    MaskStreams(const MaskStreams&) = delete;
    MaskStreams& operator=(const MaskStreams&) = delete;

    // y for the next attempt (the first is kappa = 0).
    void next(PolyVecL& y) noexcept;

private:
    const Params& p_;
    const ByteArray<64>& rho_second_;
    std::array<Poly, 4> batch_{};
    std::size_t used_{4};    // how many of batch_ were handed out
    std::uint16_t next_{0};  // the stream index of batch_[0] of the next batch
};

}  // namespace qtm::crypto::mldsa
