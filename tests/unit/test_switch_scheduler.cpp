// The switch scheduler on its own: a fake clock, and a fake prepare whose jobs the test finishes
// (a one-packet cached loop stands in for an opened loop). No pipeline, no files, no sleeps.
#include <doctest/doctest.h>

#include <vector>

#include "control/stream/switch_scheduler.hpp"
#include "tests/support/fake_clock.hpp"

using namespace loopcast;
using namespace std::chrono_literals;
using Prepared = PreparedLoop;

namespace {

std::unique_ptr<CachedLoop> fake_loop(const std::string& name) {
  std::vector<CachedPacket> packets;
  packets.push_back(CachedPacket{nullptr, 0, true});
  auto c = CachedLoop::create(name, std::move(packets), {1}, 250);
  REQUIRE(c);
  return std::move(*c);
}

LoopRef L(const char* written) { return LoopRef::parse(written); }

struct FakePrepare final : LoopPreparer {
  struct Call {
    std::shared_ptr<Prepared> prep;
    std::string path, art_url;
    bool splice = false;
  };
  std::vector<Call> calls;
  std::shared_ptr<Prepared> prepare(PrepareOrder o) override {
    calls.push_back(Call{std::make_shared<Prepared>(), o.loop.location(), o.art_url, o.splice});
    return calls.back().prep;
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
  SwitchScheduler sched{L("a"), false, prepare, clock.fn()};
};

}  // namespace

TEST_CASE("switch scheduler: a delayed song switch is prepared at once and goes on air when due") {
  Rig r;
  r.sched.request(L("b"), song("Artist", "Title"), 2s);
  CHECK(std::holds_alternative<std::monostate>(r.sched.poll(false)));
  REQUIRE(r.prepare.calls.size() == 1);
  CHECK(r.prepare.calls[0].path == "b");
  r.prepare.finish(0);
  r.clock.advance(1s);
  CHECK(std::holds_alternative<std::monostate>(r.sched.poll(false)));  // prepared, not due
  REQUIRE(r.sched.pending());
  CHECK(r.sched.pending()->loop == L("b"));
  CHECK(r.sched.pending()->in == doctest::Approx(1.0));
  r.clock.advance(1s);
  auto step = r.sched.poll(false);
  auto* sw = std::get_if<SwitchScheduler::Switch>(&step);
  REQUIRE(sw);
  CHECK(sw->loop == L("b"));
  CHECK(sw->text == "Artist \u2013 Title");
  CHECK(sw->cached);
  CHECK(r.sched.on_air() == L("b"));
  CHECK_FALSE(r.sched.pending());
  CHECK(std::holds_alternative<std::monostate>(r.sched.poll(false)));  // nothing left
}

TEST_CASE("switch scheduler: a burst of requests coalesces to the latest") {
  Rig r;
  for (const char* loop : {"b", "c", "d"}) r.sched.request(L(loop), song("X", loop), 0s);
  REQUIRE(r.sched.pending());
  CHECK(r.sched.pending()->loop == L("d"));
  CHECK(std::holds_alternative<std::monostate>(r.sched.poll(true)));
  REQUIRE(r.prepare.calls.size() == 1);  // only the latest is opened
  CHECK(r.prepare.calls[0].path == "d");
  CHECK(r.prepare.calls[0].splice);
  r.prepare.finish(0);
  auto step = r.sched.poll(true);
  REQUIRE(std::holds_alternative<SwitchScheduler::Switch>(step));
  CHECK(std::get<SwitchScheduler::Switch>(step).loop == L("d"));
}

TEST_CASE("switch scheduler: at most one switch per kMinSwitchInterval") {
  Rig r;
  r.sched.request(L("b"), song("X", "1"), 0s);
  (void)r.sched.poll(false);
  r.prepare.finish(0);
  REQUIRE(std::holds_alternative<SwitchScheduler::Switch>(r.sched.poll(false)));
  r.sched.request(L("c"), song("X", "2"), 0s);
  (void)r.sched.poll(false);
  r.prepare.finish(1);
  r.clock.advance(SwitchScheduler::kMinSwitchInterval - 1ms);
  CHECK(std::holds_alternative<std::monostate>(r.sched.poll(false)));
  CHECK(r.sched.on_air() == L("b"));
  r.clock.advance(1ms);
  auto step = r.sched.poll(false);
  REQUIRE(std::holds_alternative<SwitchScheduler::Switch>(step));
  CHECK(std::get<SwitchScheduler::Switch>(step).loop == L("c"));
}

TEST_CASE("switch scheduler: a loop that cannot be opened is refused and the loop on air stays") {
  Rig r;
  r.sched.request(L("broken"), song("X", "Y"), 5s);
  (void)r.sched.poll(false);
  r.prepare.finish(0, "open loop 'broken': Invalid data found");
  auto step = r.sched.poll(false);  // refused at once, before it is due
  auto* refusal = std::get_if<SwitchScheduler::Refusal>(&step);
  REQUIRE(refusal);
  CHECK(refusal->error == "switch refused, keeping 'a': open loop 'broken': Invalid data found");
  CHECK(r.sched.on_air() == L("a"));
  CHECK_FALSE(r.sched.pending());
  CHECK(std::holds_alternative<std::monostate>(r.sched.poll(false)));
}

TEST_CASE("switch scheduler: a superseded prepare is reused for 5 s and keeps its loop for the next request") {
  Rig r;
  r.sched.request(L("b"), song("X", "1"), 0s);
  (void)r.sched.poll(false);                   // prepare #0: b
  r.sched.request(L("c"), song("X", "2"), 0s);    // supersedes b before it is ready
  (void)r.sched.poll(false);                   // prepare #1: c
  r.prepare.finish(0);                         // b is ready, but no job wants it now
  r.sched.request(L("b"), song("X", "3"), 0s);
  auto step = r.sched.poll(false);
  REQUIRE(r.prepare.calls.size() == 2);        // b was not opened again
  auto* sw = std::get_if<SwitchScheduler::Switch>(&step);
  REQUIRE(sw);
  CHECK(sw->loop == L("b"));
  CHECK(sw->cached);                           // the superseded prepare's loop
  CHECK(sw->cached->source() == "b");

  // Past kPrepareReuse the old prepare of c is forgotten: c is opened afresh.
  r.clock.advance(SwitchScheduler::kPrepareReuse + 1s);
  r.sched.request(L("c"), song("X", "4"), 0s);
  (void)r.sched.poll(false);
  REQUIRE(r.prepare.calls.size() == 3);
  CHECK(r.prepare.calls[2].path == "c");
}

TEST_CASE("switch scheduler: a loop handed over is not handed over twice") {
  Rig r;
  r.sched.request(L("b"), song("X", "1"), 0s);
  (void)r.sched.poll(false);
  r.prepare.finish(0);
  REQUIRE(std::holds_alternative<SwitchScheduler::Switch>(r.sched.poll(false)));
  r.clock.advance(2s);
  r.sched.request(L("c"), song("X", "2"), 0s);
  (void)r.sched.poll(false);
  r.prepare.finish(1);
  REQUIRE(std::holds_alternative<SwitchScheduler::Switch>(r.sched.poll(false)));
  r.clock.advance(2s);
  r.sched.request(L("b"), song("X", "3"), 0s);  // within 5 s of b's prepare, but it went on air
  (void)r.sched.poll(false);
  CHECK(r.prepare.calls.size() == 3);        // so b is opened again
}

TEST_CASE("switch scheduler: the same loop with a new song changes only the text, without a prepare") {
  Rig r;
  TrackInfo manual;
  manual.source = TrackSource::api;
  r.sched.request(L("a"), manual, 0s);  // the loop on air, no text: nothing to do
  CHECK_FALSE(r.sched.pending());
  CHECK(std::holds_alternative<std::monostate>(r.sched.poll(false)));
  r.sched.request(L("a"), song("Artist", "New"), 0s);
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
  SwitchScheduler sched(L("a"), true, prepare, clock.fn());
  sched.request(L("a"), song("Artist", "Title", "http://127.0.0.1/art.jpg"), 0s);
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
  r.sched.request(L("b"), song("X", "1"), 10s);
  CHECK(r.sched.add_edge(L("night"), t0 + 5s));  // before the song's switch
  REQUIRE(r.sched.pending());
  CHECK(r.sched.pending()->loop == L("night"));
  CHECK_FALSE(r.sched.add_edge(L("b"), t0 + 20s));  // b is on air by then anyway
  CHECK(r.sched.add_edge(L("day"), t0 + 20s));
  r.clock.advance(5s);
  (void)r.sched.poll(false);
  r.prepare.finish(0);
  auto step = r.sched.poll(false);
  REQUIRE(std::holds_alternative<SwitchScheduler::Switch>(step));
  CHECK(std::get<SwitchScheduler::Switch>(step).loop == L("night"));
  CHECK(std::get<SwitchScheduler::Switch>(step).text.empty());  // the overlay keeps the song
  REQUIRE(r.sched.pending());
  CHECK(r.sched.pending()->loop == L("b"));  // the song's switch still waits
}
