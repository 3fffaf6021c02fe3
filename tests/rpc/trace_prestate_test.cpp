// geth's prestateTracer on a hand-assembled contract: the accounts and slots a transaction
// touched as they were before it, and with diffMode only what it changed (pre and post).
#include <gtest/gtest.h>

#include "base/hex.hpp"
#include "rpc/params.hpp"
#include "rpc/trace_prestate.hpp"
#include "state/state_host.hpp"
#include "trace_support.hpp"

namespace qtm::rpc {
namespace {

using test::address_of;
using test::code;
using test::TraceWorld;

const Address kP = address_of(0x0a0a);
const Address kB = address_of(0x0b0b);
const Address kC = address_of(0x0c0c);
const Address kCoinbase = address_of(0xc0c0);  // TraceWorld's block coinbase

std::string slot(std::uint64_t value) {
    return to_hex(U256{value}.to_be_bytes());
}

// SLOAD(0); SSTORE(1, 7); BALANCE(B); CALL(0xffff, C, 1 wei, 0, 0, 0, 0); STOP.
const char* const kCode =
    "6000 54 50 6007 6001 55 <addr:0b0b> 31 50"
    "6000 6000 6000 6000 6001 <addr:0c0c> 61ffff f1 50 00";

class Prestate : public ::testing::Test {
protected:
    Prestate() {
        world_.deploy(kP, code(kCode), 10);
        world_.world().add_balance(kB, U256{3});
        world_.world().set_storage(kP, U256{0}, U256{5});
        world_.world().finalize_transaction();
    }
    state::TxOutcome run(PrestateTracer& tracer) {
        tracer.begin(world_.world(), world_.sender(), kP, kCoinbase);
        auto outcome = world_.run(kP, &tracer);
        tracer.end();
        return outcome;
    }
    TraceWorld world_;
};

TEST_F(Prestate, TheTouchedAccountsAsTheyWereBefore) {
    PrestateTracer tracer{PrestateOptions{}};
    const auto outcome = run(tracer);
    ASSERT_EQ(outcome.status, evm::Status::kSuccess);
    const Json expected{
        {to_hex(world_.sender()), {{"balance", quantity(U256{1'000'000'000'000'000'000ull})}}},
        {to_hex(kP),
         {{"balance", "0xa"},
          {"nonce", 1},
          {"code", hex_data(code(kCode))},
          {"storage", {{slot(0), slot(5)}, {slot(1), slot(0)}}}}},
        {to_hex(kB), {{"balance", "0x3"}}},
        {to_hex(kC), {{"balance", "0x0"}}},
        {to_hex(kCoinbase), {{"balance", "0x0"}}},
    };
    EXPECT_EQ(tracer.result(), expected);
}

TEST_F(Prestate, DiffModeShowsOnlyWhatChanged) {
    PrestateTracer tracer{PrestateOptions{.diff_mode = true}};
    const auto outcome = run(tracer);
    const U256 start{1'000'000'000'000'000'000ull};
    // The gas price is the 1 gwei base fee (no tip): the coinbase gains nothing, B and P's
    // slot 0 are only read, P's slot 1 goes from 0 (left out of pre) to 7.
    const U256 after =
        start - U256{static_cast<std::uint64_t>(outcome.gas_used)} * U256{1'000'000'000};
    const Json expected{
        {"pre",
         {{to_hex(world_.sender()), {{"balance", quantity(start)}}},
          {to_hex(kP), {{"balance", "0xa"}, {"nonce", 1}, {"code", hex_data(code(kCode))}}},
          {to_hex(kC), {{"balance", "0x0"}}}}},
        {"post",
         {{to_hex(world_.sender()), {{"balance", quantity(after)}, {"nonce", 1}}},
          {to_hex(kP), {{"balance", "0x9"}, {"storage", {{slot(1), slot(7)}}}}},
          {to_hex(kC), {{"balance", "0x1"}}}}},
    };
    EXPECT_EQ(tracer.result(), expected);
}

TEST_F(Prestate, ACreatedContractIsNotInThePrestate) {
    PrestateTracer tracer{PrestateOptions{.disable_code = true}};
    const Bytes init = code("60fe600053600160 00f3");
    const Address created = state::StateHost::create_address(world_.sender(), 0);
    tracer.begin(world_.world(), world_.sender(), created, kCoinbase);
    const auto outcome = world_.run(std::nullopt, &tracer, 200000, init);
    tracer.end();
    ASSERT_EQ(outcome.contract_address, created);
    const Json result = tracer.result();
    EXPECT_FALSE(result.contains(to_hex(created)));
    EXPECT_TRUE(result.contains(to_hex(world_.sender())));
}

}  // namespace
}  // namespace qtm::rpc
