// WorkerPool: every index runs exactly once, on the workers and the caller, also when
// several callers share one pool; a pool without workers runs everything on the caller.
#include "base/worker_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace qtm {
namespace {

TEST(WorkerPool, RunsEveryIndexExactlyOnce) {
    WorkerPool pool{3};
    EXPECT_EQ(pool.threads(), 3U);
    for (const std::size_t count : {0U, 1U, 2U, 7U, 1000U}) {
        std::vector<std::atomic<int>> hits(count);
        pool.parallel_for(count, [&](std::size_t i) { hits[i].fetch_add(1); });
        for (std::size_t i = 0; i < count; ++i)
            EXPECT_EQ(hits[i].load(), 1) << i;
    }
}

TEST(WorkerPool, ReturnsOnlyWhenAllWorkIsDone) {
    WorkerPool pool{2};
    std::atomic<int> done{0};
    pool.parallel_for(64, [&](std::size_t) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        done.fetch_add(1);
    });
    EXPECT_EQ(done.load(), 64);
}

TEST(WorkerPool, WorkersAndTheCallerShareTheWork) {
    WorkerPool pool{2};
    std::mutex mutex;
    std::set<std::thread::id> ids;
    // Each item waits until three threads have joined in (or a generous deadline passes),
    // so the set below sees the caller and both workers whenever they all take part.
    std::atomic<int> started{0};
    pool.parallel_for(3, [&](std::size_t) {
        started.fetch_add(1);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (started.load() < 3 && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::yield();
        }
        const std::lock_guard lock{mutex};
        ids.insert(std::this_thread::get_id());
    });
    EXPECT_EQ(ids.size(), 3U);
}

TEST(WorkerPool, ConcurrentCallersShareOnePool) {
    WorkerPool pool{2};
    constexpr std::size_t kCallers = 4;
    constexpr std::size_t kCount = 500;
    std::vector<std::vector<std::atomic<int>>> hits(kCallers);
    for (auto& row : hits)
        row = std::vector<std::atomic<int>>(kCount);
    std::vector<std::thread> callers;
    for (std::size_t c = 0; c < kCallers; ++c) {
        callers.emplace_back([&, c] {
            for (int repeat = 0; repeat < 20; ++repeat) {
                pool.parallel_for(kCount, [&](std::size_t i) { hits[c][i].fetch_add(1); });
            }
        });
    }
    for (auto& caller : callers)
        caller.join();
    for (std::size_t c = 0; c < kCallers; ++c) {
        for (std::size_t i = 0; i < kCount; ++i)
            EXPECT_EQ(hits[c][i].load(), 20);
    }
}

TEST(WorkerPool, CallerOnlyRunsOnTheCallingThread) {
    WorkerPool pool{WorkerPool::CallerOnly{}};
    EXPECT_EQ(pool.threads(), 0U);
    const auto caller = std::this_thread::get_id();
    std::vector<int> order;
    pool.parallel_for(5, [&](std::size_t i) {
        EXPECT_EQ(std::this_thread::get_id(), caller);
        order.push_back(static_cast<int>(i));
    });
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(WorkerPool, DefaultSizeLeavesOneHardwareThreadToTheCaller) {
    WorkerPool pool;
    const unsigned hardware = std::thread::hardware_concurrency();
    EXPECT_EQ(pool.threads(), hardware > 1 ? hardware - 1 : 0U);
}

}  // namespace
}  // namespace qtm
