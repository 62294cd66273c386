// The switch scheduler on its own: a fake clock, and a fake prepare whose jobs the test finishes
// (a one-packet cached loop stands in for an opened loop). No pipeline, no files, no sleeps.
#include <doctest/doctest.h>

#include <vector>

#include "control/switch_scheduler.hpp"
#include "tests/support/fake_clock.hpp"

using namespace loopcast;
using namespace std::chrono_literals;
using Prepared = SwitchScheduler::Prepared;

namespace {

std::unique_ptr<CachedLoop> fake_loop(const std::string& name) {
  std::vector<CachedPacket> packets;
  packets.push_back(CachedPacket{nullptr, 0, true});
  auto c = CachedLoop::create(name, std::move(packets), {1}, 250);
  REQUIRE(c);
  return std::move(*c);
}

struct FakePrepare {
  struct Call {
    std::shared_ptr<Prepared> prep;
    std::string path, art_url;
    bool splice = false;
  };
  std::vector<Call> calls;
  SwitchScheduler::PrepareFn fn() {
    return [this](std::shared_ptr<Prepared> p, const std::string& path, const std::string& art, bool splice, const TrackInfo&) {
      calls.push_back(Call{std::move(p), path, art, splice});
    };
  }
  void finish(size_t i, const std::string& error = {}) {
    REQUIRE(i < calls.size());
    Prepared& p = *calls[i].prep;
    MutexLock lk(p.mu);
    if (error.empty() && !calls[i].path.empty()) p.cached = fake_loop(calls[i].path);
    p.error = error;
    p.done = true;
  }
};

TrackInfo song(const std::string& artist, const std::string& title, const std::string& art = {}) {
  TrackInfo t;
  t.artist = artist;
  t.title = title;
  t.art = art;
  t.source = TrackSource::webhook;
  return t;
}

struct Rig {
  test::FakeClock clock;
  FakePrepare prepare;
  SwitchScheduler sched{"a", false, prepare.fn(), clock.fn()};
};

}  // namespace

TEST_CASE("switch scheduler: a delayed song switch is prepared at once and goes on air when due") {
  Rig r;
  r.sched.request("b", song("Artist", "Title"), 2s);
  CHECK(std::holds_alternative<std::monostate>(r.sched.poll(false)));
  REQUIRE(r.prepare.calls.size() == 1);
  CHECK(r.prepare.calls[0].path == "b");
  r.prepare.finish(0);
  r.clock.advance(1s);
  CHECK(std::holds_alternative<std::monostate>(r.sched.poll(false)));  // prepared, not due
  REQUIRE(r.sched.pending());
  CHECK(r.sched.pending()->loop == "b");
  CHECK(r.sched.pending()->in == doctest::Approx(1.0));
  r.clock.advance(1s);
  auto step = r.sched.poll(false);
  auto* sw = std::get_if<SwitchScheduler::Switch>(&step);
  REQUIRE(sw);
  CHECK(sw->loop == "b");
  CHECK(sw->text == "Artist \u2013 Title");
  CHECK(sw->cached);
  CHECK(r.sched.on_air() == "b");
  CHECK_FALSE(r.sched.pending());
  CHECK(std::holds_alternative<std::monostate>(r.sched.poll(false)));  // nothing left
}

TEST_CASE("switch scheduler: a burst of requests coalesces to the latest") {
  Rig r;
  for (const char* loop : {"b", "c", "d"}) r.sched.request(loop, song("X", loop), 0s);
  REQUIRE(r.sched.pending());
  CHECK(r.sched.pending()->loop == "d");
  CHECK(std::holds_alternative<std::monostate>(r.sched.poll(true)));
  REQUIRE(r.prepare.calls.size() == 1);  // only the latest is opened
  CHECK(r.prepare.calls[0].path == "d");
  CHECK(r.prepare.calls[0].splice);
  r.prepare.finish(0);
  auto step = r.sched.poll(true);
  REQUIRE(std::holds_alternative<SwitchScheduler::Switch>(step));
  CHECK(std::get<SwitchScheduler::Switch>(step).loop == "d");
}

TEST_CASE("switch scheduler: at most one switch per kMinSwitchInterval") {
  Rig r;
  r.sched.request("b", song("X", "1"), 0s);
  (void)r.sched.poll(false);
  r.prepare.finish(0);
  REQUIRE(std::holds_alternative<SwitchScheduler::Switch>(r.sched.poll(false)));
  r.sched.request("c", song("X", "2"), 0s);
  (void)r.sched.poll(false);
  r.prepare.finish(1);
  r.clock.advance(SwitchScheduler::kMinSwitchInterval - 1ms);
  CHECK(std::holds_alternative<std::monostate>(r.sched.poll(false)));
  CHECK(r.sched.on_air() == "b");
  r.clock.advance(1ms);
  auto step = r.sched.poll(false);
  REQUIRE(std::holds_alternative<SwitchScheduler::Switch>(step));
  CHECK(std::get<SwitchScheduler::Switch>(step).loop == "c");
}

TEST_CASE("switch scheduler: a loop that cannot be opened is refused and the loop on air stays") {
  Rig r;
  r.sched.request("broken", song("X", "Y"), 5s);
  (void)r.sched.poll(false);
  r.prepare.finish(0, "open loop 'broken': Invalid data found");
  auto step = r.sched.poll(false);  // refused at once, before it is due
  auto* refusal = std::get_if<SwitchScheduler::Refusal>(&step);
  REQUIRE(refusal);
  CHECK(refusal->error == "switch refused, keeping 'a': open loop 'broken': Invalid data found");
  CHECK(r.sched.on_air() == "a");
  CHECK_FALSE(r.sched.pending());
  CHECK(std::holds_alternative<std::monostate>(r.sched.poll(false)));
}

TEST_CASE("switch scheduler: a superseded prepare is reused for 5 s and keeps its loop for the next request") {
  Rig r;
  r.sched.request("b", song("X", "1"), 0s);
  (void)r.sched.poll(false);                   // prepare #0: b
  r.sched.request("c", song("X", "2"), 0s);    // supersedes b before it is ready
  (void)r.sched.poll(false);                   // prepare #1: c
  r.prepare.finish(0);                         // b is ready, but no job wants it now
  r.sched.request("b", song("X", "3"), 0s);
  auto step = r.sched.poll(false);
  REQUIRE(r.prepare.calls.size() == 2);        // b was not opened again
  auto* sw = std::get_if<SwitchScheduler::Switch>(&step);
  REQUIRE(sw);
  CHECK(sw->loop == "b");
  CHECK(sw->cached);                           // the superseded prepare's loop
  CHECK(sw->cached->source() == "b");

  // Past kPrepareReuse the old prepare of c is forgotten: c is opened afresh.
  r.clock.advance(SwitchScheduler::kPrepareReuse + 1s);
  r.sched.request("c", song("X", "4"), 0s);
  (void)r.sched.poll(false);
  REQUIRE(r.prepare.calls.size() == 3);
  CHECK(r.prepare.calls[2].path == "c");
}

TEST_CASE("switch scheduler: a loop handed over is not handed over twice") {
  Rig r;
  r.sched.request("b", song("X", "1"), 0s);
  (void)r.sched.poll(false);
  r.prepare.finish(0);
  REQUIRE(std::holds_alternative<SwitchScheduler::Switch>(r.sched.poll(false)));
  r.clock.advance(2s);
  r.sched.request("c", song("X", "2"), 0s);
  (void)r.sched.poll(false);
  r.prepare.finish(1);
  REQUIRE(std::holds_alternative<SwitchScheduler::Switch>(r.sched.poll(false)));
  r.clock.advance(2s);
  r.sched.request("b", song("X", "3"), 0s);  // within 5 s of b's prepare, but it went on air
  (void)r.sched.poll(false);
  CHECK(r.prepare.calls.size() == 3);        // so b is opened again
}

TEST_CASE("switch scheduler: the same loop with a new song changes only the text, without a prepare") {
  Rig r;
  TrackInfo manual;
  manual.source = TrackSource::api;
  r.sched.request("a", manual, 0s);  // the loop on air, no text: nothing to do
  CHECK_FALSE(r.sched.pending());
  CHECK(std::holds_alternative<std::monostate>(r.sched.poll(false)));
  r.sched.request("a", song("Artist", "New"), 0s);
  CHECK_FALSE(r.sched.pending());  // no loop is pending, only text
  auto step = r.sched.poll(false);
  auto* sw = std::get_if<SwitchScheduler::Switch>(&step);
  REQUIRE(sw);
  CHECK(sw->text == "Artist \u2013 New");
  CHECK_FALSE(sw->src);
  CHECK_FALSE(sw->cached);
  CHECK(r.prepare.calls.empty());
}

TEST_CASE("switch scheduler: cover art is prepared with the song, even on the same loop") {
  test::FakeClock clock;
  FakePrepare prepare;
  SwitchScheduler sched("a", true, prepare.fn(), clock.fn());
  sched.request("a", song("Artist", "Title", "http://127.0.0.1/art.jpg"), 0s);
  (void)sched.poll(false);
  REQUIRE(prepare.calls.size() == 1);
  CHECK(prepare.calls[0].path.empty());  // the loop on air stays
  CHECK(prepare.calls[0].art_url == "http://127.0.0.1/art.jpg");
  {
    Prepared& p = *prepare.calls[0].prep;
    MutexLock lk(p.mu);
    p.art_error = "cover art: timed out";
    p.done = true;
  }
  auto step = sched.poll(false);
  auto* sw = std::get_if<SwitchScheduler::Switch>(&step);
  REQUIRE(sw);
  CHECK(sw->art_error == "cover art: timed out");
  CHECK_FALSE(sw->art);
}

TEST_CASE("switch scheduler: a time edge is queued in due order and supersedes nothing") {
  Rig r;
  const auto t0 = r.clock.now();
  r.sched.request("b", song("X", "1"), 10s);
  CHECK(r.sched.add_edge("night", t0 + 5s));  // before the song's switch
  REQUIRE(r.sched.pending());
  CHECK(r.sched.pending()->loop == "night");
  CHECK_FALSE(r.sched.add_edge("b", t0 + 20s));  // b is on air by then anyway
  CHECK(r.sched.add_edge("day", t0 + 20s));
  r.clock.advance(5s);
  (void)r.sched.poll(false);
  r.prepare.finish(0);
  auto step = r.sched.poll(false);
  REQUIRE(std::holds_alternative<SwitchScheduler::Switch>(step));
  CHECK(std::get<SwitchScheduler::Switch>(step).loop == "night");
  CHECK(std::get<SwitchScheduler::Switch>(step).text.empty());  // the overlay keeps the song
  REQUIRE(r.sched.pending());
  CHECK(r.sched.pending()->loop == "b");  // the song's switch still waits
}
