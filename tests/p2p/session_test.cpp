// The encrypted session: frames round trip in chunks of any size, both budgets rekey both
// ends in step, and every failure (tampering, reordering, replay, oversized or undersized
// length prefixes) is fatal and sticky.
#include <gtest/gtest.h>

#include "base/endian.hpp"
#include "handshake_support.hpp"
#include "p2p/session.hpp"

namespace qtm::p2p {
namespace {

using namespace qtm::p2p::testing;

struct Pair {
    Session initiator;
    Session responder;
};

Pair connected(const FrameLimits& limits = {}) {
    const auto t = run_fixed_handshake();
    return Pair{Session::from_keys(t.initiator->keys, limits),
                Session::from_keys(t.responder->keys, limits)};
}

Bytes message_of(std::size_t size, std::uint8_t seed) {
    Bytes m(size);
    for (std::size_t i = 0; i < size; ++i)
        m[i] = static_cast<std::uint8_t>(seed + i * 7);
    return m;
}

// Feeds `bytes` and returns the one message they complete (fails the test otherwise).
Bytes receive_one(FrameOpener& opener, ByteView bytes) {
    opener.append(bytes);
    auto next = opener.next();
    EXPECT_TRUE(next) << to_string(next.error());
    if (!next || !next->has_value()) return {};
    return std::move(**next);
}

TEST(Session, MessagesRoundTripBothWays) {
    auto p = connected();
    for (std::size_t size : {0UL, 1UL, 15UL, 16UL, 17UL, 1000UL, 70000UL}) {
        const Bytes m = message_of(size, static_cast<std::uint8_t>(size));
        EXPECT_EQ(receive_one(p.responder.opener, p.initiator.sealer.seal(m)), m);
        EXPECT_EQ(receive_one(p.initiator.opener, p.responder.sealer.seal(m)), m);
    }
}

TEST(Session, DirectionsUseDifferentKeys) {
    auto p = connected();
    // A frame sealed by the initiator does not open as if the responder had sent it.
    const Bytes frame = p.initiator.sealer.seal(as_bytes("vote"));
    p.initiator.opener.append(frame);
    auto next = p.initiator.opener.next();
    ASSERT_FALSE(next);
    EXPECT_EQ(next.error(), FrameError::kAuthenticationFailed);
}

TEST(Session, ByteByByteAndManyFramesPerChunk) {
    auto p = connected();
    Bytes stream;
    std::vector<Bytes> sent;
    for (std::size_t i = 0; i < 5; ++i) {
        sent.push_back(message_of(100 + i, static_cast<std::uint8_t>(i)));
        const Bytes frame = p.initiator.sealer.seal(sent.back());
        stream.insert(stream.end(), frame.begin(), frame.end());
    }
    std::vector<Bytes> received;
    // First half byte by byte, the rest in one chunk.
    const std::size_t half = stream.size() / 2;
    for (std::size_t i = 0; i < stream.size(); ++i) {
        if (i < half) {
            p.responder.opener.append(ByteView{stream}.subspan(i, 1));
        } else {
            p.responder.opener.append(ByteView{stream}.subspan(i));
            i = stream.size();
        }
        while (true) {
            auto next = p.responder.opener.next();
            ASSERT_TRUE(next);
            if (!next->has_value()) break;
            received.push_back(std::move(**next));
        }
    }
    EXPECT_EQ(received, sent);
    EXPECT_EQ(p.responder.opener.buffered(), 0u);
}

TEST(Session, RekeyAfterFrameBudgetKeepsBothEndsInStep) {
    const FrameLimits limits{/*max_message_size=*/1024, /*rekey_after_frames=*/3,
                             /*rekey_after_bytes=*/1ull << 40};
    auto p = connected(limits);
    for (int i = 0; i < 10; ++i) {
        const Bytes m = message_of(10, static_cast<std::uint8_t>(i));
        EXPECT_EQ(receive_one(p.responder.opener, p.initiator.sealer.seal(m)), m);
    }
    EXPECT_EQ(p.initiator.sealer.epoch(), 3u);
    EXPECT_EQ(p.responder.opener.epoch(), 3u);
    EXPECT_EQ(p.responder.sealer.epoch(), 0u);  // the other direction has its own budget
}

TEST(Session, RekeyAfterByteBudget) {
    const FrameLimits limits{/*max_message_size=*/1024, /*rekey_after_frames=*/1ull << 32,
                             /*rekey_after_bytes=*/100};
    auto p = connected(limits);
    for (int i = 0; i < 6; ++i) {
        const Bytes m = message_of(60, static_cast<std::uint8_t>(i));
        EXPECT_EQ(receive_one(p.responder.opener, p.initiator.sealer.seal(m)), m);
    }
    EXPECT_EQ(p.initiator.sealer.epoch(), 3u);  // every second 60-byte frame crosses 100
    EXPECT_EQ(p.responder.opener.epoch(), 3u);
}

TEST(Session, RekeyingReallyChangesTheKey) {
    // Ends that disagree on the budget fail at the first frame after one of them rekeyed.
    const auto t = run_fixed_handshake();
    FrameSealer sealer{t.initiator->keys.send, FrameLimits{1024, 2, 1ull << 40}};
    FrameOpener opener{t.responder->keys.receive, FrameLimits{1024, 3, 1ull << 40}};
    for (int i = 0; i < 2; ++i) {
        opener.append(sealer.seal(as_bytes("x")));
        ASSERT_TRUE(opener.next());
    }
    opener.append(sealer.seal(as_bytes("x")));
    auto next = opener.next();
    ASSERT_FALSE(next);
    EXPECT_EQ(next.error(), FrameError::kAuthenticationFailed);
}

TEST(Session, EveryFlippedByteOfAFrameIsFatal) {
    auto reference = connected();
    const Bytes frame = reference.initiator.sealer.seal(message_of(40, 1));
    for (std::size_t offset = 0; offset < frame.size(); ++offset) {
        auto p = connected();
        Bytes tampered = p.initiator.sealer.seal(message_of(40, 1));
        ASSERT_EQ(tampered, frame);  // same keys, same counter
        tampered[offset] ^= static_cast<std::uint8_t>(1u << (offset % 8));
        p.responder.opener.append(tampered);
        // A larger length prefix waits for more bytes; the next frame then completes it.
        p.responder.opener.append(p.initiator.sealer.seal(message_of(40, 2)));
        p.responder.opener.append(Bytes(4096, 0));
        auto next = p.responder.opener.next();
        ASSERT_FALSE(next && next->has_value()) << "byte " << offset << " accepted";
        if (!next) {
            EXPECT_TRUE(peer_is_to_blame(next.error()));
        }
    }
}

TEST(Session, OversizedAndUndersizedLengthsFailBeforeTheBody) {
    const FrameLimits limits{/*max_message_size=*/1000, 1ull << 32, 1ull << 30};
    auto p = connected(limits);
    Bytes header(4);
    store_be32(header.data(), 1000 + 16 + 1);
    p.responder.opener.append(header);
    auto next = p.responder.opener.next();
    ASSERT_FALSE(next);
    EXPECT_EQ(next.error(), FrameError::kFrameTooLarge);

    auto q = connected(limits);
    store_be32(header.data(), 15);
    q.responder.opener.append(header);
    next = q.responder.opener.next();
    ASSERT_FALSE(next);
    EXPECT_EQ(next.error(), FrameError::kFrameTooSmall);

    // The largest allowed frame goes through.
    auto r = connected(limits);
    const Bytes m = message_of(1000, 3);
    EXPECT_EQ(receive_one(r.responder.opener, r.initiator.sealer.seal(m)), m);
    EXPECT_THROW((void)r.initiator.sealer.seal(Bytes(1001)), std::invalid_argument);
}

TEST(Session, TruncatedFrameDeliversNothing) {
    auto p = connected();
    const Bytes frame = p.initiator.sealer.seal(message_of(100, 4));
    p.responder.opener.append(ByteView{frame}.first(frame.size() - 1));
    auto next = p.responder.opener.next();
    ASSERT_TRUE(next);
    EXPECT_FALSE(next->has_value());
}

TEST(Session, ReorderedOrReplayedFramesAreFatalAndFailureIsSticky) {
    auto p = connected();
    const Bytes first = p.initiator.sealer.seal(as_bytes("first"));
    const Bytes second = p.initiator.sealer.seal(as_bytes("second"));
    p.responder.opener.append(second);
    auto next = p.responder.opener.next();
    ASSERT_FALSE(next);
    EXPECT_EQ(next.error(), FrameError::kAuthenticationFailed);
    p.responder.opener.append(first);  // the right frame now: too late
    next = p.responder.opener.next();
    ASSERT_FALSE(next);

    auto q = connected();
    const Bytes frame = q.initiator.sealer.seal(as_bytes("once"));
    EXPECT_EQ(receive_one(q.responder.opener, frame), to_bytes(as_bytes("once")));
    q.responder.opener.append(frame);  // replayed
    next = q.responder.opener.next();
    ASSERT_FALSE(next);
    EXPECT_EQ(next.error(), FrameError::kAuthenticationFailed);
}

}  // namespace
}  // namespace qtm::p2p
