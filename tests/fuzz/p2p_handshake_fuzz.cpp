// Fuzzes the p2p handshake state machines with arbitrary peer bytes: the first input byte
// picks the message (hello to a responder, reply to an initiator, finish to a responder
// that has answered a real hello); optionally the rest is spliced into a real message so
// the checks past the size check are reached. Every outcome must be a typed error, never a
// crash, an exception or a success (the fuzzer holds no key).
#include <cstdint>
#include <cstdlib>

#include "p2p/handshake.hpp"

using namespace qtm;
using namespace qtm::p2p;

namespace {

ByteArray<32> filled(std::uint8_t value) {
    ByteArray<32> out{};
    out.fill(value);
    return out;
}

const NetworkIdentity kNetwork{kProtocolVersion, 7357, filled(0xe0)};

const NodeKey& key_a() {
    static const NodeKey key = NodeKey::from_seed(filled(1));
    return key;
}
const NodeKey& key_b() {
    static const NodeKey key = NodeKey::from_seed(filled(2));
    return key;
}

InitiatorRandomness initiator_randomness() {
    return {crypto::Secret<32>{filled(3)}, crypto::Secret<32>{filled(4)},
            crypto::Secret<32>{filled(5)}};
}
ResponderRandomness responder_randomness() {
    return {crypto::Secret<32>{filled(6)}, crypto::Secret<32>{filled(7)}};
}

// The message to feed: the input as it is, or a real message overwritten from an offset.
Bytes message(const Bytes& real, ByteView input, bool splice) {
    if (!splice || input.size() < 2) return to_bytes(input);
    Bytes out = real;
    const std::size_t at = (std::size_t{input[0]} | (std::size_t{input[1]} << 8)) % out.size();
    for (std::size_t i = 2; i < input.size() && at + i - 2 < out.size(); ++i)
        out[at + i - 2] ^= input[i];
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const int target = data[0] % 3;
    const bool splice = (data[0] & 0x80) != 0;
    const ByteView input{data + 1, size - 1};
    constexpr auto kDeterministic = crypto::SigningMode::kDeterministic;

    InitiatorHandshake initiator{kNetwork, key_a(), key_b().id(), initiator_randomness(),
                                 kDeterministic};
    ResponderHandshake responder{kNetwork, key_b(), responder_randomness(), kDeterministic};
    const Bytes hello = initiator.hello();
    if (target == 0) {
        const Bytes fed = message(hello, input, splice);
        auto reply = responder.on_hello(fed);
        // A hello is accepted only if it passes the checks; the reply then must not
        // complete the real initiator's handshake unless the hello was the real one.
        if (reply && initiator.on_reply(*reply) && fed != hello) std::abort();
        return 0;
    }
    auto reply = responder.on_hello(hello);
    if (!reply) std::abort();
    if (target == 1) {
        const Bytes fed = message(*reply, input, splice);
        if (initiator.on_reply(fed) && fed != *reply) std::abort();
        return 0;
    }
    InitiatorHandshake real{kNetwork, key_a(), key_b().id(), initiator_randomness(),
                            kDeterministic};
    (void)real.hello();
    auto finished = real.on_reply(*reply);
    if (!finished) std::abort();
    const Bytes fed = message(finished->finish, input, splice);
    if (responder.on_finish(fed) && fed != finished->finish) std::abort();
    return 0;
}
