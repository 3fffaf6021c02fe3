// K-PKE (FIPS 203 §5): the CPA-secure public-key encryption inside ML-KEM. Internal.
#pragma once

#include "base/bytes.hpp"
#include "crypto/mlkem/poly.hpp"

namespace qtm::crypto::mlkem {

// The parameters of one ML-KEM parameter set (FIPS 203 Table 2).
struct Params {
    unsigned k;     // rank of the module
    unsigned eta1;  // noise of the secret and of y
    unsigned eta2;  // noise of e1 and e2
    unsigned du;    // compression of u
    unsigned dv;    // compression of v

    [[nodiscard]] constexpr std::size_t pke_secret_key_size() const noexcept { return 384 * k; }
    [[nodiscard]] constexpr std::size_t encapsulation_key_size() const noexcept {
        return 384 * k + 32;
    }
    [[nodiscard]] constexpr std::size_t decapsulation_key_size() const noexcept {
        return 768 * k + 96;
    }
    [[nodiscard]] constexpr std::size_t ciphertext_size() const noexcept {
        return 32 * (du * k + dv);
    }
};

// The largest ciphertext (ML-KEM-1024: 32 * (11 * 4 + 5)).
inline constexpr std::size_t kMaxCiphertextBytes = 1568;

// Algorithm 13 K-PKE.KeyGen: writes the encryption key (ek, 384k + 32 bytes) and the
// decryption key (384k bytes) from the 32-byte seed d.
void pke_keygen(const Params& params, const ByteArray<32>& d, std::uint8_t* encryption_key,
                std::uint8_t* decryption_key) noexcept;
// Algorithm 14 K-PKE.Encrypt of the 32-byte message m with randomness r.
void pke_encrypt(const Params& params, const std::uint8_t* encryption_key,
                 const ByteArray<32>& message, const ByteArray<32>& randomness,
                 std::uint8_t* ciphertext) noexcept;
// Algorithm 15 K-PKE.Decrypt.
[[nodiscard]] ByteArray<32> pke_decrypt(const Params& params, const std::uint8_t* decryption_key,
                                        const std::uint8_t* ciphertext) noexcept;

}  // namespace qtm::crypto::mlkem
