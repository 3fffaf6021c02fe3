// Four real Nodes (RocksDB data directories, ML-DSA-65 validator keys, file WALs) driven by
// ConsensusDriver over an in-process message bus with a simulated clock: the node side of
// the validator network, without sockets (the p2p layer is tested in tests/p2p).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <variant>

#include "chain/chain_spec.hpp"
#include "chain/consensus/signer.hpp"
#include "chain/transaction.hpp"
#include "consensus/file_wal.hpp"
#include "node/consensus_driver.hpp"
#include "node/node.hpp"

namespace qtm::node {
namespace {

namespace fs = std::filesystem;

struct ProposalMessage {
    chain::Proposal proposal;
    chain::Block block;
};
struct CommittedMessage {
    chain::Block block;
    chain::CommitCertificate certificate;
};
struct RequestMessage {
    std::uint64_t first{0};
};
using Message = std::variant<ProposalMessage, chain::Vote, chain::DuplicateVoteEvidence,
                             CommittedMessage, RequestMessage>;

struct Delivery {
    std::size_t from{0};
    std::size_t to{0};
    Message message;
};

class Bus;

// One validator process: its node, WAL, signer and driver. Peer handles are index + 1.
struct Member {
    std::size_t index{0};
    std::uint32_t key_index{0};
    fs::path dir;
    std::unique_ptr<Node> node;
    std::unique_ptr<consensus::FileWal> wal;
    std::unique_ptr<chain::ConsensusSigner> signer;
    std::unique_ptr<ConsensusNetwork> network;
    std::unique_ptr<ConsensusDriver> driver;
    const chain::ConsensusVerifier* verifier{&chain::mldsa_verifier()};
    bool up{false};
};

// ML-DSA, counting the verifications.
class CountingVerifier final : public chain::ConsensusVerifier {
public:
    [[nodiscard]] bool verify(crypto::SignatureScheme scheme, ByteView public_key, ByteView message,
                              std::string_view context,
                              ByteView signature) const noexcept override {
        ++calls;
        return chain::mldsa_verifier().verify(scheme, public_key, message, context, signature);
    }
    mutable std::atomic<std::uint64_t> calls{0};
};

class Bus {
public:
    std::deque<Delivery> queue;
    std::vector<Member>* members{nullptr};
    std::uint64_t reports{0};

    void to_all(std::size_t from, const Message& message, PeerHandle except) {
        for (std::size_t to = 0; to < members->size(); ++to) {
            if (to == from || to + 1 == except) continue;
            queue.push_back(Delivery{from, to, message});
        }
    }
};

class BusNetwork final : public ConsensusNetwork {
public:
    BusNetwork(Bus& bus, std::size_t self) : bus_{bus}, self_{self} {}
    void broadcast_proposal(const chain::Proposal& proposal, const chain::Block& block,
                            PeerHandle except) override {
        bus_.to_all(self_, ProposalMessage{proposal, block}, except);
    }
    void broadcast_vote(const chain::Vote& vote, PeerHandle except) override {
        bus_.to_all(self_, vote, except);
    }
    void broadcast_evidence(const chain::DuplicateVoteEvidence& evidence,
                            PeerHandle except) override {
        bus_.to_all(self_, evidence, except);
    }
    void send_vote(PeerHandle peer, const chain::Vote& vote) override {
        bus_.queue.push_back(Delivery{self_, peer - 1, vote});
    }
    void send_committed(PeerHandle peer, const chain::Block& block,
                        const chain::CommitCertificate& certificate) override {
        bus_.queue.push_back(Delivery{self_, peer - 1, CommittedMessage{block, certificate}});
    }
    void request_committed(std::uint64_t first) override {
        bus_.to_all(self_, RequestMessage{first}, kNoPeer);
    }
    void report_peer(PeerHandle, const std::string&) override { ++bus_.reports; }

private:
    Bus& bus_;
    std::size_t self_;
};

class ConsensusNetworkTest : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() /
                ("qtm-consensus-network-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(root_);
        spec_ = *chain::builtin_chain_spec("testnet");
        now_ms_ = spec_.genesis_time * 1000 + 10'000;
        bus_.members = &members_;
    }
    void TearDown() override {
        members_.clear();
        fs::remove_all(root_);
    }

    void add_member(std::uint32_t key_index) {
        Member member;
        member.index = members_.size();
        member.key_index = key_index;
        member.dir = root_ / ("node" + std::to_string(member.index));
        members_.push_back(std::move(member));
    }

    // Validators 0..count-1 of the dev keys, each a member.
    void add_members(std::uint32_t count) {
        for (std::uint32_t i = 0; i < count; ++i)
            add_member(i);
    }
    void start_first(std::size_t count) {
        for (std::size_t i = 0; i < count; ++i)
            start(i);
    }
    // Four validators make blocks, then 2 and 3 stop: 0 and 1 alone have no quorum. Returns
    // the height the chain is stuck at.
    std::uint64_t two_of_four_down() {
        add_members(4);
        start_first(4);
        EXPECT_TRUE(run_until(2));
        stop(2);
        stop(3);
        return std::max(members_[0].node->head().number, members_[1].node->head().number);
    }

    void start(std::size_t index) {
        Member& member = members_.at(index);
        const chain::AccountKey key{crypto::SignatureScheme::kMlDsa65,
                                    chain::dev_validator_seed(member.key_index)};
        fs::create_directories(member.dir);
        NodeOptions options;
        options.datadir = (member.dir / "db").string();
        options.spec = spec_;
        options.proposer = key.address();
        options.state_history = 0;
        auto node = Node::open(std::move(options));
        ASSERT_TRUE(node.has_value()) << node.error().message;
        member.node = std::move(*node);
        fs::create_directories(member.dir);
        auto wal = consensus::FileWal::open((member.dir / "consensus.wal").string());
        ASSERT_TRUE(wal.has_value());
        member.wal = std::move(*wal);
        member.signer = chain::make_mldsa_signer(crypto::SignatureScheme::kMlDsa65,
                                                 chain::dev_validator_seed(member.key_index));
        member.network = std::make_unique<BusNetwork>(bus_, index);
        ConsensusDriverConfig config;
        config.block_time_ms = 1000;
        member.driver = std::make_unique<ConsensusDriver>(config, *member.node, *member.network,
                                                          member.signer.get(), member.wal.get(),
                                                          *member.verifier);
        member.up = true;
        member.driver->start(now_ms_);
    }

    void stop(std::size_t index) {
        Member& member = members_.at(index);
        member.up = false;
        member.driver.reset();
        member.network.reset();
        member.wal.reset();
        member.node.reset();
    }

    void deliver(const Delivery& delivery) {
        Member& to = members_.at(delivery.to);
        if (!to.up) return;
        const PeerHandle from = delivery.from + 1;
        std::visit(
            [&](const auto& message) {
                using T = std::decay_t<decltype(message)>;
                if constexpr (std::is_same_v<T, ProposalMessage>) {
                    to.driver->on_proposal(from, message.proposal, message.block, now_ms_);
                } else if constexpr (std::is_same_v<T, chain::Vote>) {
                    to.driver->on_vote(from, message, now_ms_);
                } else if constexpr (std::is_same_v<T, chain::DuplicateVoteEvidence>) {
                    to.driver->on_evidence(from, message, now_ms_);
                } else if constexpr (std::is_same_v<T, CommittedMessage>) {
                    to.driver->on_committed(from, message.block, message.certificate, now_ms_);
                } else {
                    // The block server's answer (the p2p sync protocol does this for qtmd).
                    for (std::uint64_t n = message.first; n < message.first + 8; ++n) {
                        auto committed = to.node->committed_block(n);
                        if (!committed) break;
                        bus_.queue.push_back(
                            Delivery{delivery.to, delivery.from,
                                     CommittedMessage{committed->first, committed->second}});
                    }
                }
            },
            delivery.message);
    }

    // Runs the simulated network in 10 ms steps until every running member's head is at
    // least `height` (or the simulated deadline passes).
    bool run_until(std::uint64_t height, std::uint64_t max_ms = 120'000) {
        const std::uint64_t deadline = now_ms_ + max_ms;
        while (now_ms_ < deadline) {
            std::size_t budget = 100'000;
            while (!bus_.queue.empty() && budget-- > 0) {
                const Delivery delivery = std::move(bus_.queue.front());
                bus_.queue.pop_front();
                deliver(delivery);
                if (after_delivery_) after_delivery_(delivery);
            }
            bool all = true;
            for (auto& member : members_) {
                if (!member.up) continue;
                if (member.driver->halted()) {
                    ADD_FAILURE() << "node " << member.index
                                  << " halted: " << *member.driver->halted();
                    return false;
                }
                if (member.node->head().number < height) all = false;
            }
            if (all) return true;
            now_ms_ += 10;
            for (auto& member : members_) {
                if (member.up) member.driver->tick(now_ms_);
            }
        }
        return false;
    }

    Hash32 hash_at(std::size_t index, std::uint64_t number) {
        auto committed = members_.at(index).node->committed_block(number);
        EXPECT_TRUE(committed.has_value()) << "node " << index << " block " << number;
        return committed ? chain::block_hash(committed->first.header) : Hash32{};
    }

    fs::path root_;
    chain::ChainSpec spec_;
    std::uint64_t now_ms_{0};
    Bus bus_;
    std::vector<Member> members_;
    std::function<void(const Delivery&)> after_delivery_;
};

TEST_F(ConsensusNetworkTest, FourValidatorsAgreeOnEveryBlockAndIncludeATransfer) {
    add_members(4);
    start_first(4);

    const chain::AccountKey sender{crypto::SignatureScheme::kMlDsa44, chain::dev_account_seed(0)};
    Address bob{};
    bob.fill(0xb0);
    chain::Transaction tx;
    tx.chain_id = spec_.chain_id;
    tx.max_priority_fee_per_gas = U256{2'000'000'000};
    tx.max_fee_per_gas = U256{50'000'000'000};
    tx.gas_limit = 100'000;
    tx.to = bob;
    tx.value = U256{12345};
    chain::sign_transaction(tx, sender, true);
    // Every node's pool holds it (the p2p layer gossips transactions; here each gets it).
    for (auto& member : members_)
        ASSERT_TRUE(member.node->submit_transaction(tx).has_value());

    ASSERT_TRUE(run_until(6));
    for (std::uint64_t number = 1; number <= 6; ++number) {
        const Hash32 expected = hash_at(0, number);
        for (std::size_t i = 1; i < 4; ++i)
            EXPECT_EQ(hash_at(i, number), expected) << "height " << number;
        auto committed = members_[0].node->committed_block(number);
        ASSERT_TRUE(committed.has_value());
        // Every block after the first carries its parent's certificate; every certificate
        // is for its block.
        EXPECT_EQ(committed->first.header.parent_commit.empty(), number == 1);
        EXPECT_EQ(committed->second.block_hash, expected);
    }
    for (auto& member : members_) {
        EXPECT_EQ(member.node->head_state().balance(bob), U256{12345});
        EXPECT_EQ(member.driver->stats().evidence_found, 0U);
        ASSERT_TRUE(member.node->head_commit().has_value());
    }
    EXPECT_EQ(bus_.reports, 0U);
}

// Every vote reaches a node from each peer that relays it. A copy of one already verified
// skips the ML-DSA verification; a copy that differs in one signature bit does not.
TEST_F(ConsensusNetworkTest, ACopyOfAVerifiedVoteIsNotVerifiedAgainButATamperedOneIs) {
    CountingVerifier counting;
    add_members(4);
    members_[0].verifier = &counting;
    start_first(4);
    bool probed = false;
    after_delivery_ = [&](const Delivery& delivery) {
        if (probed || delivery.to != 0) return;
        const auto* vote = std::get_if<chain::Vote>(&delivery.message);
        ConsensusDriver& driver = *members_[0].driver;
        if (vote == nullptr || vote->height != driver.height()) return;
        probed = true;
        const std::uint64_t calls = counting.calls.load();
        const ConsensusDriverStats before = driver.stats();
        const std::uint64_t reports = bus_.reports;
        driver.on_vote(delivery.from + 1, *vote, now_ms_);
        EXPECT_EQ(counting.calls.load(), calls);
        EXPECT_EQ(driver.stats().duplicates_not_reverified, before.duplicates_not_reverified + 1);
        chain::Vote tampered = *vote;
        tampered.signature.at(100) ^= 1;
        driver.on_vote(delivery.from + 1, tampered, now_ms_);
        EXPECT_EQ(counting.calls.load(), calls + 1);
        EXPECT_EQ(driver.stats().invalid_messages, before.invalid_messages + 1);
        EXPECT_EQ(bus_.reports, reports + 1);
    };
    ASSERT_TRUE(run_until(3));
    EXPECT_TRUE(probed);
    EXPECT_GT(members_[0].driver->stats().duplicates_not_reverified, 0u);
    for (std::uint64_t number = 1; number <= 3; ++number) {
        for (std::size_t i = 1; i < 4; ++i)
            EXPECT_EQ(hash_at(i, number), hash_at(0, number)) << "block " << number;
    }
}

TEST_F(ConsensusNetworkTest, ACrashedValidatorCatchesUpWithoutSigningTwice) {
    add_members(4);
    start_first(4);
    ASSERT_TRUE(run_until(3));
    stop(3);  // as a kill: nothing is flushed beyond what each write synced
    const std::uint64_t down_at = members_[0].node->head().number;
    // Three of four (3/4 of the power) go on without it.
    ASSERT_TRUE(run_until(down_at + 4));
    start(3);
    const std::uint64_t target = members_[0].node->head().number + 3;
    ASSERT_TRUE(run_until(target));
    for (std::uint64_t number = 1; number <= target; ++number) {
        const Hash32 expected = hash_at(0, number);
        for (std::size_t i = 1; i < 4; ++i)
            EXPECT_EQ(hash_at(i, number), expected) << "height " << number;
    }
    EXPECT_GT(members_[3].driver->stats().catch_up_imports, 0U);
    for (auto& member : members_)
        EXPECT_EQ(member.driver->stats().evidence_found, 0U) << "node " << member.index;
    EXPECT_EQ(bus_.reports, 0U);
}

// Votes are relayed once, when first accepted: a peer that connects later gets nobody's
// votes but its neighbours' own. So a node hands a newly connected peer the votes it holds
// at the height, its own and the others' alike.
TEST_F(ConsensusNetworkTest, ANewlyConnectedPeerIsSentTheVotesOfTheHeight) {
    const std::uint64_t stuck = two_of_four_down();
    EXPECT_FALSE(run_until(stuck + 1, 5'000));  // two of four: votes, but no quorum
    bus_.queue.clear();
    ConsensusDriver& driver = *members_[0].driver;
    driver.on_peer_connected(/*member 2's handle*/ 3);
    std::set<std::uint32_t> signers;
    std::size_t sent = 0;
    for (const Delivery& delivery : bus_.queue) {
        const auto* vote = std::get_if<chain::Vote>(&delivery.message);
        ASSERT_NE(vote, nullptr);
        EXPECT_EQ(delivery.from, 0u);
        EXPECT_EQ(delivery.to, 2u);
        EXPECT_EQ(vote->height, driver.height());
        EXPECT_GE(vote->round + 1, driver.round());  // the last two rounds
        signers.insert(vote->validator_index);
        ++sent;
    }
    EXPECT_GE(sent, 2u);
    EXPECT_EQ(signers.size(), 2u) << "its own votes and node 1's";
}

// A vote of an older round may only be relayed. A peer that also sent this round's votes is
// not behind and gets no help; a peer whose newest vote is of an older round is sent that
// round's votes. (Member 3 is down: at its heights as proposer the round goes to 1.)
TEST_F(ConsensusNetworkTest, OnlyAPeerWhoseNewestVoteIsOfAnOlderRoundIsHelped) {
    add_members(4);
    start_first(3);
    std::vector<chain::Vote> seen;  // delivered to node 0
    bool probed = false;
    after_delivery_ = [&](const Delivery& delivery) {
        if (probed || delivery.to != 0) return;
        const auto* vote = std::get_if<chain::Vote>(&delivery.message);
        if (vote == nullptr) return;
        seen.push_back(*vote);
        ConsensusDriver& driver = *members_[0].driver;
        if (driver.round() == 0 || delivery.from != 1 || vote->height != driver.height() ||
            vote->round != driver.round()) {
            return;  // wait until member 1 has sent a vote of node 0's round, past round 0
        }
        const auto old = std::find_if(seen.begin(), seen.end(), [&](const chain::Vote& v) {
            return v.height == driver.height() && v.round + 1 == driver.round();
        });
        if (old == seen.end()) return;
        probed = true;
        const chain::Vote relayed = *old;
        const auto sent_to = [&](std::size_t index, std::size_t from_position) {
            return std::count_if(bus_.queue.begin() + static_cast<std::ptrdiff_t>(from_position),
                                 bus_.queue.end(), [&](const Delivery& d) {
                                     return d.to == index &&
                                            std::holds_alternative<chain::Vote>(d.message);
                                 });
        };
        std::size_t before = bus_.queue.size();
        driver.on_vote(/*member 1, which voted in this round*/ 2, relayed, now_ms_);
        EXPECT_EQ(sent_to(1, before), 0);
        before = bus_.queue.size();
        driver.on_vote(/*member 3, heard from at no round of this height*/ 4, relayed, now_ms_);
        EXPECT_GT(sent_to(3, before), 0);
    };
    ASSERT_TRUE(run_until(12));
    EXPECT_TRUE(probed) << "no height went past round 0";
}

TEST_F(ConsensusNetworkTest, TwoOfFourDownStopsTheChainAndOneBackResumesIt) {
    const std::uint64_t stuck = two_of_four_down();
    EXPECT_FALSE(run_until(stuck + 1, 20'000));  // no quorum: no block
    EXPECT_LE(members_[0].node->head().number, stuck);
    start(2);
    ASSERT_TRUE(run_until(stuck + 3));
    EXPECT_EQ(hash_at(0, stuck + 3), hash_at(2, stuck + 3));
}

// A second process with validator 3's key (a twin): its conflicting votes become evidence
// that a proposer includes, and the validator is slashed while the chain goes on.
TEST_F(ConsensusNetworkTest, ATwinIsCaughtAndItsEvidenceIsCommitted) {
    add_members(4);
    add_member(3);  // the twin
    for (std::size_t i = 0; i < 5; ++i)
        start(i);
    // Only the twin's pool holds this transfer: when validator 3 proposes, the two build
    // different blocks and each prevotes its own.
    const chain::AccountKey sender{crypto::SignatureScheme::kMlDsa44, chain::dev_account_seed(1)};
    chain::Transaction tx;
    tx.chain_id = spec_.chain_id;
    tx.max_priority_fee_per_gas = U256{2'000'000'000};
    tx.max_fee_per_gas = U256{50'000'000'000};
    tx.gas_limit = 100'000;
    tx.to = sender.address();
    tx.value = U256{1};
    chain::sign_transaction(tx, sender, true);
    ASSERT_TRUE(members_[4].node->submit_transaction(tx).has_value());
    bool evidence_committed = false;
    for (std::uint64_t target = 2; target <= 30 && !evidence_committed; ++target) {
        ASSERT_TRUE(run_until(target));
        auto committed = members_[0].node->committed_block(members_[0].node->head().number);
        ASSERT_TRUE(committed.has_value());
        if (!committed->first.evidence.empty()) evidence_committed = true;
    }
    ASSERT_TRUE(evidence_committed) << "no evidence against the twin was committed";
    std::uint64_t found = 0;
    for (auto& member : members_)
        found += member.driver->stats().evidence_found;
    EXPECT_GT(found, 0U);
    // The chain goes on without the slashed validator's vote counting against liveness.
    const std::uint64_t after = members_[0].node->head().number + 2;
    ASSERT_TRUE(run_until(after));
    for (std::size_t i = 1; i < 3; ++i)
        EXPECT_EQ(hash_at(i, after), hash_at(0, after));
}

// debug_getBadBlocks' source: a block a peer is to blame for is kept (newest first, at most
// ten), a valid one is not, and a block that merely does not extend the head is not either.
TEST_F(ConsensusNetworkTest, ABlockThatBreaksARuleIsKeptAsABadBlock) {
    for (std::uint32_t i = 0; i < 2; ++i)
        add_member(i);
    start(0);
    start(1);
    Node& proposer = *members_[0].node;
    Node& validator = *members_[1].node;
    auto built = proposer.build_proposal(now_ms_ / 1000, chain::BlockInputs{});
    ASSERT_TRUE(built.has_value()) << built.error().message;

    ASSERT_TRUE(validator.validate_proposal(*built).has_value());
    EXPECT_TRUE(validator.bad_blocks().empty());

    for (std::uint8_t i = 0; i < 12; ++i) {
        chain::Block tampered = *built;
        tampered.header.state_root[0] ^= static_cast<std::uint8_t>(i + 1);
        const auto refused = validator.validate_proposal(tampered);
        ASSERT_FALSE(refused.has_value());
        EXPECT_TRUE(refused.error().peer_to_blame);
        const auto bad = validator.bad_blocks();
        ASSERT_FALSE(bad.empty());
        EXPECT_EQ(bad.front().hash, chain::block_hash(tampered.header));
        EXPECT_EQ(bad.front().reason, refused.error().message);
        EXPECT_EQ(bad.size(), std::min<std::size_t>(i + 1u, 10u));
    }

    chain::Block elsewhere = *built;
    elsewhere.header.parent_hash[0] ^= 1;
    elsewhere.header.number += 5;
    ASSERT_FALSE(validator.validate_proposal(elsewhere).has_value());
    EXPECT_NE(validator.bad_blocks().front().hash, chain::block_hash(elsewhere.header));
}

}  // namespace
}  // namespace qtm::node
