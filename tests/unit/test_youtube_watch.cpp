// The YouTube watch against the loopback fake, in process: it sees health and issues, puts a new
// broadcast on air when YouTube ends one, stops at an exhausted quota, survives garbage, follows the
// song in the title within its rate limit, and stops promptly. It only ever reports to the controller.
#include <doctest/doctest.h>

#include <chrono>

#include "api/youtube/youtube_watch.hpp"
#include "base/redact.hpp"
#include "tests/support/fake_controller.hpp"
#include "tests/support/fake_youtube.hpp"
#include "tests/support/proc.hpp"

using namespace loopcast;
using loopcast::test::FakeController;
using loopcast::test::FakeYouTube;
using loopcast::test::wait_for;

namespace {
constexpr const char* kKey = "wxyz-0000-fake-key";

YouTubeWatchOptions options(const FakeYouTube& yt) {
  YouTubeWatchOptions o;
  o.cfg.enabled = true;
  o.cfg.poll = 0.2;
  o.cfg.quota = 10000000;  // a budget that pays for a day of 0.2 s polls: no pacing in these tests
  o.cfg.api_url = yt.api_url();
  o.cfg.oauth_url = yt.oauth_url();
  o.cfg.client_id = FakeYouTube::kClientId;
  o.cfg.client_secret = FakeYouTube::kClientSecret;
  o.cfg.refresh_token = FakeYouTube::kRefreshToken;
  o.stream_key = kKey;
  o.station = "Radio Test";
  o.io_timeout = 3;
  o.backoff = Backoff{0.2, 1.5, 1.0};
  return o;
}

YouTubeStatus yt_status(const FakeController& ctl) { return ctl.status().youtube; }
}  // namespace

TEST_CASE("youtube watch: shows the stream, its health and the live broadcast with its viewers") {
  FakeYouTube yt(kKey);
  FakeController ctl;
  YouTubeWatch w(ctl, options(yt));
  ctl.attach(&w);
  w.start();
  REQUIRE_MESSAGE(wait_for([&] { return yt_status(ctl).state == "ok" && yt_status(ctl).viewers == 42; }, 5), yt_status(ctl).last_error);
  YouTubeStatus s = yt_status(ctl);
  CHECK(s.stream_status == "active");
  CHECK(s.health == "good");
  CHECK(s.broadcast_id == "B1");
  CHECK(s.lifecycle == "live");
  CHECK(s.quota_budget == 10000000);
  CHECK(s.quota_used > 0);
  CHECK_FALSE(s.quota_reset.empty());
  yt.set_health("bad", {"bitrateLow"});
  REQUIRE(wait_for([&] { return yt_status(ctl).health == "bad"; }, 3));
  s = yt_status(ctl);
  REQUIRE(s.issues.size() == 1);
  CHECK(s.issues[0].type == "bitrateLow");
  CHECK(s.state == "ok");  // bad health is shown, not acted on: the ingest is loopcast's own business
  const auto t0 = std::chrono::steady_clock::now();
  w.stop();
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
  CHECK(yt_status(ctl).state == "off");
}

TEST_CASE("youtube watch: YouTube ends the broadcast → a new one is inserted, bound and live within the target") {
  FakeYouTube yt(kKey);
  FakeController ctl;
  YouTubeWatch w(ctl, options(yt));
  ctl.attach(&w);
  w.start();
  REQUIRE(wait_for([&] { return yt_status(ctl).state == "ok"; }, 5));
  yt.end_broadcast("B1");
  const auto ended = std::chrono::steady_clock::now();
  REQUIRE(wait_for([&] { return yt_status(ctl).state == "recovering" || yt_status(ctl).recoveries > 0; }, 5));
  REQUIRE_MESSAGE(wait_for([&] { return yt_status(ctl).recoveries == 1 && yt_status(ctl).state == "ok"; }, 10), yt_status(ctl).last_error);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - ended).count();
  MESSAGE("back on air " << took << " s after YouTube ended the broadcast (poll 0.2 s)");
  CHECK(took < 120);
  const std::string live = yt.live_broadcast_id();
  REQUIRE_FALSE(live.empty());
  CHECK(live != "B1");
  const auto b = yt.broadcasts().at(live);
  CHECK(b.title == "Radio Test \u2013 24/7");
  CHECK(b.privacy == "unlisted");
  CHECK(yt.calls("liveBroadcasts.insert") == 1);
  CHECK(yt.calls("liveBroadcasts.bind") == 1);
  CHECK(yt.calls("liveBroadcasts.transition") == 1);
  const YouTubeStatus s = yt_status(ctl);
  CHECK(s.broadcast_id == live);
  CHECK(s.lifecycle == "live");
  CHECK_FALSE(s.last_recovery.empty());
  CHECK(s.last_recovery_seconds < 120);
  CHECK(s.quota_used == yt.units());  // every call counted at its cost
  CHECK(ctl.calls_copy().empty());    // never asked the stream to do anything
}

TEST_CASE("youtube watch: a broadcast that is ready waits for an active ingest before going live") {
  FakeYouTube yt(kKey);
  yt.end_broadcast("B1", "revoked");
  yt.set_stream_status("inactive");
  FakeController ctl;
  YouTubeWatch w(ctl, options(yt));
  ctl.attach(&w);
  w.start();
  REQUIRE(wait_for([&] { return yt.calls("liveBroadcasts.bind") == 1; }, 5));
  REQUIRE(wait_for([&] { return yt_status(ctl).last_error.find("waits for the ingest") != std::string::npos; }, 3));
  CHECK(yt.calls("liveBroadcasts.transition") == 0);
  CHECK(yt_status(ctl).state == "recovering");
  yt.set_stream_status("active");
  REQUIRE(wait_for([&] { return yt_status(ctl).state == "ok"; }, 5));
  CHECK(yt.calls("liveBroadcasts.insert") == 1);  // the one it made, not another
}

TEST_CASE("youtube watch: quota exhausted → state quota_exhausted, no more calls — garbage → error, then ok") {
  FakeYouTube yt(kKey);
  FakeController ctl;
  YouTubeWatch w(ctl, options(yt));
  ctl.attach(&w);
  w.start();
  REQUIRE(wait_for([&] { return yt_status(ctl).state == "ok"; }, 5));
  yt.set_garbage(2);
  REQUIRE(wait_for([&] { return yt_status(ctl).state == "error"; }, 3));
  CHECK(yt_status(ctl).last_error.find("(bad_answer)") != std::string::npos);
  REQUIRE(wait_for([&] { return yt_status(ctl).state == "ok"; }, 5));
  yt.set_quota_exceeded(true);
  REQUIRE(wait_for([&] { return yt_status(ctl).state == "quota_exhausted"; }, 3));
  const int calls = yt.api_calls();
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  CHECK(yt.api_calls() == calls);  // waits for the reset at midnight Pacific
  CHECK(yt_status(ctl).last_error.find("quotaExceeded") != std::string::npos);
}

TEST_CASE("youtube watch: a refresh token that is refused is an error state, and no secret shows") {
  FakeYouTube yt(kKey);
  yt.set_refresh_refused(true);
  FakeController ctl;
  YouTubeWatch w(ctl, options(yt));
  ctl.attach(&w);
  w.start();
  REQUIRE(wait_for([&] { return yt_status(ctl).state == "error"; }, 5));
  const YouTubeStatus s = yt_status(ctl);
  CHECK(s.last_error.find("invalid_grant") != std::string::npos);
  CHECK(s.last_error.find("youtube-auth") != std::string::npos);
  CHECK(redact_text(std::string("x ") + FakeYouTube::kRefreshToken).find(FakeYouTube::kRefreshToken) == std::string::npos);
  CHECK(redact_text(std::string("x ") + FakeYouTube::kClientSecret).find(FakeYouTube::kClientSecret) == std::string::npos);
  CHECK(redact_text(std::string("x ") + kKey).find(kKey) == std::string::npos);
}

TEST_CASE("youtube watch: the title follows the song, rate-limited, and skips what the quota reserve needs") {
  FakeYouTube yt(kKey);
  FakeController ctl;
  ctl.snapshot.track.text = "Air \u2013 Sexy Boy";
  yt.set_description("B1", "Our station, all day. Schedule: example.org");
  auto o = options(yt);
  o.cfg.song_title = true;
  o.cfg.song_interval = 1;
  YouTubeWatch w(ctl, o);
  ctl.attach(&w);
  w.start();
  REQUIRE(wait_for([&] { return yt_status(ctl).title_updates == 1; }, 5));
  CHECK(yt.broadcasts().at("B1").title == "Radio Test \u2013 24/7 \u2013 Air \u2013 Sexy Boy");
  // The update replaces the snippet whole: the operator's description is sent back, not lost.
  CHECK(yt.broadcasts().at("B1").description == "Our station, all day. Schedule: example.org");
  {
    std::lock_guard lk(ctl.mu);
    ctl.snapshot.track.text = "Daft Punk \u2013 Digital Love";
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(yt_status(ctl).title_updates == 1);  // not before song_interval
  REQUIRE(wait_for([&] { return yt_status(ctl).title_updates == 2; }, 3));
  CHECK(yt.calls("liveBroadcasts.update") == 2);
  w.stop();

  // A small budget: the reserve for a day of polls leaves nothing for titles.
  FakeYouTube small(kKey);
  FakeController ctl2;
  ctl2.snapshot.track.text = "Air \u2013 Sexy Boy";
  auto o2 = options(small);
  o2.cfg.song_title = true;
  o2.cfg.quota = 200;  // a recovery's 150 + this poll's units + 50 > 200, at any hour
  o2.cfg.poll = 30;
  YouTubeWatch w2(ctl2, o2);
  ctl2.attach(&w2);
  w2.start();
  REQUIRE(wait_for([&] { return yt_status(ctl2).skipped_updates == 1; }, 5));
  CHECK(small.calls("liveBroadcasts.update") == 0);
  CHECK(yt_status(ctl2).state == "ok");
}

TEST_CASE("youtube watch: the stream key comes from the ingest URL, the title template is filled in") {
  CHECK(youtube_stream_key({"out.flv", "rtmps://a.rtmps.youtube.com:443/live2/abcd-efgh"}, "env") == "abcd-efgh");
  CHECK(youtube_stream_key({"out.flv"}, "env-key") == "env-key");
  CHECK(render_title("{station} \u2013 {date}", "R", "2026-12-06", "", false) == "R \u2013 2026-12-06");
  CHECK(render_title("<b>{station}</b>", "R", "", "S", true) == "bR/b \u2013 S");
  const std::string long_song(300, 'x');
  CHECK(render_title("{song}", "", "", long_song, true).size() == 100);
}

TEST_CASE("youtube watch: two streams of one OAuth client count against one budget") {
  FakeYouTube yt(kKey);
  FakeController one, two;
  YouTubeWatch w1(one, options(yt));
  one.attach(&w1);
  YouTubeWatch w2(two, options(yt));
  two.attach(&w2);
  w1.start();
  w2.start();
  REQUIRE(wait_for([&] { return yt_status(one).state == "ok" && yt_status(two).state == "ok" && yt.api_calls() >= 6; }, 5));
  w1.stop();
  w2.stop();
  // The process's one budget for this client holds every unit the API charged, both watches' calls.
  auto budget = shared_quota(FakeYouTube::kClientId, yt.api_url(), 1);
  CHECK(budget->budget() == 10000000);
  CHECK(budget.use_count() == 3);  // the two watches and this look
  CHECK(budget->used(std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now())) == yt.units());
}
