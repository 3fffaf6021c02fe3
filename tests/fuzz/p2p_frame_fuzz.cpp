// Fuzzes the p2p frame decoder: arbitrary peer bytes, fed in chunks whose sizes come from
// the input, either wait for more, fail with a typed (sticky) error, or open a frame;
// without the key the fuzzer can only forge frames by chance, so an opened frame is one the
// input spliced from the valid frames this target seals first.
#include <cstdint>
#include <cstdlib>

#include "p2p/session.hpp"

using namespace qtm;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const crypto::AeadKey key{ByteArray<32>{0x42}};
    const p2p::FrameLimits limits{/*max_message_size=*/4096, /*rekey_after_frames=*/2,
                                  /*rekey_after_bytes=*/5000};
    p2p::FrameOpener opener{key, limits};
    // Half the time a valid frame first, so the fuzzer's bytes meet a decoder whose counter
    // has advanced; then the fuzzer's bytes.
    p2p::FrameSealer sealer{key, limits};
    if (size > 0 && (data[0] & 1)) {
        opener.append(sealer.seal(ByteView{data, size}.first(std::min<std::size_t>(size, 64))));
    }
    std::size_t offset = 0;
    bool failed = false;
    while (offset < size) {
        const std::size_t chunk = std::min<std::size_t>(size - offset, 1 + data[offset] % 97);
        opener.append(ByteView{data + offset, chunk});
        offset += chunk;
        while (true) {
            auto next = opener.next();
            if (!next) {
                failed = true;
                break;
            }
            if (failed) std::abort();  // an error must be sticky
            if (!next->has_value()) break;
            if ((*next)->size() > limits.max_message_size) std::abort();
        }
    }
    return 0;
}
