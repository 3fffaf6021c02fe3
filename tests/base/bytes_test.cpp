#include "base/bytes.hpp"

#include <gtest/gtest.h>

namespace qtm {
namespace {

TEST(ConstantTimeEqual, ComparesContentAndLength) {
    const Bytes a{1, 2, 3, 4};
    EXPECT_TRUE(constant_time_equal(a, Bytes{1, 2, 3, 4}));
    EXPECT_FALSE(constant_time_equal(a, Bytes{0, 2, 3, 4}));  // first byte differs
    EXPECT_FALSE(constant_time_equal(a, Bytes{1, 2, 3, 5}));  // last byte differs
    EXPECT_FALSE(constant_time_equal(a, Bytes{1, 2, 3}));     // lengths differ
    EXPECT_TRUE(constant_time_equal(Bytes{}, Bytes{}));
    EXPECT_FALSE(constant_time_equal(Bytes{}, Bytes{0}));
}

TEST(SecureWipe, ZeroesTheBuffer) {
    Bytes secret(64, 0xaa);
    secure_wipe(secret.data(), secret.size());
    EXPECT_EQ(secret, Bytes(64, 0));
    secure_wipe(nullptr, 0);  // a no-op, not a crash
}

TEST(Bytes, ViewsAndCopies) {
    EXPECT_EQ(to_bytes(as_bytes("ab")), (Bytes{'a', 'b'}));
    EXPECT_TRUE(equal(as_bytes("xyz"), Bytes{'x', 'y', 'z'}));
    EXPECT_FALSE(equal(as_bytes("xyz"), Bytes{'x', 'y'}));
}

}  // namespace
}  // namespace qtm
