// A fixed set of worker threads that a caller owns and lends to parallel work (signature
// checks of certificates and vote batches). parallel_for runs fn(0..n-1) across the
// workers and the calling thread, and returns when all are done. Thread-safe: concurrent
// parallel_for calls share the workers.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

namespace qtm {

class WorkerPool {
public:
    // threads == 0: one per hardware thread, minus the caller's.
    explicit WorkerPool(std::size_t threads = 0);
    // No worker threads at all: parallel_for runs everything on the calling thread (for
    // single-threaded measurements and deterministic runs).
    struct CallerOnly {};
    explicit WorkerPool(CallerOnly);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // The number of worker threads, not counting callers.
    [[nodiscard]] std::size_t threads() const noexcept;
    void parallel_for(std::size_t count, const std::function<void(std::size_t)>& fn);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace qtm
