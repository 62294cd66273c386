// Issue 13 on the real rig: a splice stream (pre-encoded loops copied, only audio encoded) through
// loop wraps and two switches is one RTMP session with monotonic DTS, keyframes <= 2 s apart, one
// sequence header, the picture changing at each switch, and decodes cleanly from any keyframe.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <chrono>
#include <string>
#include <thread>

#include "base/av.hpp"
#include "tests/integration/run_loopcast.hpp"
#include "tests/integration/switch_checks.hpp"
#include "tests/support/flv_probe.hpp"
#include "tests/support/rig.hpp"
#include "tests/support/sequence_headers.hpp"

using namespace loopcast;
using namespace loopcast::test;
using Clock = std::chrono::steady_clock;

TEST_CASE("splice mode: wraps and switches in one session, clean cuts, one sequence header, decodable from every keyframe") {
  Rig rig;
  const loopcast::test::TempDir cache_tmp("splice-cache");
  const std::string& cache = cache_tmp.path;
  // Encode both loops once (320x180: the splice is the point, and the prepare stays well inside its
  // 120 s under stress-ng --cpu 2, which two 640x360 loops did not; the same flags go to run).
  const std::vector<std::string> profile{"--size", "320x180", "--vbitrate", "400k", "--cache-dir", cache};
  prepare_loops(rig.loops_dir(), profile, cache + "/prepare.log");

  const int port = free_tcp_port();
  std::vector<std::string> args{"--video-mode", "splice", "--loop", "a.mp4", "--loops-dir", rig.loops_dir(), "--audio", rig.icecast_url(),
                                "--output", rig.rtmp_url("splice"), "--duration", "20", "--http-port", std::to_string(port),
                                "--api-token", "t0k-spl"};
  args.insert(args.end(), profile.begin(), profile.end());
  Loopcast lc(args);
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return streaming(cli); }, 20), lc.log());
  const auto on_air = Clock::now();
  auto st = cli.Get("/api/v1/status");
  REQUIRE(st);
  CHECK(st->body.find("\"video_mode\":\"splice\"") != std::string::npos);
  auto metrics = cli.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("loopcast_video_mode{stream=\"main\",mode=\"splice\"} 1") != std::string::npos);

  const AbaSwitches sw = switch_b_then_a(cli, "t0k-spl", on_air);  // a (wrapping at 10 s) → b → a
  REQUIRE_MESSAGE(lc.wait(30) == 0, lc.log());
  REQUIRE(rig.wait_recordings_closed());  // nginx has finished the file before it is read

  const auto recs = rig.recordings();
  REQUIRE(recs.size() == 1);  // one RTMP session through the wraps and both switches
  auto rep = probe_media(recs[0], true, false);
  REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()));
  CHECK(rep->video.width == 320);
  CHECK_MESSAGE(rep->video.dts_monotonic, rep->video.first_violation);
  CHECK(rep->video.max_dts_gap <= 1.0 / 30 + 0.002);
  CHECK(rep->video.max_keyframe_interval <= 2.0 + 0.002);
  CHECK_MESSAGE(rep->audio.dts_monotonic, rep->audio.first_violation);
  CHECK(changed_sequence_headers(recs[0]) == 0);

  REQUIRE(rep->thumbs.size() > 500);
  // A splice cut comes up to 3 frames (B-frames) after the switch is applied.
  const auto runs = check_a_b_a(*rep, rig, 320, 180, sw.b, sw.a, 0.14, 0.02);  // a (wrapping at 10 s) → b → a

  // Decodes without a single error from the start and from keyframes around the wrap and switches.
  // (Not "-ss 0": ffmpeg's seek to 0 lands before the first B-frames' references, in encode mode too.)
  for (double from : {-1.0, 1.0, 9.0, runs[1].second - 0.5, runs[1].second + 1.0, runs[2].second - 0.2, 18.5}) {
    const std::string seek = from < 0 ? "" : fmt::format("-ss {:.3f}", from);
    auto r = run_cmd(fmt::format("ffmpeg -nostdin -v error -xerror {} -i {} -f null - 2>&1", seek, shell_quote(recs[0])));
    CHECK_MESSAGE(r.code == 0, "from " << from << ": " << r.output);
    CHECK_MESSAGE(r.output.empty(), "from " << from << ": " << r.output);
  }
}

TEST_CASE("video mode auto: encodes until the start loop is cached, splices from the next start, drawing keeps it encoding") {
  const loopcast::test::TempDir dir_tmp("splice-auto");
  const std::string& dir = dir_tmp.path;
  const std::string loop = std::string(LOOPCAST_SOURCE_DIR) + "/tests/fixtures/loop_1s_25fps.mp4";
  auto mode_of_run = [&](const std::string& name, bool await_build, std::vector<std::string> extra) {
    const int port = free_tcp_port();
    std::vector<std::string> args{"--video-mode", "auto", "--cache-dir", dir + "/cache", "--loop", loop, "--size", "320x180",
                                  "--vbitrate", "300k", "--output", dir + "/" + name + ".flv", "--http-port", std::to_string(port)};
    args.insert(args.end(), extra.begin(), extra.end());
    Loopcast lc(args);
    auto cli = api(port);
    std::string mode;
    REQUIRE_MESSAGE(wait_for([&] {
      auto d = status(cli);
      if (!d.IsObject() || !d.HasMember("video_frames") || d["video_frames"].GetUint64() == 0) return false;
      mode = d["video_mode"].GetString();
      return true;
    }, 20), lc.log());
    // The background build of the start loop finishes while this session keeps its path.
    if (await_build) CHECK_MESSAGE(wait_for([&] { return lc.log().find("cached:") != std::string::npos; }, 60), lc.log());
    CHECK(std::string(status(cli)["video_mode"].GetString()) == mode);
    CHECK(lc.terminate() == 0);
    return mode;
  };
  CHECK(mode_of_run("first", true, {}) == "encode");    // not cached yet: this session encodes
  CHECK(mode_of_run("second", false, {}) == "splice");  // cached meanwhile: the next start splices
  CHECK(mode_of_run("fade", false, {"--crossfade", "0.5"}) == "encode");  // per-frame drawing needs pixels
  auto rep = probe_media(dir + "/second.flv", false, false);
  REQUIRE(rep);
  CHECK(rep->video.dts_monotonic);
  CHECK(rep->video.max_keyframe_interval <= 2.0 + 0.002);
}
