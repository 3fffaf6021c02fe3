// admin_* methods: served only by the JWT-authenticated endpoint (qtmd --authrpc-*), never
// on the public HTTP or WebSocket ports.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <optional>
#include <string>

#include "base/hex.hpp"
#include "chain/stored_head.hpp"
#include "rpc/chain_reader.hpp"
#include "rpc/eth_api.hpp"
#include "rpc/params.hpp"
#include "storage/backup.hpp"
#include "storage/database.hpp"

namespace qtm::rpc {

namespace {

// admin_backup with {"incremental": true}: one more backup in a BackupEngine directory,
// described by the head block the copy holds (storage/backup.hpp).
Json incremental_backup(Backend& backend, const std::string& path) {
    if (std::filesystem::exists(path) && !std::filesystem::is_empty(path) &&
        !storage::is_backup_directory(path)) {
        throw RpcError{code::kInvalidParams, "invalid argument 0: " + path +
                                                 " holds something else than backups; give a "
                                                 "new directory or one of earlier incremental "
                                                 "backups"};
    }
    chain::StoredHead head;
    auto made = backend.database().backup_incremental(
        path, [&head](const storage::ReadView& copy) -> Result<std::string, std::string> {
            auto loaded = chain::load_head(copy);
            if (!loaded) return unexpected("the copy is unusable: " + loaded.error());
            head = *loaded;
            return "block " + std::to_string(head.header.number) + " " + to_hex(head.hash) +
                   " state " + to_hex(head.header.state_root);
        });
    if (!made) throw RpcError{code::kServer, made.error().message};
    spdlog::info("incremental backup {} of block {} written to {} ({} bytes added; admin_backup)",
                 made->record.id, head.header.number, path, made->bytes_added);
    return Json{{"path", path},
                {"number", quantity(head.header.number)},
                {"hash", hex_data(head.hash)},
                {"stateRoot", hex_data(head.header.state_root)},
                {"backupId", made->record.id},
                {"backups", made->backups},
                {"bytesAdded", made->bytes_added},
                {"sizeBytes", made->record.size_bytes}};
}

}  // namespace

void register_admin_api(Dispatcher& dispatcher, Backend& backend, const AdminInfo& info) {
    dispatcher.add("admin_nodeInfo", [&backend, info](const Json& params) {
        expect_at_most(params, 0);
        const chain::Header head = backend.head();
        const auto block = ChainReader{backend}.block(head.number);
        const auto url = info.network ? info.network->node_url() : std::nullopt;
        const auto port = info.network ? info.network->listen_port() : std::nullopt;
        return Json{{"name", info.client_version},
                    {"chainId", quantity(backend.spec().chain_id)},
                    {"chain", backend.spec().name},
                    {"genesis", hex_data(backend.genesis_hash())},
                    {"head",
                     {{"number", quantity(head.number)},
                      {"hash", block ? Json(hex_data(block->hash)) : Json(nullptr)}}},
                    {"datadir", info.datadir},
                    {"id", info.network ? Json(info.network->node_id()) : Json(nullptr)},
                    {"url", url ? Json(*url) : Json(nullptr)},
                    {"peers", info.network ? info.network->peers().size() : 0},
                    {"listenAddr", port ? Json("[::]:" + std::to_string(*port)) : Json(nullptr)}};
    });
    dispatcher.add("admin_datadir", [info](const Json& params) {
        expect_at_most(params, 0);
        return Json(info.datadir);
    });
    // The connected peers (a dev node has none). Shaped after geth's admin_peers where the
    // fields mean the same; head/finalized are the peer's latest status.
    dispatcher.add("admin_peers", [info](const Json& params) {
        expect_at_most(params, 0);
        Json peers = Json::array();
        if (!info.network) return peers;
        for (const AdminPeer& peer : info.network->peers()) {
            peers.push_back(Json{
                {"id", peer.id},
                {"network", {{"remoteAddress", peer.remote_address}, {"inbound", peer.inbound}}},
                {"connectedSince", peer.connected_since_unix},
                {"score", peer.score},
                {"bytesIn", peer.bytes_in},
                {"bytesOut", peer.bytes_out},
                {"head", quantity(peer.head_number)},
                {"finalized", quantity(peer.finalized_number)}});
        }
        return peers;
    });
    // admin_addPeer(url): a persistent peer, dialed now and kept on reconnecting (geth
    // answers true; a URL that does not parse is an invalid argument here, not false).
    dispatcher.add("admin_addPeer", [info](const Json& params) {
        expect_at_most(params, 1);
        const Json* url = param(params, 0, "url");
        if (!url->is_string()) {
            throw RpcError{code::kInvalidParams,
                           "invalid argument 0: the peer URL must be a string "
                           "(qtm://<node id>@<host>:<port>)"};
        }
        if (!info.network) {
            throw RpcError{code::kServer,
                           "this node runs no p2p network (a --dev node has no peers)"};
        }
        if (auto added = info.network->add_peer(url->get<std::string>()); !added) {
            throw RpcError{code::kInvalidParams, "invalid argument 0: " + added.error()};
        }
        spdlog::info("audit: peer {} added (admin_addPeer)", url->get<std::string>());
        return Json(true);
    });
    // An online backup (docs/data-safety.md): a RocksDB checkpoint of the running node into
    // a new directory on the node's host; the answer is the head the copy holds, read back
    // from the copy itself.
    dispatcher.add("admin_backup", [&backend](const Json& params) {
        expect_at_most(params, 2);
        const Json* destination = param(params, 0, "destination");
        bool incremental = false;
        if (const Json* options = param(params, 1, "options", false)) {
            const auto it = options->is_object() ? options->find("incremental") : options->end();
            if (!options->is_object() || (it != options->end() && !it->is_boolean()) ||
                options->size() != (it != options->end() ? 1U : 0U)) {
                throw RpcError{code::kInvalidParams,
                               "invalid argument 1: options must be {\"incremental\": true|false}"};
            }
            incremental = it != options->end() && it->get<bool>();
        }
        if (!destination->is_string() ||
            !std::filesystem::path{destination->get<std::string>()}.is_absolute()) {
            throw RpcError{code::kInvalidParams,
                           incremental ? "invalid argument 0: destination must be an absolute "
                                         "path of a backup directory (new, or made by earlier "
                                         "incremental backups)"
                                       : "invalid argument 0: destination must be an absolute "
                                         "path of a directory that does not exist yet"};
        }
        const std::string path = destination->get<std::string>();
        if (incremental) return incremental_backup(backend, path);
        if (std::filesystem::exists(path)) {
            throw RpcError{code::kInvalidParams, "invalid argument 0: " + path +
                                                     " already exists; back up into a new "
                                                     "directory"};
        }
        if (auto made = backend.database().checkpoint(path); !made) {
            throw RpcError{code::kServer, made.error().message};
        }
        storage::OpenOptions options;
        options.create_if_missing = false;
        options.read_only = true;
        options.block_cache_bytes = 1U << 20;
        auto copy = storage::open_rocksdb(path, options);
        if (!copy)
            throw RpcError{code::kServer, "the backup does not open: " + copy.error().message};
        auto head = chain::load_head(**copy);
        if (!head) throw RpcError{code::kServer, "the backup is unusable: " + head.error()};
        spdlog::info("backup of block {} written to {} (admin_backup)", head->header.number, path);
        return Json{{"path", path},
                    {"number", quantity(head->header.number)},
                    {"hash", hex_data(head->hash)},
                    {"stateRoot", hex_data(head->header.state_root)}};
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
