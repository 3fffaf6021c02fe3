#include "crypto/mlkem.hpp"

#include "base/bytes.hpp"
#include "crypto/keccak.hpp"
#include "crypto/mlkem/kpke.hpp"
#include "crypto/random.hpp"

namespace qtm::crypto {
namespace {

using mlkem::Params;

constexpr Params params_of(MlKemParameterSet parameter_set) noexcept {
    switch (parameter_set) {
        case MlKemParameterSet::kMlKem512:
            return {2, 3, 2, 10, 4};
        case MlKemParameterSet::kMlKem768:
            return {3, 2, 2, 10, 4};
        case MlKemParameterSet::kMlKem1024:
            return {4, 2, 2, 11, 5};
    }
    return {3, 2, 2, 10, 4};
}

// G(m || H(ek)) = (K, r), Algorithm 17 line 2.
void derive_key_and_randomness(const ByteArray<32>& m, const Hash32& ek_hash, ByteArray<32>& key,
                               ByteArray<32>& randomness) noexcept {
    std::uint8_t input[64];
    std::copy(m.begin(), m.end(), input);
    std::copy(ek_hash.begin(), ek_hash.end(), input + 32);
    ByteArray<64> output = sha3_512(ByteView{input, sizeof input});
    std::copy(output.begin(), output.begin() + 32, key.begin());
    std::copy(output.begin() + 32, output.end(), randomness.begin());
    secure_wipe(input, sizeof input);
    secure_wipe(output.data(), output.size());
}

}  // namespace

std::string_view to_string(MlKemParameterSet parameter_set) noexcept {
    switch (parameter_set) {
        case MlKemParameterSet::kMlKem512:
            return "ML-KEM-512";
        case MlKemParameterSet::kMlKem768:
            return "ML-KEM-768";
        case MlKemParameterSet::kMlKem1024:
            return "ML-KEM-1024";
    }
    return "unknown ML-KEM parameter set";
}

std::string_view to_string(MlKemError error) noexcept {
    switch (error) {
        case MlKemError::kEncapsulationKeyLength:
            return "ML-KEM encapsulation key has the wrong length";
        case MlKemError::kEncapsulationKeyModulus:
            return "ML-KEM encapsulation key has a coefficient not reduced mod q";
        case MlKemError::kDecapsulationKeyLength:
            return "ML-KEM decapsulation key has the wrong length";
        case MlKemError::kDecapsulationKeyHash:
            return "ML-KEM decapsulation key is inconsistent (hash of its encapsulation key)";
        case MlKemError::kCiphertextLength:
            return "ML-KEM ciphertext has the wrong length";
    }
    return "unknown ML-KEM error";
}

MlKemSizes mlkem_sizes(MlKemParameterSet parameter_set) noexcept {
    const Params params = params_of(parameter_set);
    return {params.encapsulation_key_size(), params.decapsulation_key_size(),
            params.ciphertext_size()};
}

Result<void, MlKemError> mlkem_check_encapsulation_key(MlKemParameterSet parameter_set,
                                                       ByteView encapsulation_key) {
    const Params params = params_of(parameter_set);
    if (encapsulation_key.size() != params.encapsulation_key_size()) {
        return unexpected(MlKemError::kEncapsulationKeyLength);
    }
    // §7.2: ByteEncode12(ByteDecode12(ek)) must give ek back, i.e. every coefficient < q.
    std::uint8_t reencoded[384];
    for (unsigned i = 0; i < params.k; ++i) {
        const std::uint8_t* chunk = encapsulation_key.data() + 384 * i;
        mlkem::byte_encode(mlkem::byte_decode(chunk, 12), 12, reencoded);
        if (!equal(ByteView{reencoded, 384}, ByteView{chunk, 384})) {
            return unexpected(MlKemError::kEncapsulationKeyModulus);
        }
    }
    return {};
}

Result<void, MlKemError> mlkem_check_decapsulation_key(MlKemParameterSet parameter_set,
                                                       ByteView decapsulation_key) {
    const Params params = params_of(parameter_set);
    if (decapsulation_key.size() != params.decapsulation_key_size()) {
        return unexpected(MlKemError::kDecapsulationKeyLength);
    }
    // §7.3: the H(ek) stored in dk must be the hash of the ek stored beside it.
    const ByteView ek = decapsulation_key.subspan(384 * params.k, 384 * params.k + 32);
    const ByteView stored_hash = decapsulation_key.subspan(768 * params.k + 32, 32);
    if (!equal(sha3_256(ek), stored_hash)) return unexpected(MlKemError::kDecapsulationKeyHash);
    return {};
}

MlKemKeyPair mlkem_keygen(MlKemParameterSet parameter_set, const ByteArray<32>& d,
                          const ByteArray<32>& z) {
    const Params params = params_of(parameter_set);
    MlKemKeyPair pair;
    pair.encapsulation_key.resize(params.encapsulation_key_size());
    Bytes dk(params.decapsulation_key_size());
    mlkem::pke_keygen(params, d, pair.encapsulation_key.data(), dk.data());
    // dk = dk_pke || ek || H(ek) || z
    std::uint8_t* cursor = dk.data() + params.pke_secret_key_size();
    cursor = std::copy(pair.encapsulation_key.begin(), pair.encapsulation_key.end(), cursor);
    const Hash32 ek_hash = sha3_256(pair.encapsulation_key);
    cursor = std::copy(ek_hash.begin(), ek_hash.end(), cursor);
    std::copy(z.begin(), z.end(), cursor);
    pair.decapsulation_key = MlKemDecapsulationKey{std::move(dk)};
    return pair;
}

MlKemKeyPair mlkem_keygen(MlKemParameterSet parameter_set) {
    ByteArray<32> d = random_array<32>();
    ByteArray<32> z = random_array<32>();
    MlKemKeyPair pair = mlkem_keygen(parameter_set, d, z);
    secure_wipe(d.data(), d.size());
    secure_wipe(z.data(), z.size());
    return pair;
}

Result<MlKemEncapsulation, MlKemError> mlkem_encaps(MlKemParameterSet parameter_set,
                                                    ByteView encapsulation_key,
                                                    const ByteArray<32>& m) {
    if (auto checked = mlkem_check_encapsulation_key(parameter_set, encapsulation_key); !checked) {
        return unexpected(checked.error());
    }
    const Params params = params_of(parameter_set);
    MlKemEncapsulation out;
    ByteArray<32> randomness;
    derive_key_and_randomness(m, sha3_256(encapsulation_key), out.shared_secret, randomness);
    out.ciphertext.resize(params.ciphertext_size());
    mlkem::pke_encrypt(params, encapsulation_key.data(), m, randomness, out.ciphertext.data());
    secure_wipe(randomness.data(), randomness.size());
    return out;
}

Result<MlKemEncapsulation, MlKemError> mlkem_encaps(MlKemParameterSet parameter_set,
                                                    ByteView encapsulation_key) {
    ByteArray<32> m = random_array<32>();
    auto out = mlkem_encaps(parameter_set, encapsulation_key, m);
    secure_wipe(m.data(), m.size());
    return out;
}

Result<MlKemSharedSecret, MlKemError> mlkem_decaps(MlKemParameterSet parameter_set,
                                                   ByteView decapsulation_key,
                                                   ByteView ciphertext) {
    const Params params = params_of(parameter_set);
    if (ciphertext.size() != params.ciphertext_size()) {
        return unexpected(MlKemError::kCiphertextLength);
    }
    if (auto checked = mlkem_check_decapsulation_key(parameter_set, decapsulation_key); !checked) {
        return unexpected(checked.error());
    }
    const std::uint8_t* dk_pke = decapsulation_key.data();
    const std::uint8_t* ek_pke = dk_pke + 384 * params.k;
    Hash32 ek_hash;
    std::copy_n(ek_pke + 384 * params.k + 32, 32, ek_hash.begin());
    const std::uint8_t* z = ek_pke + 384 * params.k + 64;

    ByteArray<32> message = mlkem::pke_decrypt(params, dk_pke, ciphertext.data());
    MlKemSharedSecret key;
    ByteArray<32> randomness;
    derive_key_and_randomness(message, ek_hash, key, randomness);

    // K-bar = J(z || c), the key returned for a ciphertext that does not re-encrypt.
    Shake256 j;
    j.absorb(ByteView{z, 32});
    j.absorb(ciphertext);
    MlKemSharedSecret rejection_key;
    j.squeeze(rejection_key);

    std::uint8_t reencrypted[mlkem::kMaxCiphertextBytes];  // on the stack: decaps allocates nothing
    mlkem::pke_encrypt(params, ek_pke, message, randomness, reencrypted);
    // Select without a branch: mask is all ones when the ciphertexts are equal.
    std::uint8_t difference = 0;
    for (std::size_t i = 0; i < params.ciphertext_size(); ++i) {
        difference = static_cast<std::uint8_t>(difference | (reencrypted[i] ^ ciphertext[i]));
    }
    const auto equal_mask =
        static_cast<std::uint8_t>((static_cast<std::uint32_t>(difference) - 1) >> 8);
    for (std::size_t i = 0; i < key.size(); ++i) {
        key[i] = static_cast<std::uint8_t>(
            (key[i] & equal_mask) | (rejection_key[i] & static_cast<std::uint8_t>(~equal_mask)));
    }
    secure_wipe(message.data(), message.size());
    secure_wipe(randomness.data(), randomness.size());
    secure_wipe(rejection_key.data(), rejection_key.size());
    return key;
}

}  // namespace qtm::crypto
