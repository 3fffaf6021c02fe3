#include "qtmd/network_mode.hpp"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "base/hex.hpp"
#include "chain/consensus/signer.hpp"
#include "consensus/file_wal.hpp"
#include "node/network_metrics.hpp"
#include "node/network_service.hpp"
#include "p2p/node_key_file.hpp"
#include "qtm_version.hpp"
#include "qtmd/keystore_file.hpp"
#include "qtmd/network_rpc.hpp"
#include "qtmd/servers.hpp"

namespace qtm::qtmd {

Result<NetworkStart, std::string> prepare_network(const NodeConfig& config) {
    auto spec = chain::load_chain_spec(config.chain_spec);
    if (!spec) return unexpected(spec.error().message);
    auto genesis = chain::genesis_hash(*spec);
    if (!genesis) return unexpected(config.chain_spec + ": " + genesis.error().message);
    NetworkStart start{std::move(*spec), *genesis, std::nullopt, std::nullopt, std::nullopt};
    std::error_code error;
    if (std::filesystem::exists(config.node_key_file, error)) {
        auto key = p2p::load_or_create_node_key(config.node_key_file);
        if (!key) {
            return unexpected("node key " + config.node_key_file + ": " +
                              std::string{p2p::to_string(key.error())});
        }
        start.node_key.emplace(std::move(*key));
    }
    if (!config.validator_keystore.empty()) {
        auto key = unlock_keystore(config.validator_keystore, config.validator_password_file);
        if (!key) {
            return unexpected("cannot unlock the validator keystore " + config.validator_keystore +
                              ": " + key.error());
        }
        if (key->scheme() != crypto::SignatureScheme::kMlDsa65) {
            return unexpected("the validator keystore " + config.validator_keystore + " holds an " +
                              std::string{crypto::to_string(key->scheme())} +
                              " key; consensus keys are ML-DSA-65 (qtm validator new)");
        }
        for (std::size_t i = 0; i < start.spec.validators.size(); ++i) {
            if (start.spec.validators[i].address == key->address()) start.genesis_index = i;
        }
        start.validator.emplace(std::move(*key));
    }
    return start;
}

namespace {

// The validator's consensus key (decrypted from its keystore) as the driver's signer.
class AccountKeySigner final : public chain::ConsensusSigner {
public:
    explicit AccountKeySigner(const chain::AccountKey& key) : key_{key} {}
    [[nodiscard]] crypto::SignatureScheme scheme() const noexcept override { return key_.scheme(); }
    [[nodiscard]] ByteView public_key() const noexcept override { return key_.public_key(); }
    [[nodiscard]] Bytes sign(ByteView message, std::string_view context) const override {
        return key_.sign(message, context);
    }

private:
    const chain::AccountKey& key_;
};

}  // namespace

int run_network(const NodeConfig& config) {
    configure_logging(config.log_format, config.log_level);
    // Signals are taken by sigwait below; block them before any thread starts. SIGUSR1 is
    // the consensus driver's halt.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    auto start = prepare_network(config);
    if (!start) {
        std::fprintf(stderr, "qtmd: %s\n", start.error().c_str());
        return 1;
    }
    std::error_code error;
    std::filesystem::create_directories(config.datadir, error);
    if (error) {
        spdlog::critical("cannot create the data directory {}: {}", config.datadir,
                         error.message());
        return 1;
    }
    if (!start->node_key) {
        auto key = p2p::load_or_create_node_key(config.node_key_file);
        if (!key) {
            spdlog::critical("node key {}: {}", config.node_key_file, p2p::to_string(key.error()));
            return 1;
        }
        start->node_key.emplace(std::move(*key));
    }

    node::NodeOptions options;
    options.datadir = config.datadir;
    options.spec = start->spec;
    options.block_time =
        std::chrono::milliseconds{static_cast<std::int64_t>(start->spec.block_time_ms)};
    options.state_history = config.state_history;
    options.pool = pool_config(config, options.spec);
    if (start->validator) options.proposer = start->validator->address();
    auto opened = node::Node::open(std::move(options));
    if (!opened) {
        spdlog::critical("cannot start: {}", opened.error().message);
        return 1;
    }
    node::Node& node = **opened;

    // The consensus WAL: what this validator signed, synced before it is sent.
    std::unique_ptr<consensus::FileWal> wal;
    std::unique_ptr<AccountKeySigner> signer;
    if (start->validator) {
        const std::string wal_path =
            (std::filesystem::path{config.datadir} / "consensus.wal").string();
        auto opened_wal = consensus::FileWal::open(wal_path);
        if (!opened_wal) {
            spdlog::critical("cannot open the consensus WAL {}", wal_path);
            return 1;
        }
        wal = std::move(*opened_wal);
        signer = std::make_unique<AccountKeySigner>(*start->validator);
    }

    node::NetworkServiceConfig network;
    network.driver.block_time_ms = start->spec.block_time_ms;
    network.host.listen_address = config.p2p_address;
    network.host.listen_port = static_cast<std::uint16_t>(config.p2p_port);
    for (const auto& peer : config.persistent_peers)
        network.host.persistent_peers.push_back(peer);
    for (const auto& peer : config.bootnodes)
        network.host.bootnodes.push_back(peer);
    network.host.address_book_path = std::filesystem::path{config.datadir} / "address_book";
    network.host.peer_exchange = config.peer_exchange;
    network.host.limits.max_inbound = config.max_inbound_peers;
    network.host.limits.max_outbound = config.max_outbound_peers;
    std::atomic<bool> halted{false};
    node::NetworkService service{
        network, node, *start->node_key, signer.get(), wal.get(), [&halted](const std::string&) {
            halted = true;
            ::kill(::getpid(), SIGUSR1);
        }};

    node.metrics().add_text_source([&service] {
        return node::render_network_metrics(service.progress(), service.host().counters());
    });
    HostAdminNetwork admin_network{service.host()};
    SyncProgress sync_progress;
    auto servers = start_servers(
        config, node,
        [&service, &node, &sync_progress](rpc::Dispatcher& dispatcher) {
            register_network_methods(dispatcher, service, node, sync_progress);
        },
        &admin_network);
    if (!servers) {
        spdlog::critical("{}", servers.error());
        return 1;
    }
    try {
        service.start();
    } catch (const std::exception& failure) {
        spdlog::critical("cannot start the p2p host on {}:{}: {}", config.p2p_address,
                         config.p2p_port, failure.what());
        (*servers)->stop();
        return 1;
    }

    const auto head = node.head();
    const auto info = service.host().node_info();
    std::printf("\nqtmd %s — %s\n\n", QTM_VERSION,
                start->validator ? "validator node" : "full node");
    std::printf("Chain         %s (chain id %llu, %zu genesis validators, spec %s)\n",
                start->spec.name.c_str(), static_cast<unsigned long long>(start->spec.chain_id),
                start->spec.validators.size(), config.chain_spec.c_str());
    std::printf("Genesis hash  %s\n", to_hex(start->genesis_hash).c_str());
    std::printf("Head          block %llu %s\n", static_cast<unsigned long long>(head.number),
                to_hex(node.head_hash()).c_str());
    std::printf("Data          %s\n", std::filesystem::absolute(config.datadir).string().c_str());
    std::printf("Node          qtm://%s@%s:%u\n", p2p::to_string(info.id).c_str(),
                config.p2p_address.c_str(), static_cast<unsigned>(info.listen_port.value_or(0)));
    if (start->validator) {
        std::printf(
            "Validator     %s%s\n", chain::to_checksum_address(start->validator->address()).c_str(),
            start->genesis_index
                ? (" (genesis validator " + std::to_string(*start->genesis_index) + ")").c_str()
                : " (not in the genesis set: follows without voting until it is)");
    } else {
        std::printf("Validator     none (a full node)\n");
    }
    std::printf("Peers         %zu persistent, %zu bootnodes\n", config.persistent_peers.size(),
                config.bootnodes.size());
    print_endpoints(**servers, config);
    std::printf("Block time    %llu ms\n\n",
                static_cast<unsigned long long>(start->spec.block_time_ms));
    std::fflush(stdout);

    int received = 0;
    sigwait(&signals, &received);
    if (received == SIGUSR1) {
        spdlog::critical("stopping: consensus halted (see above)");
    } else {
        spdlog::info("received {}, shutting down", received == SIGINT ? "SIGINT" : "SIGTERM");
    }
    service.stop();
    (*servers)->stop();
    node.stop();
    spdlog::info("stopped at block {}", node.head().number);
    return halted ? 1 : 0;
}

}  // namespace qtm::qtmd
