// The watchdog on its own: verdicts from pipeline progress, retry timing and the bounded stop,
// with a fake clock and a fake "exit" (no pipeline, no real stall).
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "control/stream/watchdog.hpp"
#include "tests/support/fake_clock.hpp"

using namespace loopcast;
using namespace std::chrono_literals;

namespace {
PipelineStats progress(double wall, double packet_age) {
  PipelineStats s;
  s.wall_seconds = wall;
  s.last_packet_age = packet_age;
  return s;
}
}  // namespace

TEST_CASE("watchdog: verdicts from the pipeline's progress") {
  CHECK(judge_pipeline(progress(60, 0.1), 10) == PipelineHealth::running);
  CHECK(judge_pipeline(progress(60, 10.5), 10) == PipelineHealth::stalled);
  CHECK(judge_pipeline(progress(8, 8), 10) == PipelineHealth::running);     // too young to judge
  CHECK(judge_pipeline(progress(600, 500), 0) == PipelineHealth::running);  // timeout 0: off
  PipelineStats done = progress(30, 0);
  done.finished = true;
  CHECK(judge_pipeline(done, 10) == PipelineHealth::ended);
  done.error = "encode video: Invalid argument";
  CHECK(judge_pipeline(done, 10) == PipelineHealth::died);
  CHECK(judge_pipeline(done, 0) == PipelineHealth::died);
}

TEST_CASE("watchdog: a failed automatic start is retried after 5 s, and a stop cancels it") {
  test::FakeClock clock;
  Watchdog wd(10, clock.fn(), [] { FAIL("not stuck"); });
  CHECK_FALSE(wd.retry_due());
  wd.retry_later();
  clock.advance(Watchdog::kRetryAfter - 1ms);
  CHECK_FALSE(wd.retry_due());
  clock.advance(1ms);
  CHECK(wd.retry_due());
  wd.cancel_retry();
  CHECK_FALSE(wd.retry_due());
}

TEST_CASE("watchdog: a stop that returns in time never exits") {
  test::FakeClock clock;
  std::atomic<int> stuck{0};
  Watchdog wd(10, clock.fn(), [&] { ++stuck; });
  bool stopped = false;
  wd.stop_or_exit([&] {
    clock.advance(9s);
    stopped = true;
  });
  CHECK(stopped);
  CHECK(stuck == 0);
}

TEST_CASE("watchdog: a stop stuck past max(5 s, timeout) exits for the service manager") {
  for (double timeout : {2.0, 12.0}) {
    CAPTURE(timeout);
    test::FakeClock clock;
    std::atomic<int> stuck{0};
    Watchdog wd(timeout, clock.fn(), [&] { ++stuck; });
    const auto limit = timeout < 5 ? 5s : 12s;
    CHECK(wd.stop_limit() == limit);
    wd.stop_or_exit([&] {
      clock.advance(limit - 100ms);
      std::this_thread::sleep_for(200ms);  // the guard looks several times: not yet
      CHECK(stuck == 0);
      clock.advance(200ms);
      for (int i = 0; i < 100 && stuck == 0; ++i) std::this_thread::sleep_for(20ms);
    });
    CHECK(stuck == 1);
  }
}
