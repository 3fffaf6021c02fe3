// ShakeX4 (four SHAKE instances in step) against four separate Shake128/Shake256 objects,
// and the AVX2 four-state permutation against the one-state permutation, on random inputs.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "crypto/cpu.hpp"
#include "crypto/keccak.hpp"

namespace qtm::crypto {
namespace {

template <class Shake>
void compare_with_single_instances(std::mt19937& rng, std::size_t length, std::size_t blocks) {
    std::vector<std::uint8_t> inputs[4];
    const std::uint8_t* in[4];
    for (std::size_t j = 0; j < 4; ++j) {
        inputs[j].resize(length);
        for (auto& b : inputs[j])
            b = static_cast<std::uint8_t>(rng());
        in[j] = inputs[j].data();
    }
    ShakeX4 x4{Shake::kRate};
    x4.absorb_all(in, length);
    std::vector<std::uint8_t> outputs[4];
    std::uint8_t* out[4];
    for (std::size_t j = 0; j < 4; ++j) {
        outputs[j].resize(blocks * Shake::kRate);
        out[j] = outputs[j].data();
    }
    x4.squeeze_blocks(out, blocks);
    for (std::size_t j = 0; j < 4; ++j) {
        Shake single;
        single.absorb(ByteView{inputs[j].data(), length});
        std::vector<std::uint8_t> expected(blocks * Shake::kRate);
        single.squeeze(MutableByteView{expected.data(), expected.size()});
        ASSERT_EQ(outputs[j], expected) << "instance " << j << ", length " << length;
    }
}

TEST(ShakeX4, MatchesFourSeparateInstances) {
    std::mt19937 rng{202};
    for (const std::size_t length :
         {std::size_t{0}, std::size_t{1}, std::size_t{33}, std::size_t{34}, std::size_t{66},
          std::size_t{135}, std::size_t{136}, std::size_t{137}, std::size_t{167}, std::size_t{168},
          std::size_t{169}, std::size_t{400}}) {
        compare_with_single_instances<Shake128>(rng, length, 1);
        compare_with_single_instances<Shake128>(rng, length, 5);
        compare_with_single_instances<Shake256>(rng, length, 1);
        compare_with_single_instances<Shake256>(rng, length, 3);
    }
}

TEST(ShakeX4, SqueezingInStepsEqualsSqueezingAtOnce) {
    std::uint8_t seeds[4][34] = {{1}, {2}, {3}, {4}};
    const std::uint8_t* in[4] = {seeds[0], seeds[1], seeds[2], seeds[3]};
    ShakeX4 a{Shake128::kRate}, b{Shake128::kRate};
    a.absorb_all(in, 34);
    b.absorb_all(in, 34);
    std::uint8_t all[4][3 * Shake128::kRate], steps[4][3 * Shake128::kRate];
    std::uint8_t* out_all[4] = {all[0], all[1], all[2], all[3]};
    a.squeeze_blocks(out_all, 3);
    for (std::size_t block = 0; block < 3; ++block) {
        std::uint8_t* out[4];
        for (std::size_t j = 0; j < 4; ++j)
            out[j] = steps[j] + block * Shake128::kRate;
        b.squeeze_blocks(out, 1);
    }
    EXPECT_EQ(0, std::memcmp(all, steps, sizeof all));
}

TEST(ShakeX4, Avx2PermutationMatchesFourOneStatePermutations) {
    if (!cpu_has_avx2()) GTEST_SKIP() << "this CPU has no AVX2: only the portable path exists";
    std::mt19937_64 rng{1600};
    for (int trial = 0; trial < 100; ++trial) {
        alignas(32) std::uint64_t vector[25][4], portable[25][4];
        for (std::size_t i = 0; i < 25; ++i) {
            for (std::size_t j = 0; j < 4; ++j)
                vector[i][j] = portable[i][j] = rng();
        }
        detail::keccak_f1600_x4_avx2(vector);
        detail::keccak_f1600_x4_portable(portable);
        ASSERT_EQ(0, std::memcmp(vector, portable, sizeof vector)) << trial;
    }
}

}  // namespace
}  // namespace qtm::crypto
