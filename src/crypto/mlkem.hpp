// ML-KEM (FIPS 203, August 2024): the module-lattice key-encapsulation mechanism that keys
// QTM's peer sessions. ML-KEM-512, -768 (the p2p default) and -1024.
//
// Keys and ciphertexts are byte strings of the sizes in MlKemSizes; every function that
// takes them from outside checks them first (FIPS 203 §7.2, §7.3) and returns a typed
// error. Decapsulation uses implicit rejection: a wrong ciphertext yields a pseudorandom
// key, never an error, so an attacker learns nothing from the outcome.
#pragma once

#include <string_view>

#include "base/bytes.hpp"
#include "base/result.hpp"

namespace qtm::crypto {

enum class MlKemParameterSet : std::uint8_t { kMlKem512, kMlKem768, kMlKem1024 };
std::string_view to_string(MlKemParameterSet parameter_set) noexcept;

struct MlKemSizes {
    std::size_t encapsulation_key;
    std::size_t decapsulation_key;
    std::size_t ciphertext;
};
[[nodiscard]] MlKemSizes mlkem_sizes(MlKemParameterSet parameter_set) noexcept;

enum class MlKemError {
    kEncapsulationKeyLength,   // ek is not 384k + 32 bytes
    kEncapsulationKeyModulus,  // a coefficient of ek is >= q (§7.2 modulus check)
    kDecapsulationKeyLength,   // dk is not 768k + 96 bytes
    kDecapsulationKeyHash,     // H(ek) stored in dk does not match its ek (§7.3)
    kCiphertextLength,         // c is not 32(du k + dv) bytes
};
std::string_view to_string(MlKemError error) noexcept;

using MlKemSharedSecret = ByteArray<32>;

// A decapsulation key: secret, wiped when destroyed, never printed.
class MlKemDecapsulationKey {
public:
    MlKemDecapsulationKey() = default;
    explicit MlKemDecapsulationKey(Bytes bytes) noexcept : bytes_{std::move(bytes)} {}
    ~MlKemDecapsulationKey() { secure_wipe(bytes_.data(), bytes_.size()); }
    MlKemDecapsulationKey(MlKemDecapsulationKey&&) noexcept = default;
    MlKemDecapsulationKey& operator=(MlKemDecapsulationKey&&) noexcept = default;
    MlKemDecapsulationKey(const MlKemDecapsulationKey&) = delete;
    MlKemDecapsulationKey& operator=(const MlKemDecapsulationKey&) = delete;

    [[nodiscard]] ByteView bytes() const noexcept { return bytes_; }

private:
    Bytes bytes_;
};

struct MlKemKeyPair {
    Bytes encapsulation_key;
    MlKemDecapsulationKey decapsulation_key;
};

struct MlKemEncapsulation {
    Bytes ciphertext;
    MlKemSharedSecret shared_secret;
};

// Algorithm 16 ML-KEM.KeyGen_internal from the seeds d and z, and Algorithm 19 from the RNG.
[[nodiscard]] MlKemKeyPair mlkem_keygen(MlKemParameterSet parameter_set, const ByteArray<32>& d,
                                        const ByteArray<32>& z);
[[nodiscard]] MlKemKeyPair mlkem_keygen(MlKemParameterSet parameter_set);

// Algorithm 17 ML-KEM.Encaps_internal with the message m, and Algorithm 20 from the RNG.
[[nodiscard]] Result<MlKemEncapsulation, MlKemError> mlkem_encaps(MlKemParameterSet parameter_set,
                                                                  ByteView encapsulation_key,
                                                                  const ByteArray<32>& m);
[[nodiscard]] Result<MlKemEncapsulation, MlKemError> mlkem_encaps(MlKemParameterSet parameter_set,
                                                                  ByteView encapsulation_key);

// Algorithm 18/21 ML-KEM.Decaps, constant time, with implicit rejection.
[[nodiscard]] Result<MlKemSharedSecret, MlKemError> mlkem_decaps(MlKemParameterSet parameter_set,
                                                                 ByteView decapsulation_key,
                                                                 ByteView ciphertext);

// The input checks on their own (for keys received from peers or files).
[[nodiscard]] Result<void, MlKemError> mlkem_check_encapsulation_key(
    MlKemParameterSet parameter_set, ByteView encapsulation_key);
[[nodiscard]] Result<void, MlKemError> mlkem_check_decapsulation_key(
    MlKemParameterSet parameter_set, ByteView decapsulation_key);

}  // namespace qtm::crypto
