// A switch request's ticket (what a caller waits on instead of polling status) and the LoopOpener
// that prepares switches on threads it owns: real fixture files, no pipeline.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "control/stream/loop_opener.hpp"
#include "control/stream/switch_scheduler.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/support/fixtures.hpp"

using namespace loopcast;
using loopcast::test::fixture;
using namespace std::chrono_literals;
using Outcome = SwitchTicket::Outcome;

namespace {

LoopOpenerSettings settings() {
  LoopOpenerSettings s;
  s.format = VideoFormat{320, 180, AV_PIX_FMT_YUV420P, 25, FitMode::contain};
  s.fallback = fixture("loop_1s_25fps.mp4");
  return s;
}

// Until `prep` is done, at most `limit`.
bool done_within(PreparedLoop& prep, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    {
      MutexLock lk(prep.mu);
      if (prep.done) return true;
    }
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

TrackInfo song(const std::string& title) {
  TrackInfo t;
  t.artist = "Artist";
  t.title = title;
  t.source = TrackSource::webhook;
  return t;
}
}  // namespace

TEST_CASE("switch ticket: the first outcome wins and a waiter wakes when it is told") {
  SwitchTicket t(false);
  CHECK(t.wait(10ms) == Outcome::pending);  // nothing yet: the wait times out
  std::thread teller([&] {
    std::this_thread::sleep_for(30ms);
    t.settle(Outcome::on_air);
  });
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(t.wait(5s) == Outcome::on_air);
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);  // woken, not timed out
  teller.join();
  t.settle(Outcome::refused, "too late");
  CHECK(t.outcome() == Outcome::on_air);
  CHECK(t.detail().empty());
}

TEST_CASE("switch scheduler tickets: on air, superseded, refused, and none for the loop on air") {
  test::FakeClock clock;
  LoopOpener opener(settings());
  SwitchScheduler sched(LoopRef::parse(fixture("loop_1s_25fps.mp4")), false, opener, clock.fn());

  // Asking for the loop on air without a song queues nothing.
  TrackInfo manual;
  manual.source = TrackSource::api;
  CHECK_FALSE(sched.request(LoopRef::parse(fixture("loop_1s_25fps.mp4")), manual, 0s));

  auto first = sched.request(LoopRef::parse(fixture("ramp_2s_24fps.mp4")), song("One"), 2s);
  REQUIRE(first);
  CHECK(first->delayed());
  auto second = sched.request(LoopRef::parse(fixture("still.mp4")), song("Two"), 0s);
  REQUIRE(second);
  CHECK_FALSE(second->delayed());
  CHECK(first->outcome() == Outcome::superseded);
  CHECK(second->outcome() == Outcome::pending);

  // The opener opens still.mp4 on its own thread; the scheduler hands it over when it is ready.
  SwitchScheduler::Step step;
  for (int i = 0; i < 400 && !std::holds_alternative<SwitchScheduler::Switch>(step); ++i) {
    step = sched.poll(false);
    if (!std::holds_alternative<SwitchScheduler::Switch>(step)) std::this_thread::sleep_for(5ms);
  }
  auto* sw = std::get_if<SwitchScheduler::Switch>(&step);
  REQUIRE(sw);
  CHECK(sw->src);  // opened for real
  CHECK(sw->loop.name() == "still.mp4");
  CHECK(second->wait(1s) == Outcome::on_air);

  clock.advance(2s);
  auto broken = sched.request(LoopRef::parse(fixture("corrupt.mp4")), song("Three"), 0s);
  REQUIRE(broken);
  for (int i = 0; i < 400 && broken->outcome() == Outcome::pending; ++i) {
    (void)sched.poll(false);
    std::this_thread::sleep_for(5ms);
  }
  CHECK(broken->outcome() == Outcome::refused);
  CHECK(broken->detail().rfind("switch refused, keeping '", 0) == 0);
  CHECK(broken->detail().find("corrupt.mp4") != std::string::npos);
  CHECK(sched.on_air().name() == "still.mp4");
}

TEST_CASE("loop opener: opens files on its own threads, says why a loop fails, never draws '@art' unresolved") {
  LoopOpener opener(settings());
  auto good = opener.prepare(PrepareOrder{LoopRef::parse(fixture("loop_1s_25fps.mp4")), "", false, {}});
  auto missing = opener.prepare(PrepareOrder{LoopRef::parse(fixture("no-such-loop.mp4")), "", false, {}});
  auto art = opener.prepare(PrepareOrder{LoopRef::parse("@art"), "", false, {}});
  for (auto* p : {good.get(), missing.get(), art.get()}) REQUIRE(done_within(*p, 10s));
  {
    MutexLock lk(good->mu);
    CHECK(good->src);
    CHECK(good->error.empty());
  }
  {
    MutexLock lk(missing->mu);
    CHECK_FALSE(missing->src);
    CHECK(missing->error.find("no-such-loop.mp4") != std::string::npos);
  }
  {
    MutexLock lk(art->mu);
    CHECK_FALSE(art->src);
    CHECK(art->error.find("@art") != std::string::npos);
  }
}

TEST_CASE("loop opener: a scene whose cover cannot be fetched shows the default loop") {
  LoopOpener opener(settings());
  auto prep = opener.prepare(PrepareOrder{LoopRef::scene("http://127.0.0.1:9/none.jpg", "A – B"), "", false, song("B")});
  REQUIRE(done_within(*prep, 15s));
  MutexLock lk(prep->mu);
  CHECK(prep->error.empty());
  REQUIRE(prep->src);  // the fallback loop, never a black picture
}

TEST_CASE("loop opener: going away with jobs queued answers them and waits for none of them") {
  std::vector<std::shared_ptr<PreparedLoop>> preps;
  const auto t0 = std::chrono::steady_clock::now();
  {
    LoopOpener opener(settings());
    for (int i = 0; i < 12; ++i) preps.push_back(opener.prepare(PrepareOrder{LoopRef::parse(fixture("ramp_2s_30fps.mkv")), "", false, {}}));
  }
  CHECK(std::chrono::steady_clock::now() - t0 < 10s);
  for (auto& p : preps) {
    MutexLock lk(p->mu);
    CHECK(p->done);  // opened, or told the stream is stopping: nobody waits forever
    CHECK((p->src || p->error == "the stream is stopping"));
  }
}
