// Issue 14 acceptance on the real rig: a loop window switches the picture on time without a song
// change, and a stream window closes and reopens the RTMP session by itself, cleanly each time.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/flv_probe.hpp"
#include "tests/support/rig.hpp"

using namespace loopcast::test;
namespace chr = std::chrono;
using SysClock = chr::system_clock;

namespace {
double since(SysClock::time_point from, SysClock::time_point to) { return chr::duration<double>(to - from).count(); }

// Loop identity runs (loop index, start pts) of a recording.
std::vector<std::pair<int, double>> runs_of(const MediaReport& rep, const std::vector<std::vector<Thumb>>& refs) {
  std::vector<std::pair<int, double>> runs;
  for (size_t i = 0; i < rep.thumbs.size(); ++i) {
    const int id = classify(rep.thumbs[i], refs);
    if (runs.empty() || runs.back().first != id) runs.emplace_back(id, rep.thumb_pts[i]);
  }
  return runs;
}
}  // namespace

TEST_CASE("schedule: a loop window switches a→b on time — a stream window stops and restarts the stream — two clean sessions") {
  Rig rig;
  const int port = free_tcp_port();
  const auto t0 = chr::time_point_cast<chr::seconds>(SysClock::now()) + chr::seconds(1);
  const auto loop_edge = t0 + chr::seconds(9), stop_at = t0 + chr::seconds(16), restart_at = t0 + chr::seconds(22);
  const std::string dir = make_temp_dir("loopcast-sched");
  std::ofstream(dir + "/mapping.json") << R"({"default": "a.mp4", "rules": [{"from": ")" << utc_hms(loop_edge) << R"(", "to": ")"
                                       << utc_hms(t0 + chr::hours(1)) << R"(", "loop": "b.mp4"}]})";
  const std::string schedule = "[{\"from\": \"" + utc_hms(t0 - chr::hours(1)) + "\", \"to\": \"" + utc_hms(stop_at) + "\"}, {\"from\": \"" +
                               utc_hms(restart_at) + "\", \"to\": \"" + utc_hms(t0 + chr::hours(1)) + "\"}]";
  Loopcast lc({"--loop", "a.mp4", "--loops-dir", rig.loops_dir(), "--mapping", dir + "/mapping.json", "--timezone", "UTC", "--schedule",
               schedule, "--audio", rig.icecast_url(), "--output", rig.rtmp_url("week"), "--http-port", std::to_string(port), "--size",
               "640x360", "--vbitrate", "800k"});  // the schedule is the point, not the size: light on a loaded machine
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return streaming(cli); }, 15), lc.log());
  const auto on_air = SysClock::now();
  REQUIRE(on_air < loop_edge - chr::seconds(2));  // the window opens well after the start

  // The coming changes, in order, with the zone's offset; status shows the next one.
  auto sched = cli.Get("/api/v1/schedule?days=1");
  REQUIRE(sched);
  CHECK(sched->status == 200);
  const auto b_at = sched->body.find("T" + utc_hms(loop_edge) + "+00:00\",\"what\":\"loop:b.mp4\"");
  const auto stop_pos = sched->body.find("T" + utc_hms(stop_at) + "+00:00\",\"what\":\"stop\"");
  const auto start_pos = sched->body.find("T" + utc_hms(restart_at) + "+00:00\",\"what\":\"start\"");
  CHECK_MESSAGE((b_at != std::string::npos && stop_pos != std::string::npos && start_pos != std::string::npos), sched->body);
  CHECK((b_at < stop_pos && stop_pos < start_pos));
  auto st = status(cli);
  REQUIRE(st.HasMember("schedule"));
  CHECK(std::string(st["schedule"]["timezone"].GetString()) == "UTC");
  CHECK(std::string(st["schedule"]["next_change"]["what"].GetString()) == "loop:b.mp4");
  CHECK(cli.Get("/api/v1/schedule?days=0")->status == 400);

  // The loop window opens on the wall clock; the switch is then judged in stream time (which a
  // loaded machine may run behind the wall clock) against status at the moment it showed b.
  REQUIRE_MESSAGE(wait_for([&] { return str(status(cli)["loop"]).find("b.mp4") != std::string::npos; }, 15), lc.log());
  const double b_seen_media = media_time(cli);
  CHECK(std::abs(since(loop_edge, SysClock::now())) < 1.5);

  // The stream stops by itself at the window's end and starts again at the next window.
  auto running = [&] {
    auto r = cli.Get("/api/v1/status");
    return r && r->body.find("\"running\":true") != std::string::npos;
  };
  REQUIRE_MESSAGE(wait_for([&] { return !running(); }, 25), lc.log());
  const auto stopped = SysClock::now();
  CHECK(std::abs(since(stop_at, stopped)) < 2.0);
  REQUIRE_MESSAGE(wait_for([&] { return running(); }, 15), lc.log());
  const auto restarted = SysClock::now();
  CHECK(std::abs(since(restart_at, restarted)) < 3.0);
  std::this_thread::sleep_for(chr::seconds(4));  // some of the second session
  REQUIRE(lc.terminate() == 0);
  REQUIRE(rig.wait_recordings_closed());  // nginx has finished both files before they are read

  const auto recs = rig.recordings();
  REQUIRE_MESSAGE(recs.size() == 2, lc.log());  // two RTMP sessions: the window closed and reopened
  auto ta = loop_thumbs(rig.loop_a(), 640, 360, 300);
  auto tb = loop_thumbs(rig.loop_b(), 640, 360, 300);
  REQUIRE(ta);
  REQUIRE(tb);
  auto first = probe_media(recs[0], true, false);
  REQUIRE_MESSAGE(first, (first ? "" : first.error()));
  CHECK_MESSAGE(first->video.decode_errors == 0, first->video.first_decode_error);
  CHECK_MESSAGE(first->video.dts_monotonic, first->video.first_violation);
  // No gap but the few frames a loaded machine's encoder drops to keep real time (never a stall).
  const auto gap = missing_frames(first->video, 30);
  REQUIRE_MESSAGE(gap, "a DTS step is not a whole number of frames");
  CHECK_MESSAGE(*gap * 50 <= static_cast<int64_t>(first->video.dts.size()), *gap << " frames missing");
  CHECK(first->video.max_dts_gap < 0.5);
  // The first session ends at the window's end (a clean end: the whole media, no gap).
  CHECK(std::abs(first->duration - since(on_air, stop_at)) < 2.0);
  const auto runs = runs_of(*first, {*ta, *tb});
  REQUIRE(runs.size() == 2);  // a, then b: the window opened once, with no song change
  CHECK(runs[0].first == 0);
  CHECK(runs[1].first == 1);
  const double b_on = runs[1].second - runs[0].second;
  MESSAGE("b on air at " << b_on << " s of stream time; status showed it at " << b_seen_media << " s");
  CHECK(b_on <= b_seen_media + 0.1);   // on air by the time status said so
  CHECK(b_on >= b_seen_media - 1.5);   // and not long before (status was polled at 50 ms)
  bool key = false;
  for (double kf : first->video.keyframes) key |= std::abs(kf - runs[1].second) < 0.05;
  CHECK_MESSAGE(key, "the window's switch at " << runs[1].second << " is not on a keyframe");

  // The second session starts clean: at 0, on a keyframe, still on the window's loop.
  auto second = probe_media(recs[1], true, false);
  REQUIRE_MESSAGE(second, (second ? "" : second.error()));
  CHECK_MESSAGE(second->video.decode_errors == 0, second->video.first_decode_error);
  CHECK(second->video.start < 0.1);
  REQUIRE_FALSE(second->video.keyframes.empty());
  CHECK(second->video.keyframes.front() <= second->video.start + 0.001);
  CHECK_MESSAGE(second->video.dts_monotonic, second->video.first_violation);
  CHECK(second->duration > 2.0);
  const auto runs2 = runs_of(*second, {*ta, *tb});
  REQUIRE_FALSE(runs2.empty());
  CHECK(runs2.size() == 1);
  CHECK(runs2[0].first == 1);
  CHECK_MESSAGE(lc.log().find("schedule: the stream window closes") != std::string::npos, lc.log());  // said why
}
