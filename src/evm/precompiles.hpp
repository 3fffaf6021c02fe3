// TEMPORARY STUB (not committed): replaced by the precompiles branch.
#pragma once
#include "base/bytes.hpp"
#include "evm/message.hpp"
namespace qtm::evm {
inline constexpr Address kMldsaVerifyPrecompile = {0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0x0d,0x01};
inline bool is_precompile(const Address& a) noexcept { (void)a; return false; }
inline ExecutionResult run_precompile(const Address&, ByteView, std::int64_t gas) { return {.gas_left = gas}; }
}
