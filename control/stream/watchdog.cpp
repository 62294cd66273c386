#include "control/stream/watchdog.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <thread>

#include "base/log.hpp"

namespace loopcast {

PipelineHealth judge_pipeline(const PipelineStats& s, double timeout) {
  if (s.finished) return s.error.empty() ? PipelineHealth::ended : PipelineHealth::died;
  if (timeout > 0 && s.wall_seconds > timeout && s.last_packet_age > timeout) return PipelineHealth::stalled;
  return PipelineHealth::running;
}

void Watchdog::exit_stuck() {
  log::error("control", "the stuck pipeline did not stop; exiting (code 70) for the service manager to restart loopcast");
  std::_Exit(70);
}

Watchdog::Watchdog(double timeout, NowFn now, std::function<void()> on_stuck)
    : timeout_(timeout), now_(std::move(now)), on_stuck_(std::move(on_stuck)) {}

Watchdog::Clock::duration Watchdog::stop_limit() const {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(std::max(5.0, timeout_)));
}

void Watchdog::stop_or_exit(const std::function<void()>& stop) const {
  std::atomic<bool> stopped{false};
  std::thread guard([&stopped, this, until = now_() + stop_limit()] {
    while (!stopped && now_() < until) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (!stopped) on_stuck_();
  });
  stop();
  stopped = true;
  guard.join();
}

void Watchdog::retry_later() {
  MutexLock lk(mu_);
  retry_at_ = now_() + kRetryAfter;
}

void Watchdog::cancel_retry() {
  MutexLock lk(mu_);
  retry_at_ = {};
}

bool Watchdog::retry_due() const {
  MutexLock lk(mu_);
  return retry_at_ != Clock::time_point{} && now_() >= retry_at_;
}

}  // namespace loopcast
