// U256 against GMP: every operation on >= 100,000 random and edge-case inputs, with the
// expected value computed from the EVM's definition over unbounded integers.
#include "base/u256.hpp"

#include <gmpxx.h>
#include <gtest/gtest.h>

#include <functional>
#include <iostream>
#include <random>
#include <vector>

namespace qtm {
namespace {

constexpr int kCasesPerOperation = 100'000;
constexpr std::uint64_t kSeed = 0x5eed'0256;

mpz_class to_mpz(const U256& value) {
    mpz_class out;
    const std::uint64_t limbs[4] = {value[0], value[1], value[2], value[3]};
    mpz_import(out.get_mpz_t(), 4, /*order=*/-1, sizeof(std::uint64_t), /*endian=*/0,
               /*nails=*/0, limbs);
    return out;
}

const mpz_class kTwo256 = mpz_class{1} << 256;
const mpz_class kTwo255 = mpz_class{1} << 255;

mpz_class wrap(const mpz_class& value) {
    mpz_class out;
    mpz_fdiv_r_2exp(out.get_mpz_t(), value.get_mpz_t(), 256);
    return out;
}
mpz_class to_signed(const mpz_class& value) {
    return value >= kTwo255 ? value - kTwo256 : value;
}

// Inputs: edge values, powers of two and their neighbours, and random values of random bit
// length, so that short and long operands (and divisors shorter than dividends) all occur.
class InputGenerator {
public:
    explicit InputGenerator(std::uint64_t seed) : rng_{seed} {
        const U256 one{1};
        for (const U256& v :
             {U256{0}, U256{1}, U256{2}, U256{~0ULL}, U256{0, 1, 0, 0}, U256{0, 0, 1, 0},
              U256{0, 0, 0, 1ULL << 63}, U256::max() >> 1U, U256::max()}) {
            edges_.push_back(v);
        }
        for (unsigned k = 0; k < 256; ++k) {
            edges_.push_back(one << k);
            edges_.push_back((one << k) + one);
            edges_.push_back((one << k) - one);
        }
    }

    U256 next() {
        if (rng_() % 4 == 0) return edges_[rng_() % edges_.size()];
        U256 value{rng_(), rng_(), rng_(), rng_()};
        const auto bits = static_cast<unsigned>(rng_() % 257);
        return bits == 256 ? value : value & ((U256{1} << bits) - U256{1});
    }
    // Shift amounts and byte indices: mostly in range, sometimes huge.
    U256 next_small() {
        switch (rng_() % 8) {
            case 0:
                return next();
            case 1:
                return U256{rng_() % 40};
            default:
                return U256{rng_() % 300};
        }
    }

private:
    std::mt19937_64 rng_;
    std::vector<U256> edges_;
};

using Binary = std::function<U256(const U256&, const U256&)>;
using BinaryReference = std::function<mpz_class(const mpz_class&, const mpz_class&)>;

// Runs one binary operation on kCasesPerOperation inputs; `small_first` draws the first
// operand as a shift amount or byte index.
void check_binary(const char* name, const Binary& op, const BinaryReference& reference,
                  bool small_first = false) {
    const std::uint64_t seed = kSeed ^ std::hash<std::string>{}(name);
    InputGenerator inputs{seed};
    int failures = 0;
    for (int i = 0; i < kCasesPerOperation && failures < 5; ++i) {
        const U256 a = small_first ? inputs.next_small() : inputs.next();
        const U256 b = inputs.next();
        const mpz_class expected = reference(to_mpz(a), to_mpz(b));
        const mpz_class actual = to_mpz(op(a, b));
        if (actual != expected) {
            ++failures;
            ADD_FAILURE() << name << "(" << a.to_hex() << ", " << b.to_hex() << ") = 0x"
                          << actual.get_str(16) << ", GMP says 0x" << expected.get_str(16);
        }
    }
    std::cout << "[counts] U256 " << name << " vs GMP: " << kCasesPerOperation << " cases, seed "
              << seed << "\n";
}

mpz_class boolean(bool value) {
    return value ? 1 : 0;
}

TEST(U256VersusGmp, Add) {
    check_binary("add", std::plus<U256>{}, [](auto& a, auto& b) { return wrap(a + b); });
}
TEST(U256VersusGmp, Sub) {
    check_binary("sub", std::minus<U256>{}, [](auto& a, auto& b) { return wrap(a - b); });
}
TEST(U256VersusGmp, Mul) {
    check_binary("mul", std::multiplies<U256>{}, [](auto& a, auto& b) { return wrap(a * b); });
}
TEST(U256VersusGmp, Div) {
    check_binary("div", std::divides<U256>{},
                 [](auto& a, auto& b) { return b == 0 ? mpz_class{0} : mpz_class{a / b}; });
}
TEST(U256VersusGmp, Mod) {
    check_binary("mod", std::modulus<U256>{},
                 [](auto& a, auto& b) { return b == 0 ? mpz_class{0} : mpz_class{a % b}; });
}
TEST(U256VersusGmp, Sdiv) {
    check_binary("sdiv", sdiv, [](auto& a, auto& b) {
        if (b == 0) return mpz_class{0};
        mpz_class quotient;
        mpz_tdiv_q(quotient.get_mpz_t(), to_signed(a).get_mpz_t(), to_signed(b).get_mpz_t());
        return wrap(quotient);
    });
}
TEST(U256VersusGmp, Smod) {
    check_binary("smod", smod, [](auto& a, auto& b) {
        if (b == 0) return mpz_class{0};
        mpz_class remainder;
        mpz_tdiv_r(remainder.get_mpz_t(), to_signed(a).get_mpz_t(), to_signed(b).get_mpz_t());
        return wrap(remainder);
    });
}
TEST(U256VersusGmp, Exp) {
    check_binary(
        "exp", [](const U256& a, const U256& b) { return exp(a, b); },
        [](auto& a, auto& b) {
            mpz_class out;
            mpz_powm(out.get_mpz_t(), a.get_mpz_t(), b.get_mpz_t(), kTwo256.get_mpz_t());
            return out;
        });
}
TEST(U256VersusGmp, AddmodAndMulmod) {
    InputGenerator inputs{kSeed + 1};
    int failures = 0;
    for (int i = 0; i < kCasesPerOperation && failures < 5; ++i) {
        const U256 a = inputs.next(), b = inputs.next(), m = inputs.next();
        const mpz_class ma = to_mpz(a), mb = to_mpz(b), mm = to_mpz(m);
        const mpz_class add_expected = mm == 0 ? mpz_class{0} : mpz_class{(ma + mb) % mm};
        const mpz_class mul_expected = mm == 0 ? mpz_class{0} : mpz_class{(ma * mb) % mm};
        if (to_mpz(addmod(a, b, m)) != add_expected || to_mpz(mulmod(a, b, m)) != mul_expected) {
            ++failures;
            ADD_FAILURE() << "addmod/mulmod(" << a.to_hex() << ", " << b.to_hex() << ", "
                          << m.to_hex() << ")";
        }
    }
    std::cout << "[counts] U256 addmod, mulmod vs GMP: " << kCasesPerOperation
              << " cases each, seed " << kSeed + 1 << "\n";
}
TEST(U256VersusGmp, Signextend) {
    check_binary(
        "signextend", signextend,
        [](auto& b, auto& x) {
            if (b >= 31) return x;
            const auto bit = static_cast<unsigned long>(b.get_ui()) * 8 + 7;
            mpz_class low;
            mpz_fdiv_r_2exp(low.get_mpz_t(), x.get_mpz_t(), bit + 1);
            if (mpz_tstbit(x.get_mpz_t(), bit) != 0) {
                return mpz_class{low + kTwo256 - (mpz_class{1} << (bit + 1))};
            }
            return low;
        },
        /*small_first=*/true);
}
TEST(U256VersusGmp, Shl) {
    check_binary(
        "shl", [](const U256& s, const U256& x) { return x << s; },
        [](auto& s, auto& x) {
            return s >= 256 ? mpz_class{0} : wrap(x << static_cast<unsigned>(s.get_ui()));
        },
        true);
}
TEST(U256VersusGmp, Shr) {
    check_binary(
        "shr", [](const U256& s, const U256& x) { return x >> s; },
        [](auto& s, auto& x) {
            return s >= 256 ? mpz_class{0} : mpz_class{x >> static_cast<unsigned>(s.get_ui())};
        },
        true);
}
TEST(U256VersusGmp, Sar) {
    check_binary(
        "sar", sar,
        [](auto& s, auto& x) {
            const mpz_class signed_x = to_signed(x);
            if (s >= 256) return signed_x < 0 ? wrap(mpz_class{-1}) : mpz_class{0};
            mpz_class shifted;
            mpz_fdiv_q_2exp(shifted.get_mpz_t(), signed_x.get_mpz_t(), s.get_ui());
            return wrap(shifted);
        },
        true);
}
TEST(U256VersusGmp, Byte) {
    check_binary(
        "byte", byte,
        [](auto& i, auto& x) {
            if (i >= 32) return mpz_class{0};
            return mpz_class{(x >> static_cast<unsigned>(8 * (31 - i.get_ui()))) & 0xff};
        },
        true);
}
TEST(U256VersusGmp, Comparisons) {
    check_binary(
        "lt", [](auto& a, auto& b) { return U256{lt(a, b)}; },
        [](auto& a, auto& b) { return boolean(a < b); });
    check_binary(
        "gt", [](auto& a, auto& b) { return U256{gt(a, b)}; },
        [](auto& a, auto& b) { return boolean(a > b); });
    check_binary(
        "slt", [](auto& a, auto& b) { return U256{slt(a, b)}; },
        [](auto& a, auto& b) { return boolean(to_signed(a) < to_signed(b)); });
    check_binary(
        "sgt", [](auto& a, auto& b) { return U256{sgt(a, b)}; },
        [](auto& a, auto& b) { return boolean(to_signed(a) > to_signed(b)); });
    check_binary(
        "eq", [](auto& a, auto& b) { return U256{eq(a, b)}; },
        [](auto& a, auto& b) { return boolean(a == b); });
}
TEST(U256VersusGmp, Bitwise) {
    check_binary("and", std::bit_and<U256>{}, [](auto& a, auto& b) { return mpz_class{a & b}; });
    check_binary("or", std::bit_or<U256>{}, [](auto& a, auto& b) { return mpz_class{a | b}; });
    check_binary("xor", std::bit_xor<U256>{}, [](auto& a, auto& b) { return mpz_class{a ^ b}; });
    check_binary(
        "not", [](auto& a, auto&) { return ~a; },
        [](auto& a, auto&) { return mpz_class{kTwo256 - 1 - a}; });
}
TEST(U256VersusGmp, StringsAndBytesRoundTrip) {
    InputGenerator inputs{kSeed + 2};
    for (int i = 0; i < kCasesPerOperation; ++i) {
        const U256 value = inputs.next();
        const mpz_class reference = to_mpz(value);
        ASSERT_EQ(value.to_decimal(), reference.get_str(10));
        ASSERT_EQ(value.to_hex(), "0x" + reference.get_str(16));
        ASSERT_EQ(*U256::from_decimal(reference.get_str(10)), value);
        ASSERT_EQ(*U256::from_hex(reference.get_str(16)), value);
        ASSERT_EQ(U256::from_be_bytes(value.to_be_bytes()), value);
        ASSERT_EQ(value.byte_length(),
                  (mpz_sizeinbase(reference.get_mpz_t(), 2) + 7) / 8 * (reference != 0 ? 1 : 0));
    }
    std::cout << "[counts] U256 decimal/hex/bytes round trips vs GMP: " << kCasesPerOperation
              << " cases\n";
}

TEST(U256Parse, ErrorsAreTyped) {
    EXPECT_EQ(U256::from_decimal("").error(), U256ParseError::kEmpty);
    EXPECT_EQ(U256::from_hex("0x").error(), U256ParseError::kEmpty);
    EXPECT_EQ(U256::from_hex("").error(), U256ParseError::kEmpty);
    EXPECT_EQ(U256::from_decimal("12a").error(), U256ParseError::kInvalidCharacter);
    EXPECT_EQ(U256::from_decimal("-1").error(), U256ParseError::kInvalidCharacter);
    EXPECT_EQ(U256::from_decimal(" 1").error(), U256ParseError::kInvalidCharacter);
    EXPECT_EQ(U256::from_hex("0xg").error(), U256ParseError::kInvalidCharacter);
    EXPECT_EQ(U256::from_hex("0x0x1").error(), U256ParseError::kInvalidCharacter);
    const std::string max_decimal =
        "115792089237316195423570985008687907853269984665640564039457584007913129639935";
    EXPECT_EQ(*U256::from_decimal(max_decimal), U256::max());
    EXPECT_EQ(U256::from_decimal(
                  "115792089237316195423570985008687907853269984665640564039457584007913129639936")
                  .error(),
              U256ParseError::kOverflow);
    EXPECT_EQ(U256::from_decimal(max_decimal + "0").error(), U256ParseError::kOverflow);
    EXPECT_EQ(*U256::from_hex("0x" + std::string(64, 'f')), U256::max());
    EXPECT_EQ(U256::from_hex("0x1" + std::string(64, '0')).error(), U256ParseError::kOverflow);
    EXPECT_EQ(*U256::from_hex("0x" + std::string(100, '0') + "1"), U256{1});
    EXPECT_EQ(*U256::from_decimal("000000000000000000000000000000000000000000000000000000000000"
                                  "00000000000000000000000042"),
              U256{42});
    EXPECT_EQ(U256{0}.to_hex(), "0x0");
    EXPECT_EQ(U256{0}.to_decimal(), "0");
}

TEST(U256Bytes, ShortInputsAreZeroExtended) {
    EXPECT_EQ(U256::from_be_bytes(Bytes{}), U256{0});
    EXPECT_EQ(U256::from_be_bytes(Bytes{0x01, 0x02}), U256{0x0102});
    const auto bytes = U256{0x0102}.to_be_bytes();
    EXPECT_EQ(bytes[31], 0x02);
    EXPECT_EQ(bytes[30], 0x01);
    EXPECT_EQ(bytes[0], 0x00);
}

}  // namespace
}  // namespace qtm
