#include "node/network_metrics.hpp"

#include <array>
#include <cstdint>
#include <string_view>

#include "p2p/message.hpp"

namespace qtm::node {

namespace {

class Text {
public:
    void family(std::string_view name, std::string_view type, std::string_view help) {
        out_ += "# HELP ";
        out_ += name;
        out_ += ' ';
        out_ += help;
        out_ += "\n# TYPE ";
        out_ += name;
        out_ += ' ';
        out_ += type;
        out_ += '\n';
    }
    void sample(std::string_view name, std::string_view labels, std::uint64_t value) {
        out_ += name;
        if (!labels.empty()) {
            out_ += '{';
            out_ += labels;
            out_ += '}';
        }
        out_ += ' ';
        out_ += std::to_string(value);
        out_ += '\n';
    }
    void single(std::string_view name, std::string_view type, std::string_view help,
                std::uint64_t value) {
        family(name, type, help);
        sample(name, "", value);
    }
    [[nodiscard]] std::string take() { return std::move(out_); }

private:
    std::string out_;
};

// Status and peer exchange are the host's own traffic; all five channels are exported.
void per_channel(Text& text, std::string_view name, std::string_view help,
                 const std::array<std::uint64_t, p2p::kChannelCount>& sent,
                 const std::array<std::uint64_t, p2p::kChannelCount>& received) {
    text.family(name, "counter", help);
    for (std::size_t i = 0; i < p2p::kChannelCount; ++i) {
        const std::string channel{p2p::to_string(static_cast<p2p::Channel>(i))};
        text.sample(name, "channel=\"" + channel + "\",direction=\"sent\"", sent[i]);
        text.sample(name, "channel=\"" + channel + "\",direction=\"received\"", received[i]);
    }
}

}  // namespace

std::string render_network_metrics(const ConsensusProgress& progress,
                                   const p2p::HostCountersSnapshot& host) {
    Text text;
    text.family("qtm_p2p_peers", "gauge", "Connected peers by who dialed");
    text.sample("qtm_p2p_peers", "direction=\"inbound\"", host.inbound_peers);
    text.sample("qtm_p2p_peers", "direction=\"outbound\"", host.outbound_peers);
    per_channel(text, "qtm_p2p_message_bytes_total", "Message bytes by channel and direction",
                host.bytes_sent, host.bytes_received);
    per_channel(text, "qtm_p2p_messages_total", "Messages by channel and direction",
                host.messages_sent, host.messages_received);
    text.single("qtm_p2p_rate_limited_total", "counter",
                "Messages dropped over a peer's rate limit", host.rate_limited);
    text.family("qtm_p2p_send_dropped_total", "counter",
                "Messages not sent because a peer's send queue was over budget, by channel");
    for (std::size_t i = 0; i < p2p::kChannelCount; ++i) {
        const std::string channel{p2p::to_string(static_cast<p2p::Channel>(i))};
        text.sample("qtm_p2p_send_dropped_total", "channel=\"" + channel + "\"",
                    host.send_dropped[i]);
    }
    text.single("qtm_p2p_bans_total", "counter", "Peers or addresses banned", host.bans);
    text.single("qtm_p2p_connections_refused_total", "counter",
                "Connections refused (limits, bans, duplicates)", host.refused);
    text.single("qtm_p2p_handshake_failures_total", "counter",
                "Connections closed before their handshake completed", host.handshake_failures);
    text.single("qtm_p2p_dials_total", "counter", "Outbound connection attempts", host.dials);
    text.single("qtm_p2p_dial_failures_total", "counter", "Outbound attempts that failed",
                host.dial_failures);
    text.single("qtm_p2p_gossip_relayed_total", "counter", "Gossip item copies relayed to peers",
                host.gossip_relayed);

    text.single("qtm_consensus_height", "gauge", "The height consensus is deciding",
                progress.height);
    text.single("qtm_consensus_round", "gauge", "The round at that height (0 when all is well)",
                progress.round);
    text.single("qtm_consensus_validator", "gauge",
                "1 when this node signs with a consensus key, 0 for a full node",
                progress.validator ? 1 : 0);
    text.single("qtm_consensus_pending_evidence", "gauge",
                "Double-sign evidence waiting to be proposed", progress.pending_evidence);
    text.single("qtm_consensus_commits_total", "counter", "Blocks committed by consensus",
                progress.driver.commits);
    text.single("qtm_consensus_proposals_built_total", "counter", "Blocks this validator proposed",
                progress.driver.proposals_built);
    text.single("qtm_consensus_invalid_messages_total", "counter",
                "Proposals, votes and evidence refused as invalid",
                progress.driver.invalid_messages);
    text.single("qtm_consensus_double_sign_evidence_total", "counter",
                "Double-sign evidence this node found or was sent", progress.driver.evidence_found);
    text.single("qtm_consensus_duplicates_not_reverified_total", "counter",
                "Copies of votes and proposals already verified here (not verified again)",
                progress.driver.duplicates_not_reverified);
    text.single("qtm_consensus_catch_up_imports_total", "counter",
                "Committed blocks imported from peers (catching up)",
                progress.driver.catch_up_imports);
    text.single("qtm_network_decode_errors_total", "counter",
                "Peer messages that did not decode or were not asked for",
                progress.service.decode_errors);
    text.single("qtm_network_transactions_relayed_total", "counter", "Transactions pushed to peers",
                progress.service.transactions_relayed);
    text.single("qtm_network_compact_fetches_total", "counter",
                "Compact proposals that needed transactions fetched",
                progress.service.compact_fetches);
    text.single("qtm_network_blocks_requested_total", "counter",
                "Requests for committed blocks (catching up)", progress.service.blocks_requested);
    text.single("qtm_network_dropped_inputs_total", "counter",
                "Peer messages dropped past the driver's input queue bound",
                progress.service.dropped_inputs);
    return text.take();
}

}  // namespace qtm::node
