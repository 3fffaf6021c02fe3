// SyncManager against a fake chain of 200 blocks and a fake certificate checker (accepting
// exactly the certificates the chain was built with), with peers simulated by a small
// harness that serves their answers through the real block server and Blocks codec. Cases:
// parallel ranges imported in order, timeouts and the cooldown, every kind of bad answer
// punished with its WireError and the sender never asked again, import refusals and local
// failures, CaughtUp once at the best good head, and a disconnect mid-request.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <set>

#include "p2p/sync/block_server.hpp"
#include "p2p/sync/sync_manager.hpp"
#include "wire_support.hpp"

namespace qtm::p2p {
namespace {

using testing::make_block;
using testing::peer_id;

const NodeId kA = peer_id(1);
const NodeId kB = peer_id(2);
const NodeId kC = peer_id(3);
const NodeId kM = peer_id(9);  // the misbehaving one

// Blocks 1..n linked by parent hash, each with a fake certificate: the checker accepts a
// certificate only if it is exactly the one built here (a signature of "good" bytes).
struct FakeChain {
    explicit FakeChain(std::uint64_t n) {
        Hash32 parent = genesis;
        for (std::uint64_t number = 1; number <= n; ++number) {
            chain::Block block = make_block(number, parent, {});
            const Hash32 hash = chain::block_hash(block.header);
            chain::CommitCertificate certificate{
                number, 0, hash, Bytes{0x03}, {Bytes{0x60, 0x0d}, Bytes{0x60, 0x0d}}};
            blocks.push_back(CommittedBlock{std::move(block), std::move(certificate)});
            parent = hash;
        }
    }
    Hash32 genesis{0x99};
    std::vector<CommittedBlock> blocks;  // blocks[i] is number i + 1
};

const FakeChain& chain200() {
    static const FakeChain chain{200};
    return chain;
}

class KnownCertificates final : public CertificateChecker {
public:
    explicit KnownCertificates(const chain::CommitCertificate& good) : good_{good} {}
    Result<void, chain::ConsensusCheckError> check(
        const chain::CommitCertificate& certificate) const override {
        if (certificate != good_) return unexpected(chain::ConsensusCheckError::kBadSignature);
        return {};
    }

private:
    chain::CommitCertificate good_;
};

class FakeImporter final : public Importer {
public:
    explicit FakeImporter(const FakeChain& chain) : chain_{chain}, head_hash_{chain.genesis} {}
    std::uint64_t head_number() const override { return head_; }
    Hash32 head_hash() const override { return head_hash_; }
    std::unique_ptr<CertificateChecker> checker_for(std::uint64_t height) override {
        EXPECT_EQ(height, head_ + 1);
        if (height == 0 || height > chain_.blocks.size()) return nullptr;
        return std::make_unique<KnownCertificates>(chain_.blocks[height - 1].certificate);
    }
    ImportResult import(const chain::Block& block,
                        const chain::CommitCertificate& certificate) override {
        EXPECT_EQ(block.header.number, head_ + 1);
        EXPECT_EQ(certificate.block_hash, chain::block_hash(block.header));
        if (refuse_once_at && *refuse_once_at == block.header.number) {
            refuse_once_at.reset();
            return ImportResult{ImportOutcome::kInvalidBlock, "refused by the test"};
        }
        if (fail_at && *fail_at == block.header.number) {
            return ImportResult{ImportOutcome::kLocalFailure, "disk full"};
        }
        head_ = block.header.number;
        head_hash_ = chain::block_hash(block.header);
        imported.push_back(head_);
        return ImportResult{};
    }

    std::vector<std::uint64_t> imported;
    std::optional<std::uint64_t> refuse_once_at;
    std::optional<std::uint64_t> fail_at;

private:
    const FakeChain& chain_;
    std::uint64_t head_{0};
    Hash32 head_hash_{};
};

// A prefix 1..head of the fake chain, as a server sees it.
class PrefixSource final : public BlockSource {
public:
    PrefixSource(const FakeChain& chain, std::uint64_t head) : chain_{chain}, head_{head} {}
    std::optional<CommittedBlock> committed_block(std::uint64_t number) const override {
        if (number == 0 || number > head_) return std::nullopt;
        return chain_.blocks[number - 1];
    }

private:
    const FakeChain& chain_;
    std::uint64_t head_;
};

// An honest peer's answer: the real server's message through the real decoder.
Blocks honest_answer(const FakeChain& chain, std::uint64_t head, const GetBlocks& request) {
    const PrefixSource source{chain, head};
    const ChannelMessage m = serve_get_blocks(request, source);
    auto decoded = decode_blocks_message(m.type, m.payload);
    EXPECT_TRUE(decoded) << to_string(decoded.error());
    if (!decoded) return Blocks{request.request_id, {}};
    return std::get<Blocks>(*decoded);
}

// What a peer does with a request: an answer, or nothing (silent).
using Responder = std::function<std::optional<Blocks>(const GetBlocks&)>;

struct Harness {
    explicit Harness(SyncConfig config = {}, const FakeChain& fake = chain200())
        : chain{fake}, importer{fake}, sync{config, importer} {}

    void take(std::vector<SyncAction> actions) {
        for (auto& action : actions) {
            if (auto* send = std::get_if<SendGetBlocks>(&action)) {
                EXPECT_GE(send->request.count, 1u);
                EXPECT_LE(send->request.count, kMaxBlocksPerRequest);
                sent.push_back(*send);
                queue.push_back(*send);
            } else if (auto* punish = std::get_if<PunishPeer>(&action)) {
                punished.push_back(*punish);
                if (!punished_at.contains(punish->peer)) punished_at[punish->peer] = sent.size();
            } else if (auto* up = std::get_if<CaughtUp>(&action)) {
                caught_up.push_back(up->head);
            } else if (auto* halt = std::get_if<SyncHalt>(&action)) {
                halts.push_back(halt->reason);
            }
        }
    }

    void honest(const NodeId& peer, std::uint64_t head) {
        responders[peer] = [this, head](const GetBlocks& r) {
            return std::optional<Blocks>{honest_answer(chain, head, r)};
        };
    }
    void status(const NodeId& peer, std::uint64_t head) {
        take(sync.on_peer_status(peer, head, now));
    }

    // Answers queued requests in order; when none is left, lets a second pass (on_tick).
    // Stops when caught up, halted, or after `max_ticks` idle seconds.
    void run(std::size_t max_ticks = 100) {
        std::size_t ticks = 0;
        while (!sync.halted() && ticks <= max_ticks) {
            if (!queue.empty()) {
                const SendGetBlocks next = queue.front();
                queue.pop_front();
                auto responder = responders.find(next.peer);
                if (responder == responders.end()) continue;  // disconnected or silent
                std::optional<Blocks> answer = responder->second(next.request);
                if (answer) take(sync.on_blocks(next.peer, *answer, now));
                continue;
            }
            if (sync.caught_up() && sync.requests_in_flight() == 0) return;
            now += 1000;
            ++ticks;
            take(sync.on_tick(now));
        }
    }

    [[nodiscard]] std::vector<std::uint64_t> all_numbers(std::uint64_t n) const {
        std::vector<std::uint64_t> out(n);
        for (std::uint64_t i = 0; i < n; ++i)
            out[i] = i + 1;
        return out;
    }
    // Every block of `lost` was asked of a peer other than `except` in sent[from...].
    [[nodiscard]] bool asked_of_others(const GetBlocks& lost, const NodeId& except,
                                       std::size_t from) const {
        for (std::uint64_t n = lost.first; n < lost.first + lost.count; ++n) {
            bool found = false;
            for (std::size_t i = from; i < sent.size() && !found; ++i) {
                const GetBlocks& r = sent[i].request;
                found = sent[i].peer != except && r.first <= n && n < r.first + r.count;
            }
            if (!found) return false;
        }
        return true;
    }
    // Requests sent to `peer` at index >= from of `sent`.
    [[nodiscard]] std::size_t sent_to(const NodeId& peer, std::size_t from = 0) const {
        std::size_t n = 0;
        for (std::size_t i = from; i < sent.size(); ++i)
            n += sent[i].peer == peer ? 1 : 0;
        return n;
    }

    const FakeChain& chain;
    FakeImporter importer;
    SyncManager sync;
    std::uint64_t now{0};
    std::deque<SendGetBlocks> queue;
    std::vector<SendGetBlocks> sent;
    std::vector<PunishPeer> punished;
    std::map<NodeId, std::size_t> punished_at;  // sent.size() when first punished
    std::vector<std::uint64_t> caught_up;
    std::vector<std::string> halts;
    std::map<NodeId, Responder> responders;
};

TEST(SyncManager, Syncs200BlocksFromThreePeersInParallelRangesInOrder) {
    Harness h;
    for (const NodeId& p : {kA, kB, kC}) {
        h.honest(p, 200);
        h.status(p, 200);
    }
    // Before any answer: requests to all three, consecutive and disjoint from block 1.
    ASSERT_GE(h.sent.size(), 3u);
    std::set<NodeId> asked;
    std::uint64_t next = 1;
    for (const auto& s : h.sent) {
        asked.insert(s.peer);
        EXPECT_EQ(s.request.first, next);
        next = s.request.first + s.request.count;
    }
    EXPECT_EQ(asked, (std::set<NodeId>{kA, kB, kC}));
    EXPECT_LE(h.sync.requests_in_flight(), 3 * SyncConfig{}.max_requests_per_peer);

    h.run();
    EXPECT_EQ(h.importer.imported, h.all_numbers(200));  // each once, in order
    EXPECT_TRUE(h.punished.empty());
    EXPECT_TRUE(h.halts.empty());
    EXPECT_EQ(h.caught_up, (std::vector<std::uint64_t>{200}));
    EXPECT_TRUE(h.sync.caught_up());
    EXPECT_EQ(h.sync.blocks_held(), 0u);
    for (const NodeId& p : {kA, kB, kC})
        EXPECT_GT(h.sent_to(p), 1u);
    // No block was asked twice: the requested ranges tile 1..200.
    std::vector<std::uint64_t> requested;
    for (const auto& s : h.sent) {
        for (std::uint64_t i = 0; i < s.request.count; ++i)
            requested.push_back(s.request.first + i);
    }
    std::sort(requested.begin(), requested.end());
    EXPECT_EQ(requested, h.all_numbers(200));
}

TEST(SyncManager, TimedOutPeerIsSkippedDuringTheCooldownAndItsRangeGoesToAnother) {
    SyncConfig config;
    config.request_timeout_ms = 10'000;
    config.timeout_cooldown_ms = 30'000;
    Harness h{config};
    // kA never answers (no responder); it is asked first.
    h.status(kA, 200);
    ASSERT_FALSE(h.sent.empty());
    const GetBlocks lost = h.sent[0].request;
    ASSERT_EQ(h.sent[0].peer, kA);
    h.honest(kB, 200);
    h.honest(kC, 200);
    h.status(kB, 200);
    h.status(kC, 200);
    h.run();
    EXPECT_EQ(h.importer.imported, h.all_numbers(200));
    ASSERT_FALSE(h.punished.empty());
    for (const auto& p : h.punished) {
        EXPECT_EQ(p.peer, kA);
        EXPECT_EQ(p.error, WireError::kTimeout);
    }
    // Its range was asked of another peer, and kA was not asked again (the sync finished
    // within the cooldown).
    ASSERT_TRUE(h.punished_at.contains(kA));
    EXPECT_EQ(h.sent_to(kA, h.punished_at[kA]), 0u);
    EXPECT_LT(h.now, 10'000u + config.timeout_cooldown_ms);
    EXPECT_TRUE(h.asked_of_others(lost, kA, h.punished_at[kA]));
    EXPECT_EQ(h.caught_up, (std::vector<std::uint64_t>{200}));
}

TEST(SyncManager, TimedOutPeerIsAskedAgainAfterTheCooldown) {
    SyncConfig config;
    config.request_timeout_ms = 10'000;
    config.timeout_cooldown_ms = 30'000;
    Harness h{config};
    h.status(kA, 40);  // the only peer; silent at first
    const std::size_t first_requests = h.sent.size();
    ASSERT_GE(first_requests, 1u);
    h.now = 10'000;
    h.take(h.sync.on_tick(h.now));
    ASSERT_EQ(h.punished.size(), first_requests);  // one kTimeout per request
    EXPECT_EQ(h.sync.requests_in_flight(), 0u);
    h.now = 39'999;
    h.take(h.sync.on_tick(h.now));
    EXPECT_EQ(h.sent.size(), first_requests);  // still in its cooldown
    h.queue.clear();
    h.honest(kA, 40);
    h.now = 40'000;
    h.take(h.sync.on_tick(h.now));
    EXPECT_GT(h.sent.size(), first_requests);  // asked again
    h.run();
    EXPECT_EQ(h.importer.imported, h.all_numbers(40));
    EXPECT_EQ(h.caught_up, (std::vector<std::uint64_t>{40}));
}

struct Misbehaviour {
    const char* name;
    WireError error;
    // Turns the honest answer to the peer's first request into a bad one.
    std::function<Blocks(Blocks, const GetBlocks&)> corrupt;
};

std::vector<Misbehaviour> misbehaviours() {
    return {
        {"bad_certificate", WireError::kBadCertificate,
         [](Blocks b, const GetBlocks&) {
             for (auto& entry : b.blocks)
                 entry.certificate.signatures[0] = Bytes{0x0b, 0xad};
             return b;
         }},
        {"wrong_number", WireError::kWrongBlock,
         [](Blocks b, const GetBlocks& r) {
             // The blocks from first + 1: each at the position of the one before.
             Blocks shifted{b.request_id, {}};
             for (std::uint64_t i = 0; i < r.count; ++i)
                 shifted.blocks.push_back(chain200().blocks[r.first + i]);
             return shifted;
         }},
        {"block_not_in_range", WireError::kTooManyItems,
         [](Blocks b, const GetBlocks& r) {
             b.blocks.push_back(chain200().blocks[r.first - 1 + r.count]);
             return b;
         }},
        {"unrequested_response", WireError::kUnrequested,
         [](Blocks b, const GetBlocks&) {
             b.request_id += 1000;
             return b;
         }},
        {"certificate_of_another_block", WireError::kCertificateMismatch,
         [](Blocks b, const GetBlocks&) {
             b.blocks[0].certificate = chain200().blocks[150].certificate;
             return b;
         }},
        {"body_not_matching_header", WireError::kTransactionsRootMismatch,
         [](Blocks b, const GetBlocks&) {
             b.blocks[0].block.transactions.push_back(testing::make_transfer(8, 0));
             return b;
         }},
        {"block_of_another_chain", WireError::kWrongBlock,
         [](Blocks b, const GetBlocks&) {
             // Right number, self-consistent certificate, but not linked to the parent.
             chain::Block other = make_block(b.blocks[0].block.header.number, Hash32{0x55}, {});
             b.blocks[0].certificate.block_hash = chain::block_hash(other.header);
             b.blocks[0].block = std::move(other);
             return b;
         }},
    };
}

TEST(SyncManager, BadAnswersArePunishedAndThePeerIsNeverAskedAgain) {
    for (const Misbehaviour& bad : misbehaviours()) {
        SCOPED_TRACE(bad.name);
        Harness h;
        // kM is asked first (so it holds block 1) and claims a higher head than anyone.
        bool first = true;
        h.responders[kM] = [&](const GetBlocks& r) {
            Blocks answer = honest_answer(h.chain, 200, r);
            if (!first) return std::optional<Blocks>{answer};
            first = false;
            return std::optional<Blocks>{bad.corrupt(std::move(answer), r)};
        };
        h.status(kM, 250);
        for (const NodeId& p : {kA, kB}) {
            h.honest(p, 200);
            h.status(p, 200);
        }
        h.run();
        ASSERT_EQ(h.punished.size(), 1u);
        EXPECT_EQ(h.punished[0].peer, kM);
        EXPECT_EQ(h.punished[0].error, bad.error);
        EXPECT_TRUE(peer_is_to_blame(bad.error));
        EXPECT_EQ(h.sent_to(kM, h.punished_at[kM]), 0u);
        EXPECT_EQ(h.importer.imported, h.all_numbers(200));
        // Its claimed head no longer counts: caught up at the best good head.
        EXPECT_EQ(h.sync.target(), 200u);
        EXPECT_EQ(h.caught_up, (std::vector<std::uint64_t>{200}));
        EXPECT_TRUE(h.halts.empty());
    }
}

TEST(SyncManager, ImportRefusalPunishesTheSender) {
    Harness h;
    for (const NodeId& p : {kA, kB, kC}) {
        h.honest(p, 200);
        h.status(p, 200);
    }
    h.importer.refuse_once_at = 40;
    // Who is asked for block 40 first.
    const auto covering = std::find_if(h.sent.begin(), h.sent.end(), [](const SendGetBlocks& s) {
        return s.request.first <= 40 && 40 < s.request.first + s.request.count;
    });
    ASSERT_NE(covering, h.sent.end());
    const NodeId sender = covering->peer;
    h.run();
    ASSERT_EQ(h.punished.size(), 1u);
    EXPECT_EQ(h.punished[0].peer, sender);
    EXPECT_EQ(h.punished[0].error, WireError::kInvalidBlock);
    EXPECT_EQ(h.sent_to(sender, h.punished_at[sender]), 0u);
    EXPECT_EQ(h.importer.imported, h.all_numbers(200));
    EXPECT_EQ(h.caught_up, (std::vector<std::uint64_t>{200}));
}

TEST(SyncManager, LocalFailureHalts) {
    Harness h;
    for (const NodeId& p : {kA, kB}) {
        h.honest(p, 200);
        h.status(p, 200);
    }
    h.importer.fail_at = 50;
    h.run();
    EXPECT_TRUE(h.sync.halted());
    ASSERT_EQ(h.halts.size(), 1u);
    EXPECT_NE(h.halts[0].find("disk full"), std::string::npos);
    EXPECT_EQ(h.importer.imported, h.all_numbers(49));
    EXPECT_TRUE(h.punished.empty());  // nobody else's fault
    EXPECT_TRUE(h.caught_up.empty());
    // Halted for good: no more requests, whatever happens.
    const std::size_t sent = h.sent.size();
    h.now += 60'000;
    h.take(h.sync.on_tick(h.now));
    h.take(h.sync.on_peer_status(kC, 300, h.now));
    EXPECT_EQ(h.sent.size(), sent);
    EXPECT_EQ(h.halts.size(), 1u);
}

TEST(SyncManager, CaughtUpOnceAtTheBestGoodHead) {
    Harness h;
    h.honest(kA, 200);
    h.honest(kB, 150);
    h.status(kA, 200);
    h.status(kB, 150);
    EXPECT_EQ(h.sync.target(), 200u);
    EXPECT_FALSE(h.sync.caught_up());
    h.run();
    EXPECT_EQ(h.importer.imported, h.all_numbers(200));
    EXPECT_EQ(h.caught_up, (std::vector<std::uint64_t>{200}));
    // The same statuses again: no second CaughtUp, nothing asked.
    const std::size_t sent = h.sent.size();
    h.status(kA, 200);
    h.status(kB, 150);
    h.take(h.sync.on_tick(h.now + 1000));
    EXPECT_EQ(h.caught_up.size(), 1u);
    EXPECT_EQ(h.sent.size(), sent);
    EXPECT_TRUE(h.punished.empty());
}

TEST(SyncManager, NoCaughtUpBeforeTheBestHeadIsReached) {
    // kB is ahead of everyone but silent: sync must not report CaughtUp at kA's head.
    SyncConfig config;
    config.request_timeout_ms = 10'000;
    config.timeout_cooldown_ms = 1'000'000;
    Harness h{config};
    h.honest(kA, 100);
    h.status(kA, 100);
    h.status(kB, 200);  // no responder
    h.run(/*max_ticks=*/60);
    EXPECT_EQ(h.importer.imported, h.all_numbers(100));
    EXPECT_TRUE(h.caught_up.empty());
    EXPECT_FALSE(h.sync.caught_up());
    EXPECT_EQ(h.sync.target(), 200u);
}

TEST(SyncManager, DisconnectMidRequestReasksAnother) {
    Harness h;
    h.status(kA, 200);  // kA is asked first, then goes away before answering
    const std::vector<SendGetBlocks> to_a = h.sent;
    ASSERT_FALSE(to_a.empty());
    h.honest(kB, 200);
    h.status(kB, 200);
    EXPECT_GT(h.sync.requests_in_flight(), to_a.size());
    h.take(h.sync.on_peer_disconnected(kA, h.now));
    std::erase_if(h.queue, [](const SendGetBlocks& s) { return s.peer == kA; });
    const std::size_t at_disconnect = h.sent.size();
    h.run();
    EXPECT_EQ(h.importer.imported, h.all_numbers(200));
    EXPECT_TRUE(h.punished.empty());
    EXPECT_EQ(h.sent_to(kA, to_a.size()), 0u);
    // kA's ranges went to kB without waiting for a timeout (the clock never moved).
    for (const auto& lost : to_a)
        EXPECT_TRUE(h.asked_of_others(lost.request, kA, at_disconnect));
    EXPECT_EQ(h.now, 0u);
    EXPECT_EQ(h.caught_up, (std::vector<std::uint64_t>{200}));
}

TEST(SyncManager, EmptyAnswerLowersThePeersHead) {
    Harness h;
    // kA claims 200 but has only 20 (pruned or moved back); kB has all.
    h.honest(kA, 20);
    h.status(kA, 200);
    h.honest(kB, 200);
    h.status(kB, 200);
    h.run();
    EXPECT_EQ(h.importer.imported, h.all_numbers(200));
    EXPECT_TRUE(h.punished.empty());  // not a fault
    EXPECT_EQ(h.caught_up, (std::vector<std::uint64_t>{200}));
}

}  // namespace
}  // namespace qtm::p2p
