// Fuzzes ML-DSA verification: the first byte picks the scheme id (any value, including the
// invalid 0 and 4..255), the rest is split into a public key, message, context and
// signature. verify() must answer without crashing; a signature under a fixed valid key,
// with fuzzed bytes laid over it (hint section included), must not crash either, and any
// input of the wrong length must be rejected.
#include <cstdint>
#include <cstdlib>

#include "crypto/mldsa.hpp"

using namespace qtm::crypto;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const auto scheme = static_cast<SignatureScheme>(data[0]);
    const qtm::ByteView rest{data + 2, size - 2};
    const std::size_t context_size = std::min<std::size_t>(data[1], rest.size());
    const qtm::ByteView context = rest.first(context_size);
    const qtm::ByteView body = rest.subspan(context_size);

    // 1. Raw bytes: split the body by the scheme's sizes where possible.
    const auto sizes = signature_sizes(static_cast<SignatureScheme>((data[0] % 3) + 1));
    const std::size_t pk_size = std::min(sizes.public_key, body.size());
    const qtm::ByteView pk = body.first(pk_size);
    const qtm::ByteView after_pk = body.subspan(pk_size);
    const std::size_t sig_size = std::min(sizes.signature, after_pk.size());
    const qtm::ByteView sig = after_pk.first(sig_size);
    const qtm::ByteView message = after_pk.subspan(sig_size);
    const bool raw = verify(scheme, pk, message, context, sig);
    if (raw && (pk.size() != signature_sizes(scheme).public_key ||
                sig.size() != signature_sizes(scheme).signature))
        std::abort();

    // 2. A valid ML-DSA-44 signature with the fuzzed body XORed over its tail, so that the
    // hint and z sections see structured damage.
    static const auto pair = mldsa_keygen<SignatureScheme::kMlDsa44>(qtm::ByteArray<32>{});
    static const auto valid = *mldsa_sign<SignatureScheme::kMlDsa44>(
        pair.secret_key, qtm::ByteView{}, qtm::ByteView{}, SigningMode::kDeterministic);
    auto damaged = valid.bytes;
    for (std::size_t i = 0; i < body.size() && i < damaged.size(); ++i)
        damaged[damaged.size() - 1 - i] ^= body[i];
    const bool ok = verify(SignatureScheme::kMlDsa44, pair.public_key.bytes, {}, {}, damaged);
    if (damaged == valid.bytes && !ok) std::abort();  // the undamaged signature must verify
    return 0;
}
