// Issue 4 acceptance on the real rig: AzuraCast webhooks switch the background inside one RTMP
// session, seamlessly, and the recording proves which loop was on air when.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/integration/recording_checks.hpp"
#include "tests/integration/run_loopcast.hpp"
#include "tests/integration/switch_checks.hpp"
#include "tests/support/flv_probe.hpp"
#include "tests/support/rig.hpp"
#include "tests/support/fixtures.hpp"

using namespace loopcast::test;
using Clock = std::chrono::steady_clock;

TEST_CASE("AzuraCast webhooks switch the loop in one RTMP session, on time, with an IDR and no gap") {
  Rig rig;
  const int port = free_tcp_port();
  Loopcast lc({"--loop", "a.mp4", "--loops-dir", rig.loops_dir(), "--mapping", fixture("mapping_rig.json"), "--audio", rig.icecast_url(),
               "--output", rig.rtmp_url("switch"), "--duration", "18", "--http-port", std::to_string(port), "--api-token", "t0k-123",
               "--webhook-user", "azuracast", "--webhook-password", "hook-pw", "--size", "1280x720", "--vbitrate", "2000k"});
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return streaming(cli); }, 15), lc.log());
  const auto on_air = Clock::now();
  const httplib::Headers basic = {httplib::make_basic_authentication_header("azuracast", "hook-pw")};
  // "On time" in stream time, which a starved machine may run behind the wall clock: a switch goes
  // on air after the media time at its request and no later than when status first reports it.
  auto switched = [&](uint64_t n) { return wait_for([&] { return status(cli)["switches"].GetUint64() == n; }, 10); };

  std::this_thread::sleep_until(on_air + std::chrono::seconds(5));
  auto no_auth = cli.Post("/webhook/azuracast", read_text(fixture("azuracast_song_b.json")), "application/json");
  REQUIRE(no_auth);
  CHECK(no_auth->status == 401);
  const double b_asked = media_time(cli);
  const auto t_b = Clock::now();
  auto r1 = cli.Post("/webhook/azuracast", basic, read_text(fixture("azuracast_song_b.json")), "application/json");
  REQUIRE(r1);
  CHECK(r1->status == 202);
  CHECK(std::chrono::duration<double>(Clock::now() - t_b).count() < 0.5);  // answers fast
  REQUIRE_MESSAGE(switched(1), lc.log());
  const double b_seen = media_time(cli);
  // AzuraCast may POST the same song every cycle: the repeat is recognised, nothing is queued.
  auto r2 = cli.Post("/webhook/azuracast", basic, read_text(fixture("azuracast_song_b.json")), "application/json");
  REQUIRE(r2);
  CHECK(r2->status == 202);
  auto st = status(cli);
  CHECK(st["track_changes"].GetUint64() == 1);  // a second accepted change would mean the repeat was not ignored
  CHECK(st["switches"].GetUint64() == 1);
  CHECK(std::string(st["loop"].GetString()).find("b.mp4") != std::string::npos);
  CHECK(std::string(st["track"]["artist"].GetString()) == "Röyksopp");

  std::this_thread::sleep_until(on_air + std::chrono::seconds(11));
  const double a_asked = media_time(cli);
  auto r3 = cli.Post("/webhook/azuracast", basic, read_text(fixture("azuracast_song_a.json")), "application/json");
  REQUIRE(r3);
  CHECK(r3->status == 202);
  REQUIRE_MESSAGE(switched(2), lc.log());
  const double a_seen = media_time(cli);
  REQUIRE_MESSAGE(lc.wait(30) == 0, lc.log());
  CHECK(rig.wait_recordings_closed());

  const auto recs = rig.recordings();
  REQUIRE(recs.size() == 1);  // the RTMP session survived both switches
  auto rep = probe_media(recs[0], true, false);
  REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()));
  CHECK_MESSAGE(rep->video.dts_monotonic, rep->video.first_violation);
  // No gap, not even at the switches: only frames the pipeline reported dropping are missing.
  check_gaps_are_reported(rep->video, lc.log());
  CHECK_MESSAGE(rep->audio.dts_monotonic, rep->audio.first_violation);

  check_a_b_a(*rep, rig, 1280, 720, {b_asked, b_seen}, {a_asked, a_seen}, 0.04, 0.05);
}
