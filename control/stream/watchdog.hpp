// Keeps a 24/7 stream alive without a person: judges the running pipeline from its progress
// (ended, died, stalled), times the retries of a failed automatic start, and bounds how long
// stopping a stuck pipeline may take. The Supervisor acts on its verdicts. Time comes in through
// `now`, and what happens to a stuck process through `on_stuck`, so tests need no real stall.
#pragma once
#include <chrono>
#include <functional>

#include "base/thread_annotations.hpp"
#include "engine/pipeline.hpp"

namespace loopcast {

enum class PipelineHealth {
  running,  // producing packets (or too young to judge)
  ended,    // finished by itself, cleanly (its duration was reached)
  died,     // finished with a fatal error: restart
  stalled,  // no packet for longer than the watchdog timeout: restart
};

// timeout <= 0: stall detection off. A pipeline younger than the timeout is never stalled.
PipelineHealth judge_pipeline(const PipelineStats& s, double timeout);

class Watchdog {
 public:
  using Clock = std::chrono::steady_clock;
  using NowFn = std::function<Clock::time_point()>;
  static constexpr Clock::duration kRetryAfter = std::chrono::seconds(5);  // a failed automatic start

  // Exits with code 70 (EX_SOFTWARE) for the service manager (Docker's restart policy, systemd)
  // to start a fresh process: a stuck process streams nothing anyway.
  static void exit_stuck();

  explicit Watchdog(double timeout, NowFn now = Clock::now, std::function<void()> on_stuck = exit_stuck);

  PipelineHealth check(const PipelineStats& s) const { return judge_pipeline(s, timeout_); }
  // A pipeline thread stuck in a blocking read (a loop on a dead mount, a pipe) cannot be
  // joined: runs `stop`, and calls on_stuck if it has not returned within stop_limit().
  void stop_or_exit(const std::function<void()>& stop) const;
  Clock::duration stop_limit() const;  // max(5 s, timeout)

  void retry_later() EXCLUDES(mu_);  // an automatic start failed: try again in kRetryAfter
  void cancel_retry() EXCLUDES(mu_);  // a stop: no automatic start pending
  bool retry_due() const EXCLUDES(mu_);

 private:
  const double timeout_;
  const NowFn now_;
  const std::function<void()> on_stuck_;
  mutable Mutex mu_;
  Clock::time_point retry_at_ GUARDED_BY(mu_){};  // epoch: none pending
};

}  // namespace loopcast
