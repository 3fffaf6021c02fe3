// Arithmetic, bitwise and shift opcodes executed by the interpreter, differentially against
// GMP on random and edge-biased 256-bit operands.
#include <gmpxx.h>
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "evm_support.hpp"

namespace qtm::evm::test {
namespace {

const mpz_class kTwo256 = mpz_class{1} << 256;

mpz_class to_mpz(const U256& value) {
    const auto bytes = value.to_be_bytes();
    mpz_class out;
    mpz_import(out.get_mpz_t(), bytes.size(), 1, 1, 1, 0, bytes.data());
    return out;
}

U256 from_mpz(mpz_class value) {
    value %= kTwo256;
    if (value < 0) value += kTwo256;
    Bytes bytes(32, 0);
    std::size_t count = 0;
    Bytes raw(32, 0);
    mpz_export(raw.data(), &count, 1, 1, 1, 0, value.get_mpz_t());
    std::copy(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(count),
              bytes.end() - static_cast<std::ptrdiff_t>(count));
    return U256::from_be_bytes(bytes);
}

mpz_class to_signed(const U256& value) {
    mpz_class v = to_mpz(value);
    return v >= (kTwo256 >> 1) ? mpz_class{v - kTwo256} : v;
}

// Operands biased towards the edges where implementations go wrong.
rc::Gen<U256> gen_word() {
    return rc::gen::oneOf(
        rc::gen::map(
            rc::gen::container<std::vector<std::uint8_t>>(32, rc::gen::arbitrary<std::uint8_t>()),
            [](const std::vector<std::uint8_t>& b) { return U256::from_be_bytes(b); }),
        rc::gen::map(rc::gen::arbitrary<std::uint64_t>(), [](std::uint64_t v) { return U256{v}; }),
        rc::gen::map(rc::gen::inRange(0, 300),
                     [](int v) { return U256{static_cast<std::uint64_t>(v)}; }),
        rc::gen::map(rc::gen::inRange(0, 256),
                     [](int bit) { return (U256{1} << static_cast<unsigned>(bit)) - U256{1}; }),
        rc::gen::map(rc::gen::inRange(0, 256),
                     [](int bit) { return ~U256{} - (U256{1} << static_cast<unsigned>(bit)); }));
}

U256 run_op(const Bytecode& operands, Opcode op) {
    TestHost host;
    const Outcome run = execute(host, operands + op + ret_top());
    RC_ASSERT(run.result.status == Status::kSuccess);
    return run.output_word();
}

U256 binary(Opcode op, const U256& top, const U256& second) {
    return run_op(push(second) + push(top), op);
}

TEST(EvmArithmeticProperty, MatchesGmp) {
    rc::check("ADD SUB MUL DIV MOD", [] {
        const U256 a = *gen_word();
        const U256 b = *gen_word();
        const mpz_class x = to_mpz(a), y = to_mpz(b);
        RC_ASSERT(binary(OP_ADD, a, b) == from_mpz(x + y));
        RC_ASSERT(binary(OP_SUB, a, b) == from_mpz(x - y));
        RC_ASSERT(binary(OP_MUL, a, b) == from_mpz(x * y));
        RC_ASSERT(binary(OP_DIV, a, b) == (y == 0 ? U256{} : from_mpz(x / y)));
        RC_ASSERT(binary(OP_MOD, a, b) == (y == 0 ? U256{} : from_mpz(x % y)));
    });
    rc::check("SDIV SMOD SLT SGT", [] {
        const U256 a = *gen_word();
        const U256 b = *gen_word();
        const mpz_class x = to_signed(a), y = to_signed(b);
        mpz_class q, r;
        if (y != 0) {
            mpz_tdiv_qr(q.get_mpz_t(), r.get_mpz_t(), x.get_mpz_t(), y.get_mpz_t());
        }
        RC_ASSERT(binary(OP_SDIV, a, b) == from_mpz(q));
        RC_ASSERT(binary(OP_SMOD, a, b) == from_mpz(r));
        RC_ASSERT(binary(OP_SLT, a, b) == U256{x < y ? 1u : 0u});
        RC_ASSERT(binary(OP_SGT, a, b) == U256{x > y ? 1u : 0u});
    });
    rc::check("ADDMOD MULMOD", [] {
        const U256 a = *gen_word();
        const U256 b = *gen_word();
        const U256 m = *gen_word();
        const mpz_class x = to_mpz(a), y = to_mpz(b), n = to_mpz(m);
        const Bytecode operands = push(m) + push(b) + push(a);
        RC_ASSERT(run_op(operands, OP_ADDMOD) == (n == 0 ? U256{} : from_mpz((x + y) % n)));
        RC_ASSERT(run_op(operands, OP_MULMOD) == (n == 0 ? U256{} : from_mpz((x * y) % n)));
    });
    rc::check("EXP", [] {
        const U256 base = *gen_word();
        const U256 exponent = *gen_word();
        mpz_class r;
        const mpz_class b = to_mpz(base), e = to_mpz(exponent);
        mpz_powm(r.get_mpz_t(), b.get_mpz_t(), e.get_mpz_t(), kTwo256.get_mpz_t());
        RC_ASSERT(binary(OP_EXP, base, exponent) == from_mpz(r));
    });
    rc::check("SHL SHR SAR BYTE SIGNEXTEND", [] {
        const U256 shift = *gen_word();
        const U256 value = *gen_word();
        const mpz_class v = to_mpz(value), sv = to_signed(value), s = to_mpz(shift);
        const unsigned n = s < 256 ? static_cast<unsigned>(s.get_ui()) : 256u;
        RC_ASSERT(binary(OP_SHL, shift, value) ==
                  from_mpz(n >= 256 ? mpz_class{0} : mpz_class{v << n}));
        RC_ASSERT(binary(OP_SHR, shift, value) ==
                  from_mpz(n >= 256 ? mpz_class{0} : mpz_class{v >> n}));
        mpz_class sar;
        mpz_fdiv_q_2exp(sar.get_mpz_t(), sv.get_mpz_t(), n);  // floor: sign-filling shift
        RC_ASSERT(binary(OP_SAR, shift, value) == from_mpz(sar));
        const mpz_class byte = s < 32 ? mpz_class{(v >> (8 * (31 - n))) & 0xff} : mpz_class{0};
        RC_ASSERT(binary(OP_BYTE, shift, value) == from_mpz(byte));
        mpz_class extended = v;
        if (s < 31) {
            const unsigned bits = 8 * n + 8;
            const mpz_class low = v & ((mpz_class{1} << bits) - 1);
            extended = mpz_tstbit(low.get_mpz_t(), bits - 1)
                           ? mpz_class{low - (mpz_class{1} << bits)}
                           : low;
        }
        RC_ASSERT(binary(OP_SIGNEXTEND, shift, value) == from_mpz(extended));
    });
}

}  // namespace
}  // namespace qtm::evm::test
