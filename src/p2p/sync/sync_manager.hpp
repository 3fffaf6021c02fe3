// Block sync for a node that is behind: a deterministic state machine (time passed in as
// calls, actions out, like consensus/engine.hpp). It learns peers' heads from their status,
// asks several peers for consecutive ranges in parallel within a window above its head,
// times out slow peers, checks each received block cheaply on arrival (its number, that
// the certificate names it, the transactions and evidence roots), and, when the block is
// the next to import, checks its certificate with the checker of that height (asked of the
// Importer only then: the set that signs h + 1 can depend on importing h) before asking
// the Importer to import it. A peer that sends bad data is punished (an action) and not
// asked again; its ranges are asked of the others. CaughtUp is reported once the head
// reaches the best head any good peer reported.
//
//   peers' status ──► on_peer_status ─┐           ┌─► SendGetBlocks (to the host)
//   Blocks ─────────► on_blocks ──────┼─► SyncManager ─► PunishPeer (peer manager)
//   timer ──────────► on_tick ────────┘     │     └─► CaughtUp / SyncHalt
//                            Importer: head, checker_for(h), import(block, certificate)
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "chain/block.hpp"
#include "p2p/node_key.hpp"
#include "p2p/sync/certificate_checker.hpp"
#include "p2p/wire/block_messages.hpp"
#include "p2p/wire/wire_error.hpp"

namespace qtm::p2p {

enum class ImportOutcome {
    kImported,
    kInvalidBlock,  // the chain's validation refused it: the sender is to blame
    kLocalFailure,  // storage or another local fault: sync stops (SyncHalt)
};
struct ImportResult {
    ImportOutcome outcome{ImportOutcome::kImported};
    std::string reason;
};

// The chain side of sync (the node implements it).
class Importer {
public:
    virtual ~Importer() = default;
    [[nodiscard]] virtual std::uint64_t head_number() const = 0;
    [[nodiscard]] virtual Hash32 head_hash() const = 0;
    // The checker of certificates of `height`, asked when head_number() == height - 1;
    // null when the chain cannot say (a local failure).
    [[nodiscard]] virtual std::unique_ptr<CertificateChecker> checker_for(std::uint64_t height) = 0;
    // Imports the next block (number head_number() + 1) with its verified certificate.
    [[nodiscard]] virtual ImportResult import(const chain::Block& block,
                                              const chain::CommitCertificate& certificate) = 0;
};

struct SyncConfig {
    std::uint64_t blocks_per_request{32};  // at most kMaxBlocksPerRequest
    std::uint64_t window{256};             // blocks above the head requested or held at once
    std::size_t max_requests_per_peer{2};
    std::uint64_t request_timeout_ms{10000};
    // A peer that timed out is not asked again for this long.
    std::uint64_t timeout_cooldown_ms{30000};
};

struct SendGetBlocks {
    NodeId peer{};
    GetBlocks request;
};
struct PunishPeer {
    NodeId peer{};
    WireError error{WireError::kInvalidBlock};  // the offence is offence_of(error)
};
struct CaughtUp {
    std::uint64_t head{0};
};
struct SyncHalt {
    std::string reason;
};
using SyncAction = std::variant<SendGetBlocks, PunishPeer, CaughtUp, SyncHalt>;

class SyncManager {
public:
    SyncManager(SyncConfig config, Importer& importer);

    // A peer's status (on connect and whenever it sends a new one).
    [[nodiscard]] std::vector<SyncAction> on_peer_status(const NodeId& peer,
                                                         std::uint64_t head_number,
                                                         std::uint64_t now_ms);
    [[nodiscard]] std::vector<SyncAction> on_peer_disconnected(const NodeId& peer,
                                                               std::uint64_t now_ms);
    [[nodiscard]] std::vector<SyncAction> on_blocks(const NodeId& peer, const Blocks& blocks,
                                                    std::uint64_t now_ms);
    // Timeouts, and whatever became possible since (call it every second or so).
    [[nodiscard]] std::vector<SyncAction> on_tick(std::uint64_t now_ms);

    // The head reached the best head reported by a good peer (and at least one is known).
    [[nodiscard]] bool caught_up() const noexcept { return caught_up_; }
    [[nodiscard]] bool halted() const noexcept { return halted_; }
    // The best head reported by a peer not excluded for bad data.
    [[nodiscard]] std::uint64_t target() const;
    [[nodiscard]] std::size_t requests_in_flight() const noexcept { return requests_.size(); }
    [[nodiscard]] std::size_t blocks_held() const noexcept { return held_.size(); }

private:
    struct Peer {
        std::uint64_t head{0};
        std::size_t requests{0};
        std::uint64_t excluded_until_ms{0};
        bool bad{false};  // sent bad data: never asked again
    };
    struct Request {
        NodeId peer{};
        std::uint64_t first{0};
        std::uint64_t count{0};
        std::uint64_t deadline_ms{0};
    };
    struct Held {
        CommittedBlock entry;
        NodeId from{};
    };

    void step(std::uint64_t now_ms, std::vector<SyncAction>& actions);
    void punish(const NodeId& peer, WireError error, std::vector<SyncAction>& actions);
    void import_ready(std::vector<SyncAction>& actions);
    void request_more(std::uint64_t now_ms, std::vector<SyncAction>& actions);
    [[nodiscard]] bool covered(std::uint64_t number) const;
    [[nodiscard]] Peer* choose_peer(std::uint64_t number, std::uint64_t now_ms);
    void drop_request(std::map<std::uint64_t, Request>::iterator request);

    SyncConfig config_;
    Importer& importer_;
    std::map<NodeId, Peer> peers_;
    std::map<std::uint64_t, Request> requests_;
    std::map<std::uint64_t, Held> held_;  // received, cheaply checked, not yet imported
    std::uint64_t next_request_id_{1};
    bool caught_up_{false};
    bool halted_{false};
};

}  // namespace qtm::p2p
