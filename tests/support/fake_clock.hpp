// A steady clock that moves only when a test says so; safe to read from other threads.
#pragma once
#include <atomic>
#include <chrono>
#include <functional>

namespace loopcast::test {

class FakeClock {
 public:
  using Clock = std::chrono::steady_clock;
  Clock::time_point now() const { return Clock::time_point(Clock::duration(ticks_.load())); }
  void advance(Clock::duration d) { ticks_ += d.count(); }
  std::function<Clock::time_point()> fn() {
    return [this] { return now(); };
  }

 private:
  std::atomic<Clock::rep> ticks_{std::chrono::duration_cast<Clock::duration>(std::chrono::hours(1)).count()};
};

}  // namespace loopcast::test
