// The entry point of the EVM: runs one message's code to completion against a Host.
#pragma once

#include "base/bytes.hpp"
#include "evm/analysis.hpp"
#include "evm/host.hpp"
#include "evm/message.hpp"
#include "evm/tracer.hpp"

namespace qtm::evm {

// Runs `analysis`'s code for `message`. Never throws on any bytecode; every outcome is a
// Status in the result. Exceptional halts return zero gas left and no output. Only
// Revision::kCancun is supported.
ExecutionResult execute(Host& host, Revision revision, const Message& message,
                        const CodeAnalysis& analysis);

// The same, traced when `tracer` is not null (on_step per opcode and on_frame_end; the host
// reports the host-level events). A null tracer runs the untraced instantiation.
ExecutionResult execute(Host& host, Revision revision, const Message& message,
                        const CodeAnalysis& analysis, Tracer* tracer);

// Convenience: analyses `code` first (initcode, tests). Callers that run the same code
// repeatedly should keep an AnalysisCache and use the overloads above.
ExecutionResult execute(Host& host, Revision revision, const Message& message, ByteView code,
                        Tracer* tracer = nullptr);

}  // namespace qtm::evm
