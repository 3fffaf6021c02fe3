// The entry point of the EVM: runs one message's code to completion against a Host.
#pragma once

#include "base/bytes.hpp"
#include "evm/analysis.hpp"
#include "evm/host.hpp"
#include "evm/message.hpp"

namespace qtm::evm {

// Runs `analysis`'s code for `message`. Never throws on any bytecode; every outcome is a
// Status in the result. Exceptional halts return zero gas left and no output. Only
// Revision::kCancun is supported.
ExecutionResult execute(Host& host, Revision revision, const Message& message,
                        const CodeAnalysis& analysis);

// Convenience: analyses `code` first (initcode, tests). Callers that run the same code
// repeatedly should keep an AnalysisCache and use the overload above.
ExecutionResult execute(Host& host, Revision revision, const Message& message, ByteView code);

}  // namespace qtm::evm
