// The virtual clock: events ordered by (time, insertion order), so that two runs of one
// seed execute the same events in the same order. Time only moves when an event runs.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

namespace qtm::sim {

class EventQueue {
public:
    using Action = std::function<void()>;

    void schedule_at(std::uint64_t time_ms, Action action) {
        heap_.push_back(Event{std::max(time_ms, now_ms_), next_sequence_++, std::move(action)});
        std::push_heap(heap_.begin(), heap_.end(), Later{});
    }
    void schedule_after(std::uint64_t delay_ms, Action action) {
        schedule_at(now_ms_ + delay_ms, std::move(action));
    }

    // Runs the earliest event; false when none is left.
    bool run_next() {
        if (heap_.empty()) return false;
        std::pop_heap(heap_.begin(), heap_.end(), Later{});
        Event event = std::move(heap_.back());
        heap_.pop_back();
        now_ms_ = event.time_ms;
        ++executed_;
        event.action();
        return true;
    }

    [[nodiscard]] std::uint64_t now_ms() const noexcept { return now_ms_; }
    [[nodiscard]] std::uint64_t next_time_ms() const noexcept {
        return heap_.empty() ? now_ms_ : heap_.front().time_ms;
    }
    [[nodiscard]] bool empty() const noexcept { return heap_.empty(); }
    [[nodiscard]] std::uint64_t executed() const noexcept { return executed_; }

private:
    struct Event {
        std::uint64_t time_ms;
        std::uint64_t sequence;
        Action action;
    };
    struct Later {
        bool operator()(const Event& a, const Event& b) const noexcept {
            return a.time_ms != b.time_ms ? a.time_ms > b.time_ms : a.sequence > b.sequence;
        }
    };
    std::vector<Event> heap_;
    std::uint64_t now_ms_{0};
    std::uint64_t next_sequence_{0};
    std::uint64_t executed_{0};
};

}  // namespace qtm::sim
