#include "base/worker_pool.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace qtm {

namespace {

// One parallel_for call. Indices are claimed with one atomic counter, so a slow item never
// holds up the others; `active` counts the workers still inside the job, so that the caller
// does not return (and destroy the job) while a worker may yet touch it.
struct Job {
    const std::function<void(std::size_t)>* fn{nullptr};
    std::size_t count{0};
    std::atomic<std::size_t> next{0};
    std::size_t finished{0};  // guarded by Impl::mutex
    std::size_t active{0};    // guarded by Impl::mutex
};

// noexcept: an exception from fn is a programming error and ends the process here, rather
// than unwinding past workers that still run the job.
std::size_t drain(Job& job) noexcept {
    std::size_t ran = 0;
    for (;;) {
        const std::size_t index = job.next.fetch_add(1, std::memory_order_relaxed);
        if (index >= job.count) return ran;
        (*job.fn)(index);
        ++ran;
    }
}

}  // namespace

struct WorkerPool::Impl {
    std::mutex mutex;
    std::condition_variable work_ready;
    std::condition_variable job_done;
    std::deque<Job*> queue;  // jobs that may still have unclaimed indices
    bool stopping{false};
    std::vector<std::thread> workers;

    void remove(Job* job) {
        const auto it = std::find(queue.begin(), queue.end(), job);
        if (it != queue.end()) queue.erase(it);
    }

    void run_worker() {
        std::unique_lock lock{mutex};
        for (;;) {
            work_ready.wait(lock, [&] { return stopping || !queue.empty(); });
            if (queue.empty()) return;  // stopping, and nothing left to help with
            Job* job = queue.front();
            ++job->active;
            lock.unlock();
            const std::size_t ran = drain(*job);
            lock.lock();
            // Every index is claimed now: no one else needs to pick this job up.
            remove(job);
            job->finished += ran;
            --job->active;
            if (job->finished == job->count && job->active == 0) job_done.notify_all();
        }
    }
};

WorkerPool::WorkerPool(std::size_t threads) : impl_{std::make_unique<Impl>()} {
    if (threads == 0) {
        const unsigned hardware = std::thread::hardware_concurrency();
        threads = hardware > 1 ? hardware - 1 : 0;
    }
    impl_->workers.reserve(threads);
    for (std::size_t i = 0; i < threads; ++i) {
        impl_->workers.emplace_back([impl = impl_.get()] { impl->run_worker(); });
    }
}

WorkerPool::WorkerPool(CallerOnly) : impl_{std::make_unique<Impl>()} {}

WorkerPool::~WorkerPool() {
    {
        const std::lock_guard lock{impl_->mutex};
        impl_->stopping = true;
    }
    impl_->work_ready.notify_all();
    for (auto& worker : impl_->workers)
        worker.join();
}

std::size_t WorkerPool::threads() const noexcept {
    return impl_->workers.size();
}

void WorkerPool::parallel_for(std::size_t count, const std::function<void(std::size_t)>& fn) {
    if (count == 0) return;
    Job job;
    job.fn = &fn;
    job.count = count;
    if (impl_->workers.empty() || count == 1) {
        (void)drain(job);
        return;
    }
    {
        const std::lock_guard lock{impl_->mutex};
        impl_->queue.push_back(&job);
    }
    impl_->work_ready.notify_all();
    const std::size_t ran = drain(job);
    std::unique_lock lock{impl_->mutex};
    impl_->remove(&job);
    job.finished += ran;
    impl_->job_done.wait(lock, [&] { return job.finished == job.count && job.active == 0; });
}

}  // namespace qtm
