// Every byte of every handshake message, with one bit flipped (position offset % 8), makes
// the handshake fail with a typed error. About 13,000 handshakes: opt-in (ctest -L slow);
// the default run samples the same messages (handshake_tamper_test.cpp).
#include <gtest/gtest.h>

#include "handshake_support.hpp"

namespace qtm::p2p {
namespace {

using namespace qtm::p2p::testing;

void check_every_byte(Message message) {
    for (std::size_t offset = 0; offset < message_size(message); ++offset) {
        ASSERT_EQ(tamper_and_run(message, offset), "") << "byte " << offset;
    }
}

TEST(HandshakeTamperSlow, EveryByteOfTheHello) {
    check_every_byte(Message::kHello);
}

TEST(HandshakeTamperSlow, EveryByteOfTheReply) {
    check_every_byte(Message::kReply);
}

TEST(HandshakeTamperSlow, EveryByteOfTheFinish) {
    check_every_byte(Message::kFinish);
}

}  // namespace
}  // namespace qtm::p2p
