// Tests of the simulator's own pieces: the virtual clock, the network model, the crashing
// WAL, the cheap signer and the checker. (The engine itself is tested in tests/consensus;
// the simulator's runs are the ctest entries consensus_sim.*.)
#include <gtest/gtest.h>

#include "cheap_signer.hpp"
#include "checker.hpp"
#include "event_queue.hpp"
#include "network.hpp"
#include "sim_rng.hpp"
#include "sim_wal.hpp"
#include "simulation.hpp"

namespace qtm::sim {
namespace {

TEST(EventQueue, RunsInTimeThenInsertionOrder) {
    EventQueue queue;
    std::vector<int> order;
    queue.schedule_at(20, [&] { order.push_back(3); });
    queue.schedule_at(10, [&] { order.push_back(1); });
    queue.schedule_at(10, [&] { order.push_back(2); });
    queue.schedule_at(5, [&] {
        order.push_back(0);
        queue.schedule_after(0, [&] { order.push_back(10); });  // same time, after the rest at 5
    });
    while (queue.run_next()) {
    }
    EXPECT_EQ(order, (std::vector<int>{0, 10, 1, 2, 3}));
    EXPECT_EQ(queue.now_ms(), 20U);
}

TEST(EventQueue, NeverSchedulesIntoThePast) {
    EventQueue queue;
    queue.schedule_at(100, [] {});
    ASSERT_TRUE(queue.run_next());
    std::uint64_t seen = 0;
    queue.schedule_at(50, [&] { seen = queue.now_ms(); });
    ASSERT_TRUE(queue.run_next());
    EXPECT_EQ(seen, 100U);
}

TEST(Rng, SameSeedSameSequenceOtherSeedOther) {
    Rng a{7}, b{7}, c{8};
    bool differs = false;
    for (int i = 0; i < 100; ++i) {
        const auto x = a.next();
        EXPECT_EQ(x, b.next());
        differs = differs || x != c.next();
    }
    EXPECT_TRUE(differs);
    Rng r{1};
    for (int i = 0; i < 1000; ++i) {
        const auto v = r.between(3, 9);
        EXPECT_GE(v, 3U);
        EXPECT_LE(v, 9U);
    }
}

TEST(Network, AfterGstNothingIsLostAndDelayIsBounded) {
    NetworkConfig config;
    config.loss_per_mille = 1000;  // everything lost before GST
    config.gst_ms = 1000;
    config.max_delay_after_gst_ms = 50;
    Network network{config, Rng{1}};
    std::vector<std::uint64_t> delays;
    network.route(0, 1, 999, false, delays);
    EXPECT_TRUE(delays.empty());
    for (int i = 0; i < 1000; ++i) {
        network.route(0, 1, static_cast<std::uint64_t>(1000 + i), false, delays);
        ASSERT_EQ(delays.size(), 1U);
        EXPECT_GE(delays[0], 1U);
        EXPECT_LE(delays[0], 50U);
    }
}

TEST(Network, MessagesSentBeforeGstArriveByGstPlusTheBound) {
    NetworkConfig config;
    config.model = DelayModel::kBimodal;
    config.min_delay_ms = 1;
    config.max_delay_ms = 100000;
    config.gst_ms = 5000;
    config.max_delay_after_gst_ms = 100;
    Network network{config, Rng{2}};
    std::vector<std::uint64_t> delays;
    bool reordered = false;
    std::uint64_t previous = 0;
    for (std::uint64_t t = 0; t < 5000; t += 7) {
        network.route(0, 1, t, false, delays);
        ASSERT_EQ(delays.size(), 1U);
        EXPECT_LE(t + delays[0], 5100U);
        reordered = reordered || t + delays[0] < previous;
        previous = t + delays[0];
    }
    EXPECT_TRUE(reordered);
}

TEST(Network, PartitionsCutOnlyAcrossGroupsAndHeal) {
    NetworkConfig config;
    config.gst_ms = 10000;
    config.partitions.push_back(Partition{100, 2000, {0, 0, 1}});
    Network network{config, Rng{3}};
    EXPECT_FALSE(network.partitioned(0, 2, 99));
    EXPECT_TRUE(network.partitioned(0, 2, 100));
    EXPECT_TRUE(network.partitioned(2, 1, 1999));
    EXPECT_FALSE(network.partitioned(0, 1, 500));
    EXPECT_FALSE(network.partitioned(0, 2, 2000));
    config.partitions[0].end_ms = 50000;  // never ends by itself: GST heals it
    Network later{config, Rng{3}};
    EXPECT_TRUE(later.partitioned(0, 2, 9999));
    EXPECT_FALSE(later.partitioned(0, 2, 10000));
}

TEST(Network, DuplicatesHappenAtTheConfiguredRate) {
    NetworkConfig config;
    config.duplicate_per_mille = 300;
    Network network{config, Rng{4}};
    std::vector<std::uint64_t> delays;
    int twice = 0;
    for (int i = 0; i < 10000; ++i) {
        network.route(0, 1, 0, false, delays);
        twice += delays.size() == 2 ? 1 : 0;
    }
    EXPECT_GT(twice, 2500);
    EXPECT_LT(twice, 3500);
}

Bytes record(std::uint8_t fill, std::size_t size) {
    return Bytes(size, fill);
}

TEST(SimWal, RecordsSurviveAReopen) {
    SimDisk disk;
    {
        SimWal wal{disk};
        ASSERT_TRUE(wal.append(record(1, 10)));
        ASSERT_TRUE(wal.append(record(2, 300)));
    }
    SimWal reopened{disk};
    auto records = reopened.read_all();
    ASSERT_TRUE(records);
    EXPECT_EQ(*records, (std::vector<Bytes>{record(1, 10), record(2, 300)}));
}

TEST(SimWal, CrashPointKeepsTheRecordAndRefusesTheNext) {
    SimDisk disk;
    SimWal wal{disk};
    wal.arm_crash(/*appends=*/2, /*torn=*/false);
    ASSERT_TRUE(wal.append(record(1, 5)));
    EXPECT_FALSE(wal.crashed());
    ASSERT_TRUE(wal.append(record(2, 5)));
    EXPECT_TRUE(wal.crashed());
    EXPECT_FALSE(wal.append(record(3, 5)));
    SimWal reopened{disk};
    EXPECT_EQ(reopened.read_all()->size(), 2U);
    EXPECT_EQ(disk.torn_frames_dropped, 0U);
}

TEST(SimWal, TornRecordIsDroppedAndCutOnReopen) {
    SimDisk disk;
    SimWal wal{disk};
    wal.arm_crash(/*appends=*/1, /*torn=*/true);
    ASSERT_TRUE(wal.append(record(1, 40)));
    EXPECT_FALSE(wal.crashed());
    EXPECT_FALSE(wal.append(record(2, 40)));  // half of it reaches the disk
    EXPECT_TRUE(wal.crashed());
    const std::size_t torn_size = disk.bytes.size();
    SimWal reopened{disk};
    EXPECT_EQ(disk.torn_frames_dropped, 1U);
    EXPECT_LT(disk.bytes.size(), torn_size);
    ASSERT_TRUE(reopened.append(record(3, 40)));
    EXPECT_EQ(*reopened.read_all(), (std::vector<Bytes>{record(1, 40), record(3, 40)}));
}

TEST(SimWal, CorruptionBeforeTheEndIsAnError) {
    SimDisk disk;
    SimWal wal{disk};
    ASSERT_TRUE(wal.append(record(1, 40)));
    ASSERT_TRUE(wal.append(record(2, 40)));
    disk.bytes[10] ^= 1;  // inside the first record
    EXPECT_FALSE(wal.read_all());
}

TEST(CheapSigner, VerifiesOnlyTheSameKeyMessageAndContext) {
    const Hash32 secret_a{1}, secret_b{2};
    CheapSigner a{secret_a}, b{secret_b};
    CheapVerifier verifier;
    verifier.add(secret_a);
    verifier.add(secret_b);
    const Bytes message{1, 2, 3};
    const Bytes signature = a.sign(message, "qtm/vote/v1");
    const auto scheme = a.scheme();
    EXPECT_EQ(signature.size(), crypto::signature_sizes(scheme).signature);
    EXPECT_EQ(a.public_key().size(), crypto::signature_sizes(scheme).public_key);
    EXPECT_TRUE(verifier.verify(scheme, a.public_key(), message, "qtm/vote/v1", signature));
    EXPECT_FALSE(verifier.verify(scheme, b.public_key(), message, "qtm/vote/v1", signature));
    EXPECT_FALSE(verifier.verify(scheme, a.public_key(), message, "qtm/proposal/v1", signature));
    EXPECT_FALSE(verifier.verify(scheme, a.public_key(), Bytes{1, 2, 4}, "qtm/vote/v1", signature));
    Bytes tampered = signature;
    tampered.back() ^= 1;
    EXPECT_FALSE(verifier.verify(scheme, a.public_key(), message, "qtm/vote/v1", tampered));
    CheapVerifier stranger;  // does not know the key
    EXPECT_FALSE(stranger.verify(scheme, a.public_key(), message, "qtm/vote/v1", signature));
}

chain::Vote vote(std::uint32_t validator, std::optional<Hash32> block,
                 chain::VoteType type = chain::VoteType::kPrecommit) {
    return chain::Vote{type, 1, 0, block, validator, {}};
}

TEST(Checker, ConflictingSignaturesOfOneValidatorAreAViolation) {
    Checker checker;
    checker.on_signed_vote(0, vote(0, Hash32{1}), 0);
    checker.on_signed_vote(0, vote(0, Hash32{1}), 1);  // the same again: a re-send
    checker.on_signed_vote(1, vote(1, Hash32{2}), 1);  // another validator
    EXPECT_TRUE(checker.finish().empty());
    checker.on_signed_vote(0, vote(0, std::nullopt), 2);
    EXPECT_EQ(checker.finish().size(), 1U);
}

TEST(Checker, DisagreementAndInvalidBlocksAreViolations) {
    Checker checker;
    checker.register_block(Hash32{1}, BlockInfo{1, 0, 0, true});
    checker.register_block(Hash32{2}, BlockInfo{1, 0, 1, true});
    checker.register_block(Hash32{3}, BlockInfo{1, 0, 1, false});
    chain::CommitCertificate certificate{1, 0, Hash32{1}, {}, {}};
    checker.on_commit(0, 0, 1, 1, Hash32{1}, certificate, true, 0);
    checker.on_commit(1, 1, 1, 1, Hash32{1}, certificate, true, 0);
    EXPECT_TRUE(checker.finish().empty());
    certificate.block_hash = Hash32{2};
    checker.on_commit(2, 2, 1, 1, Hash32{2}, certificate, true, 0);  // agreement
    EXPECT_EQ(checker.finish().size(), 1U);
    certificate.block_hash = Hash32{3};
    checker.on_commit(3, 3, 1, 1, Hash32{3}, certificate, true, 0);  // agreement + validity
    EXPECT_EQ(checker.finish().size(), 3U);
    checker.on_commit(0, 0, 2, 1, Hash32{1}, chain::CommitCertificate{1, 0, Hash32{1}, {}, {}},
                      false, 0);  // twice, out of order, bad certificate
    EXPECT_EQ(checker.finish().size(), 6U);
}

TEST(Checker, TwinEquivocationSeenInBothVersionsNeedsEvidence) {
    Checker checker;
    checker.on_twin_vote_delivered(5, 0, vote(3, Hash32{1}));
    checker.on_twin_vote_delivered(5, 0, vote(3, Hash32{1}));
    checker.on_twin_vote_delivered(6, 0, vote(3, Hash32{2}));  // another node: one version each
    EXPECT_TRUE(checker.finish().empty());
    checker.on_twin_vote_delivered(5, 0, vote(3, std::nullopt));
    EXPECT_EQ(checker.finish().size(), 1U);

    Checker reported;
    reported.on_twin_vote_delivered(5, 0, vote(3, Hash32{1}));
    reported.on_twin_vote_delivered(5, 0, vote(3, std::nullopt));
    reported.on_evidence(5, 0,
                         chain::DuplicateVoteEvidence{vote(3, std::nullopt), vote(3, Hash32{1})});
    EXPECT_TRUE(reported.finish().empty());
    EXPECT_EQ(reported.evidence_expected(), 1U);
}

TEST(Faults, ParseAndName) {
    std::uint32_t faults = 0;
    std::string error;
    ASSERT_TRUE(parse_faults("loss,twins", faults, error));
    EXPECT_EQ(faults, kFaultLoss | kFaultTwins);
    EXPECT_EQ(fault_names(faults), "loss,twins");
    ASSERT_TRUE(parse_faults("all", faults, error));
    EXPECT_EQ(faults, kFaultAll);
    EXPECT_FALSE(parse_faults("loss,meteor", faults, error));
    EXPECT_NE(error.find("meteor"), std::string::npos);
}

}  // namespace
}  // namespace qtm::sim
