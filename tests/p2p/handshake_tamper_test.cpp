// Flipped bytes in the handshake messages make it fail with a typed error (never an
// exception, never a success). The bounded default run flips every byte of every field
// boundary region (the whole hello header and X25519 key, the first and last 48 bytes of
// every field) and every 53rd byte elsewhere; handshake_tamper_slow_test.cpp flips every
// byte of all three messages (about 13,000 handshakes).
#include <gtest/gtest.h>

#include <set>

#include "handshake_support.hpp"

namespace qtm::p2p {
namespace {

using namespace qtm::p2p::testing;

// Field boundaries of each message (docs/protocol.md).
std::set<std::size_t> sampled_offsets(Message message) {
    std::vector<std::size_t> fields;
    switch (message) {
        case Message::kHello:
            fields = {0, 2, 10, 42, 74, kHelloSize};
            break;
        case Message::kReply:
            fields = {
                0, 32, 32 + 1088, 32 + 1088 + 1, 32 + 1088 + 1 + 1952, kReplySize - 16, kReplySize};
            break;
        case Message::kFinish:
            fields = {0, 1, 1 + 1952, kFinishSize - 16, kFinishSize};
            break;
    }
    std::set<std::size_t> offsets;
    for (std::size_t i = 0; i + 1 < fields.size(); ++i) {
        const std::size_t begin = fields[i];
        const std::size_t end = fields[i + 1];
        for (std::size_t o = begin; o < end && o < begin + 48; ++o)
            offsets.insert(o);
        for (std::size_t o = end > 48 ? std::max(begin, end - 48) : begin; o < end; ++o)
            offsets.insert(o);
    }
    for (std::size_t o = 0; o < message_size(message); o += 53)
        offsets.insert(o);
    return offsets;
}

void check(Message message) {
    const auto offsets = sampled_offsets(message);
    for (const std::size_t offset : offsets) {
        const std::string failure = tamper_and_run(message, offset);
        ASSERT_EQ(failure, "") << "byte " << offset;
    }
    std::cout << offsets.size() << " of " << message_size(message) << " bytes flipped\n";
}

TEST(HandshakeTamper, SampledBytesOfTheHello) {
    check(Message::kHello);
}

TEST(HandshakeTamper, SampledBytesOfTheReply) {
    check(Message::kReply);
}

TEST(HandshakeTamper, SampledBytesOfTheFinish) {
    check(Message::kFinish);
}

}  // namespace
}  // namespace qtm::p2p
