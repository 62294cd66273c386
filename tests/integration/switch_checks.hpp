// The a → b → a check shared by the switch tests on the rig: the recording shows loop a, then b,
// then a again, each switch on a keyframe and on time in stream time (which a starved machine may
// run behind the wall clock): after the media time of its request, no later than when status
// first reported it (+ `late`: one frame, or the splice path's cut delay).
#pragma once
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/flv_probe.hpp"
#include "tests/support/rig.hpp"

namespace loopcast::test {

// Returns the runs (loop index, first pts) for further checks.
struct SwitchWindow {
  double asked = 0;  // status output_seconds when the switch was requested
  double seen = 0;   // ... when status first counted it
};

inline std::vector<std::pair<int, double>> check_a_b_a(const MediaReport& rep, const Rig& rig, int width, int height, SwitchWindow b,
                                                       SwitchWindow a, double late, double key_tolerance) {
  auto ta = loop_thumbs(rig.loop_a(), width, height, 300);
  auto tb = loop_thumbs(rig.loop_b(), width, height, 300);
  REQUIRE(ta);
  REQUIRE(tb);
  REQUIRE(rep.thumbs.size() > 400);
  CHECK_MESSAGE(rep.video.decode_errors == 0, rep.video.first_decode_error);  // every picture decodes, across both switches
  const auto runs = loop_runs(rep, {*ta, *tb});
  REQUIRE(runs.size() == 3);
  CHECK(runs[0].first == 0);
  CHECK(runs[1].first == 1);
  CHECK(runs[2].first == 0);
  // Stream time 0 is the first frame (the muxer may shift all timestamps by the B-frame delay).
  const double b_on = runs[1].second - runs[0].second, a_on = runs[2].second - runs[0].second;
  MESSAGE("b: asked at " << b.asked << " s, on air at " << b_on << " s, reported at " << b.seen << " s; a: asked at " << a.asked
                         << " s, on air at " << a_on << " s, reported at " << a.seen << " s (stream time)");
  CHECK(b_on >= b.asked - 0.04);
  CHECK(b_on <= b.seen + late);
  CHECK(a_on >= a.asked - 0.04);
  CHECK(a_on <= a.seen + late);
  // A viewer sees the new picture at once: each switch lands on a keyframe.
  for (int k = 1; k <= 2; ++k)
    CHECK_MESSAGE(keyframe_near(rep.video, runs[k].second, key_tolerance), "switch at " << runs[k].second << " is not on a keyframe");
  return runs;
}

// POST /api/v1/track {"loop": NAME} with the API token: true when the switch was taken (202).
inline bool switch_loop(httplib::Client& cli, const std::string& token, const std::string& loop) {
  const httplib::Headers auth = {{"Authorization", "Bearer " + token}};
  auto r = cli.Post("/api/v1/track", auth, "{\"loop\":\"" + loop + "\"}", "application/json");
  return r && r->status == 202;
}

// The a → b → a drive of the splice tests, from the moment the stream went on air: b at 11.5 s
// (after loop a's first wrap at 10 s), a again at 16 s, each waited for in status.
struct AbaSwitches {
  SwitchWindow b, a;
};
inline AbaSwitches switch_b_then_a(httplib::Client& cli, const std::string& token, std::chrono::steady_clock::time_point on_air) {
  AbaSwitches w;
  auto switched = [&](uint64_t n) { return wait_for([&] { return status(cli)["switches"].GetUint64() == n; }, 10); };
  std::this_thread::sleep_until(on_air + std::chrono::milliseconds(11500));
  w.b.asked = media_time(cli);
  REQUIRE(switch_loop(cli, token, "b"));
  REQUIRE(switched(1));
  w.b.seen = media_time(cli);
  std::this_thread::sleep_until(on_air + std::chrono::milliseconds(16000));
  w.a.asked = media_time(cli);
  REQUIRE(switch_loop(cli, token, "a"));
  REQUIRE(switched(2));
  w.a.seen = media_time(cli);
  return w;
}

}  // namespace loopcast::test
