// The AzuraCast feed against a loopback AzuraCast that speaks the real protocol (REST + Centrifugo
// SSE) and misbehaves on request. "Undisturbed" here means the feed only ever hands over songs:
// no start, stop or restart reaches the controller, whatever the server does.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <memory>
#include <thread>

#include "api/azuracast_feed.hpp"
#include "control/stream/stream.hpp"
#include "control/stream/supervisor.hpp"
#include "tests/support/fake_azuracast.hpp"
#include "tests/support/fake_controller.hpp"
#include "tests/support/proc.hpp"

using namespace loopcast;
using loopcast::test::FakeAzuraCast;
using loopcast::test::FakeController;
using Mode = FakeAzuraCast::Mode;

namespace {
const std::string kSongA = FakeAzuraCast::fixture("azuracast_song_a.json");  // Daft Punk - One More Time
const std::string kSongB = FakeAzuraCast::fixture("azuracast_song_b.json");  // Röyksopp
const std::string kSongC = FakeAzuraCast::fixture("azuracast_live_dj.json"); // Justice - D.A.N.C.E.

// Short timeouts: a silent live feed is noticed 1 s past its 1 s ping interval.
FeedOptions fast(const FakeAzuraCast& az, const std::string& station = "") {
  return FeedOptions{az.base_url(), station.empty() ? az.station() : station, 1.0, 0.3, 0.05, Backoff{0.1, 2.0, 0.5}};
}

template <class F>
bool wait_until(F done, double seconds = 20) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

TriggerStatus trigger(const Controller& c) { return c.status().trigger; }

// A loopback station playing song A, its live feed and REST in the given modes, and a feed on it
// handing songs to a FakeController (the feed goes first at scope exit, then the server).
struct Station {
  explicit Station(Mode live = Mode::normal, Mode rest = Mode::normal) {
    az.play(kSongA);
    az.set_live_mode(live);
    az.set_rest_mode(rest);
  }
  AzuraCastFeed& follow(const std::string& station = "") { return follow(fast(az, station)); }
  AzuraCastFeed& follow(const FeedOptions& opts) {
    feed = std::make_unique<AzuraCastFeed>(ctl, opts);
    ctl.attach(feed.get());
    feed->start();
    return *feed;
  }
  FakeAzuraCast az;
  FakeController ctl;
  std::unique_ptr<AzuraCastFeed> feed;
};

int songs(const FakeController& c, const std::string& title, const std::string& source = "") {
  std::lock_guard lk(c.mu);
  int n = 0;
  for (const auto& t : c.tracks) n += t.title == title && (source.empty() || to_string(t.source) == source);
  return n;
}

bool only_songs(const FakeController& c) {
  for (const auto& call : c.calls_copy())
    if (call != "track") return false;
  return true;
}

// A loops directory holding a.mp4 and b.mp4, for tests through the real Supervisor.
std::string loops_a_b() {
  const std::string dir = test::make_temp_dir("loopcast-feed");
  for (const char* name : {"a.mp4", "b.mp4"})
    std::filesystem::copy_file(std::string(LOOPCAST_SOURCE_DIR) + "/tests/fixtures/loop_1s_25fps.mp4", dir + "/" + name);
  return dir;
}

bool error_says(const Controller& c, const std::string& text) { return trigger(c).last_error.find(text) != std::string::npos; }
}  // namespace

TEST_CASE("feed: the REST call at start hands over the song before anything else — the live feed then follows") {
  Station st;
  st.follow();
  FakeAzuraCast& az = st.az;
  FakeController& ctl = st.ctl;
  {
    std::lock_guard lk(ctl.mu);
    REQUIRE(ctl.tracks.size() >= 1);  // start() returns with the song already handed over
    CHECK(ctl.tracks[0].title == "One More Time");
    CHECK(to_string(ctl.tracks[0].source) == "azuracast-rest");
    CHECK(ctl.tracks[0].sh_id == 1201);
  }
  CHECK(az.rest_calls() == 1);
  REQUIRE(wait_until([&] { return trigger(ctl).state == TriggerState::live; }));
  az.play(kSongB);
  REQUIRE(wait_until([&] { return songs(ctl, "Eple", "azuracast-sse") == 1; }));
  az.play(kSongC);  // in order: once C is here, every hand-over of B has happened
  REQUIRE(wait_until([&] { return songs(ctl, "D.A.N.C.E.") == 1; }));
  CHECK(songs(ctl, "Eple") == 1);
  CHECK(az.rest_calls() == 1);  // no polling while the live feed is up
  const TriggerStatus t = trigger(ctl);
  CHECK(t.source == "azuracast");
  CHECK(t.station == "loopcast_fm");
  CHECK(t.url == az.base_url());
  CHECK(t.last_error.empty());
  CHECK(t.updates >= 3);
  CHECK(t.last_update.size() == 20);  // 2026-11-26T04:00:00Z
  CHECK(only_songs(ctl));
  st.feed->stop();
  CHECK(trigger(ctl).state == TriggerState::off);
}

TEST_CASE("feed: through the Supervisor, repeats are ignored as for the webhook and the state shows in status") {
  const std::string dir = loops_a_b();
  AppConfig cfg;
  cfg.engine.loop = dir + "/a.mp4";
  cfg.control.loops_dir = dir;
  cfg.control.mapping_file = std::string(LOOPCAST_SOURCE_DIR) + "/tests/fixtures/mapping_rig.json";
  FakeAzuraCast az;  // outlives the stream and its feed
  az.play(kSongA);
  auto sup = std::make_shared<Supervisor>(cfg);  // never started: switches apply to the loop the next start uses
  Stream stream("main", sup);
  auto feed = std::make_shared<AzuraCastFeed>(*sup, fast(az));
  stream.add(feed);
  feed->start();
  CHECK(to_string(stream.status().track.source) == "azuracast-rest");
  REQUIRE(wait_until([&] { return stream.status().trigger.state == TriggerState::live; }));
  CHECK(to_string(stream.status().track.source) == "azuracast-rest");  // the connect message's A was a repeat
  az.play(kSongB);
  REQUIRE(wait_until([&] { return stream.status().loop == dir + "/b.mp4"; }));
  CHECK(to_string(stream.status().track.source) == "azuracast-sse");
  REQUIRE(stream.switch_loop("a"));
  REQUIRE(wait_until([&] { return stream.status().loop == dir + "/a.mp4"; }));
  const uint64_t before = stream.status().trigger.updates;
  az.play(kSongB);  // the same play of B again (same sh_id): ignored, the manual loop stays
  REQUIRE(wait_until([&] { return stream.status().trigger.updates > before; }));
  const StatusSnapshot s = stream.status();
  CHECK(s.pending_loop.empty());
  CHECK(s.loop == dir + "/a.mp4");
  CHECK(s.state == StreamState::stopped);
}

TEST_CASE("feed: its songs wait the switch delay minus their lateness (played_at), like the webhook's") {
  const std::string dir = loops_a_b();
  AppConfig cfg;
  cfg.engine.loop = dir + "/a.mp4";
  cfg.control.loops_dir = dir;
  cfg.control.switch_delay = 10;
  auto sup = std::make_shared<Supervisor>(cfg);
  auto song = [](int sh_id, int late, const char* loop) {
    return fmt::format(R"({{"now_playing":{{"sh_id":{},"played_at":{},"song":{{"artist":"Late","title":"T{}","custom_fields":{{"loop":"{}"}}}}}}}})",
                       sh_id, static_cast<long long>(std::time(nullptr)) - late, sh_id, loop);
  };
  FakeAzuraCast az;
  az.play(song(1, 4, "b"));  // started 4 s ago on the station: on screen in ~6 s
  Stream stream("main", sup);
  auto feed = std::make_shared<AzuraCastFeed>(*sup, fast(az));
  stream.add(feed);
  feed->start();  // a delayed switch is not waited for
  StatusSnapshot s = stream.status();
  CHECK(s.pending_loop == dir + "/b.mp4");
  CHECK(s.pending_in == doctest::Approx(6).epsilon(0.15));
  REQUIRE(wait_until([&] { return stream.status().trigger.state == TriggerState::live; }));
  az.play(song(2, 7, "b"));  // the live feed: same rule
  REQUIRE(wait_until([&] { return stream.status().track.title == "T2"; }));
  s = stream.status();
  CHECK(to_string(s.track.source) == "azuracast-sse");
  CHECK(s.pending_loop == dir + "/b.mp4");
  CHECK(s.pending_in == doctest::Approx(3).epsilon(0.3));
  CHECK(s.loop == dir + "/a.mp4");  // not yet
}

TEST_CASE("feed: a live feed that stalls mid-stream is noticed, polled over, and resumed") {
  Station st(Mode::stall);  // connect message, then silence: no pings, no data
  st.follow();
  FakeAzuraCast& az = st.az;
  FakeController& ctl = st.ctl;
  REQUIRE(wait_until([&] { return error_says(ctl, "no data for 2s"); }));
  REQUIRE(wait_until([&] { return trigger(ctl).state == TriggerState::polling; }));
  az.play(kSongB);  // while the live feed is stalled, polling brings the new song
  REQUIRE(wait_until([&] { return songs(ctl, "Eple", "azuracast-rest") >= 1; }));
  az.set_live_mode(Mode::normal);
  REQUIRE(wait_until([&] { return trigger(ctl).state == TriggerState::live; }));
  CHECK(trigger(ctl).reconnects >= 1);
  CHECK(only_songs(ctl));
}

TEST_CASE("feed: stop() returns promptly while the live feed and a REST call both stall") {
  Station st(Mode::stall);
  FeedOptions opts = fast(st.az);
  opts.io_timeout = 5;  // long waits: only stop can cut them short
  st.follow(opts);
  REQUIRE(wait_until([&] { return trigger(st.ctl).state == TriggerState::live; }));  // connected, now stalled
  st.az.set_rest_mode(Mode::stall);
  const auto t0 = std::chrono::steady_clock::now();
  st.feed->stop();
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK_MESSAGE(took < 1.0, "stop took " << took << " s");
  CHECK(trigger(st.ctl).state == TriggerState::off);
}

TEST_CASE("feed: dropped connections are retried with backoff, the last error kept") {
  Station st(Mode::drop);  // connect message, then the connection is cut
  st.follow();
  FakeAzuraCast& az = st.az;
  FakeController& ctl = st.ctl;
  REQUIRE(wait_until([&] { return trigger(ctl).reconnects >= 3 && az.live_connects() >= 3; }));
  CHECK_MESSAGE(error_says(ctl, "live feed"), trigger(ctl).last_error);
  CHECK(songs(ctl, "One More Time") >= 1);
  CHECK(songs(ctl, "Eple") == 0);
  CHECK(only_songs(ctl));
}

TEST_CASE("feed: garbage on the live feed or from REST is an error in status, never a song") {
  Station st(Mode::garbage, Mode::garbage);
  st.follow();
  FakeAzuraCast& az = st.az;
  FakeController& ctl = st.ctl;
  // One last_error for both channels: each error comes back (REST is polled, the feed retried).
  REQUIRE(wait_until([&] { return error_says(ctl, "REST") && error_says(ctl, "invalid JSON"); }));
  REQUIRE(wait_until([&] { return error_says(ctl, "live feed: invalid JSON at offset 0"); }));
  CHECK(trigger(ctl).state == TriggerState::reconnecting);  // live feed down and REST failing
  CHECK(ctl.calls_copy().empty());
  az.set_rest_mode(Mode::normal);  // REST recovers: polling takes over
  REQUIRE(wait_until([&] { return trigger(ctl).state == TriggerState::polling && songs(ctl, "One More Time") >= 1; }));
  CHECK(only_songs(ctl));
}

TEST_CASE("feed: an HTML error page is named as one, on the live feed and from REST") {
  Station st(Mode::html, Mode::html);
  st.follow();
  FakeController& ctl = st.ctl;
  REQUIRE(wait_until([&] { return error_says(ctl, "REST") && error_says(ctl, "expected json, got 'text/html"); }));
  REQUIRE(wait_until([&] { return error_says(ctl, "live feed: expected text/event-stream, got 'text/html"); }));
  CHECK(ctl.calls_copy().empty());
}

TEST_CASE("feed: an unknown station is a 404 naming it — a 404 live endpoint is polled over") {
  Station st;
  FakeAzuraCast& az = st.az;
  FakeController& ctl = st.ctl;
  st.follow("nope");
  CHECK_MESSAGE(error_says(ctl, "404 Not Found (is 'nope' the station's shortcode?)"), trigger(ctl).last_error);
  CHECK(trigger(ctl).last_error.find("/api/nowplaying/nope") != std::string::npos);
  REQUIRE(wait_until([&] { return trigger(ctl).state == TriggerState::live; }));  // subscribed; nothing ever comes
  CHECK(ctl.calls_copy().empty());
  st.feed.reset();
  az.set_live_mode(Mode::not_found);  // an AzuraCast without the live feed
  st.follow();
  REQUIRE(wait_until([&] { return error_says(ctl, "live feed") && error_says(ctl, "404 Not Found"); }));
  const int polls = az.rest_calls();
  az.play(kSongB);
  REQUIRE(wait_until([&] { return songs(ctl, "Eple", "azuracast-rest") == 1 && az.rest_calls() > polls; }));
  CHECK(trigger(ctl).state == TriggerState::polling);
}

TEST_CASE("feed: credentials in the AzuraCast URL never reach status or errors") {
  Station st;
  FeedOptions opts = fast(st.az, "nope");
  opts.base_url.insert(opts.base_url.find("://") + 3, "radio:hunter2@");
  st.follow(opts);
  const TriggerStatus t = trigger(st.ctl);
  CHECK(t.last_error.find("404 Not Found") != std::string::npos);
  CHECK(t.last_error.find("hunter2") == std::string::npos);
  CHECK(t.url.find("hunter2") == std::string::npos);
  CHECK(t.url.find("127.0.0.1") != std::string::npos);
}

TEST_CASE("feed: a live feed that only ever pings is given up on and polled over") {
  Station st(Mode::ping_only);
  st.follow();
  FakeAzuraCast& az = st.az;
  FakeController& ctl = st.ctl;
  REQUIRE(wait_until([&] { return error_says(ctl, "no connect message within 1s (only pings)"); }));
  az.play(kSongB);
  REQUIRE(wait_until([&] { return songs(ctl, "Eple", "azuracast-rest") == 1; }));
  CHECK(only_songs(ctl));
}

TEST_CASE("feed: after a pipeline restart the REST API is asked again") {
  Station st;
  st.follow();
  FakeAzuraCast& az = st.az;
  FakeController& ctl = st.ctl;
  REQUIRE(wait_until([&] { return trigger(ctl).state == TriggerState::live; }));
  CHECK(az.rest_calls() == 1);
  {
    std::lock_guard lk(ctl.mu);
    ++ctl.snapshot.restarts;
  }
  REQUIRE(wait_until([&] { return az.rest_calls() == 2 && songs(ctl, "One More Time", "azuracast-rest") == 2; }));
}

TEST_CASE("feed: a REST answer older than the song on air is not handed over") {
  // Through the feed: the station's REST answer is song A (played_at 1764040215); the controller
  // already has a song on air that started ten minutes later (say the webhook brought it).
  Station st;
  {
    std::lock_guard lk(st.ctl.mu);
    st.ctl.snapshot.track.title = "Newer";
    st.ctl.snapshot.track.played_at = 1764040215 + 600;
  }
  st.follow();
  REQUIRE(wait_until([&] { return trigger(st.ctl).state == TriggerState::live; }));
  CHECK(st.az.rest_calls() == 1);                                     // REST was asked and answered...
  CHECK(songs(st.ctl, "One More Time", "azuracast-rest") == 0);       // ...and its stale song not handed over
  {  // a restart asks REST again: still stale, still not handed over
    std::lock_guard lk(st.ctl.mu);
    ++st.ctl.snapshot.restarts;
  }
  REQUIRE(wait_until([&] { return st.az.rest_calls() == 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(songs(st.ctl, "One More Time", "azuracast-rest") == 0);
  // The live feed's next song is newer news and goes through as usual.
  st.az.play(kSongB);
  REQUIRE(wait_until([&] { return songs(st.ctl, "Eple", "azuracast-sse") == 1; }));
  CHECK(only_songs(st.ctl));
}

TEST_CASE("feed: older_than compares start times, and an unknown start is never stale") {
  TrackInfo on_air, cached;
  on_air.played_at = 1764040215;
  cached.played_at = 1764040000;
  CHECK(older_than(cached, on_air));
  CHECK_FALSE(older_than(on_air, cached));
  CHECK_FALSE(older_than(cached, TrackInfo{}));  // unknown start: never called stale
  CHECK_FALSE(older_than(TrackInfo{}, on_air));
}
