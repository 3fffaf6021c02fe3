// The methods QTM serves (docs/rpc.md lists each with its status): web3_*, net_*, eth_*,
// txpool_* and qtm_*, registered on a Dispatcher over a Backend.
#pragma once

#include <string>

#include "rpc/admin_network.hpp"
#include "rpc/backend.hpp"
#include "rpc/json_rpc.hpp"

namespace qtm::rpc {

struct ApiLimits {
    std::uint64_t gas_cap{50'000'000};    // geth --rpc.gascap
    std::uint64_t max_log_range{10'000};  // blocks per eth_getLogs query
    std::size_t max_log_results{10'000};  // logs per eth_getLogs answer
    std::string client_version{"qtmd"};
};

// What admin_* reports that the Backend does not know.
struct AdminInfo {
    std::string client_version;
    std::string datadir;
    AdminNetwork* network{nullptr};  // null: no p2p (a dev node); outlives the dispatcher
};

void register_read_api(Dispatcher& dispatcher, Backend& backend, const ApiLimits& limits);
void register_execution_api(Dispatcher& dispatcher, Backend& backend, const ApiLimits& limits);
void register_proof_api(Dispatcher& dispatcher, Backend& backend);
void register_filter_api(Dispatcher& dispatcher, Backend& backend, const ApiLimits& limits);
// qtm_getValidators, qtm_getStakingParams (staking_api.cpp).
void register_staking_api(Dispatcher& dispatcher, Backend& backend);

// debug_getRawBlock, debug_getRawHeader, debug_getRawReceipts, debug_getRawTransaction,
// debug_getBadBlocks (debug_api.cpp).
void register_debug_api(Dispatcher& dispatcher, Backend& backend);

// debug_traceTransaction, debug_traceCall, debug_traceBlockByNumber, debug_traceBlockByHash
// (debug_trace_api.cpp).
void register_trace_api(Dispatcher& dispatcher, Backend& backend, const ApiLimits& limits);

// admin_*: only for the JWT-authenticated endpoint.
void register_admin_api(Dispatcher& dispatcher, Backend& backend, const AdminInfo& info);

inline void register_api(Dispatcher& dispatcher, Backend& backend, const ApiLimits& limits) {
    register_read_api(dispatcher, backend, limits);
    register_execution_api(dispatcher, backend, limits);
    register_proof_api(dispatcher, backend);
    register_filter_api(dispatcher, backend, limits);
    register_staking_api(dispatcher, backend);
    register_debug_api(dispatcher, backend);
    register_trace_api(dispatcher, backend, limits);
}

}  // namespace qtm::rpc
