// The a → b → a check shared by the switch tests on the rig: the recording shows loop a, then b,
// then a again, each switch where it was asked (stream time 0 ≈ `on_air`) and on a keyframe.
#pragma once
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <utility>
#include <vector>

#include "tests/support/flv_probe.hpp"
#include "tests/support/rig.hpp"

namespace loopcast::test {

// Returns the runs (loop index, first pts) for further checks.
inline std::vector<std::pair<int, double>> check_a_b_a(const MediaReport& rep, const Rig& rig, int width, int height,
                                                       std::chrono::steady_clock::time_point on_air,
                                                       std::chrono::steady_clock::time_point t_b,
                                                       std::chrono::steady_clock::time_point t_a, double key_tolerance) {
  auto ta = loop_thumbs(rig.loop_a(), width, height, 300);
  auto tb = loop_thumbs(rig.loop_b(), width, height, 300);
  REQUIRE(ta);
  REQUIRE(tb);
  REQUIRE(rep.thumbs.size() > 400);
  const auto runs = loop_runs(rep, {*ta, *tb});
  REQUIRE(runs.size() == 3);
  CHECK(runs[0].first == 0);
  CHECK(runs[1].first == 1);
  CHECK(runs[2].first == 0);
  const double want_b = std::chrono::duration<double>(t_b - on_air).count();
  const double want_a = std::chrono::duration<double>(t_a - on_air).count();
  CHECK(std::abs(runs[1].second - runs[0].second - want_b) < 1.5);
  CHECK(std::abs(runs[2].second - runs[0].second - want_a) < 1.5);
  // A viewer sees the new picture at once: each switch lands on a keyframe.
  for (int k = 1; k <= 2; ++k)
    CHECK_MESSAGE(keyframe_near(rep.video, runs[k].second, key_tolerance), "switch at " << runs[k].second << " is not on a keyframe");
  return runs;
}

}  // namespace loopcast::test
