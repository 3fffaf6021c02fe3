// admin_* methods: served only by the JWT-authenticated endpoint (qtmd --authrpc-*), never
// on the public HTTP or WebSocket ports.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iterator>

#include "base/hex.hpp"
#include "rpc/chain_reader.hpp"
#include "rpc/eth_api.hpp"
#include "rpc/params.hpp"

namespace qtm::rpc {

void register_admin_api(Dispatcher& dispatcher, Backend& backend, const AdminInfo& info) {
    dispatcher.add("admin_nodeInfo", [&backend, info](const Json& params) {
        expect_at_most(params, 0);
        const chain::Header head = backend.head();
        const auto block = ChainReader{backend}.block(head.number);
        return Json{{"name", info.client_version},
                    {"chainId", quantity(backend.spec().chain_id)},
                    {"chain", backend.spec().name},
                    {"genesis", hex_data(backend.genesis_hash())},
                    {"head",
                     {{"number", quantity(head.number)},
                      {"hash", block ? Json(hex_data(block->hash)) : Json(nullptr)}}},
                    {"datadir", info.datadir},
                    {"peers", 0},
                    {"listenAddr", nullptr}};
    });
    dispatcher.add("admin_datadir", [info](const Json& params) {
        expect_at_most(params, 0);
        return Json(info.datadir);
    });
    // No p2p yet (the consensus and networking issues): a dev node has no peers.
    dispatcher.add("admin_peers", [](const Json& params) {
        expect_at_most(params, 0);
        return Json::array();
    });
    dispatcher.add("admin_setLogLevel", [](const Json& params) {
        expect_at_most(params, 1);
        const Json* level = param(params, 0, "level");
        static constexpr std::string_view kLevels[] = {"trace", "debug",    "info", "warn",
                                                       "error", "critical", "off"};
        if (!level->is_string() || std::find(std::begin(kLevels), std::end(kLevels),
                                             level->get<std::string>()) == std::end(kLevels)) {
            throw RpcError{code::kInvalidParams,
                           "invalid argument 0: level must be one of trace, debug, info, warn, "
                           "error, critical, off"};
        }
        spdlog::set_level(spdlog::level::from_str(level->get<std::string>()));
        spdlog::info("audit: log level set to {} (admin_setLogLevel)", level->get<std::string>());
        return Json(true);
    });
}

}  // namespace qtm::rpc
