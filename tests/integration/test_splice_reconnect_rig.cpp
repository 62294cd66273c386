// README: in splice mode too, a lost ingest is reconnected inside the pipeline. Each new RTMP
// session must start on a keyframe (a splice stream copies pre-encoded pictures: it cannot make
// one up) with its own monotonic timestamps, and decode cleanly.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/flv_probe.hpp"
#include "tests/support/rig.hpp"

using namespace loopcast::test;

namespace {
std::string output_state(httplib::Client& cli) {
  auto d = status(cli);
  return d.IsObject() && d.HasMember("outputs") && d["outputs"].IsArray() && d["outputs"].Size() == 1 ? str(d["outputs"][0]["state"]) : "";
}
}  // namespace

TEST_CASE("splice mode: the ingest goes away and comes back — two sessions, each from a keyframe, monotonic, decodable") {
  Rig rig;
  TempDir tmp("loopcast-splice-rc");
  const std::string loops = tmp.path + "/loops";
  std::filesystem::create_directories(loops);
  std::filesystem::copy_file(rig.loop_a(), loops + "/a.mp4");
  const std::vector<std::string> profile{"--size", "320x180", "--vbitrate", "300k", "--cache-dir", tmp.path + "/cache"};
  prepare_loops(loops, profile, tmp.path + "/prepare.log");

  const int port = free_tcp_port();
  std::vector<std::string> args{"--video-mode", "splice", "--loop", "a.mp4", "--loops-dir", loops, "--audio", rig.icecast_url(), "--output",
                                rig.rtmp_url("src"), "--http-port", std::to_string(port), "--io-timeout", "3"};
  args.insert(args.end(), profile.begin(), profile.end());
  Loopcast lc(args);
  auto cli = api(port);
  REQUIRE_MESSAGE(wait_for([&] { return streaming(cli) && output_state(cli) == "live"; }, 20), lc.log());
  CHECK(str(status(cli)["video_mode"]) == "splice");
  std::this_thread::sleep_for(std::chrono::seconds(4));
  rig.stop_nginx();
  CHECK_MESSAGE(wait_for([&] { return output_state(cli) == "reconnecting"; }, 8), lc.log());
  std::this_thread::sleep_for(std::chrono::seconds(2));
  rig.start_nginx();
  REQUIRE_MESSAGE(wait_for([&] { return output_state(cli) == "live"; }, 15), lc.log());
  std::this_thread::sleep_for(std::chrono::seconds(5));
  CHECK(str(status(cli)["video_mode"]) == "splice");  // still copying, not fallen back to encoding
  CHECK(status(cli)["restarts"].GetUint64() == 0);     // reconnected inside the pipeline
  CHECK(lc.terminate() == 0);
  REQUIRE(rig.wait_recordings_closed());

  const auto recs = rig.recordings();
  REQUIRE(recs.size() == 2);  // before the ingest went away and after it came back
  for (const auto& r : recs) {
    CAPTURE(r);
    auto rep = probe_media(r, true, true);
    REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()));
    const auto& v = rep->video;
    REQUIRE_FALSE(v.keyframes.empty());
    CHECK(v.keyframes.front() <= v.start + 0.001);  // the session's first picture is a keyframe
    REQUIRE_FALSE(v.pts.empty());
    CHECK(v.keyframes.front() == v.pts.front());     // and it is the first packet
    CHECK_MESSAGE(v.dts_monotonic, v.first_violation);
    CHECK_MESSAGE(rep->audio.dts_monotonic, rep->audio.first_violation);
    CHECK_MESSAGE(v.decode_errors == 0, v.first_decode_error);
    CHECK_MESSAGE(rep->audio.decode_errors == 0, rep->audio.first_decode_error);
    CHECK(v.max_keyframe_interval <= 2.0 + 0.002);
    CHECK(rep->duration > 2.0);
  }
}
