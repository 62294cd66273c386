// A configured crossfade blends the old loop into the new one over the given time instead of
// cutting: the picture's brightness walks from one plateau to the other, frame by frame.
#include <doctest/doctest.h>

#include <thread>

#include "engine/pipeline.hpp"
#include "tests/support/flv_probe.hpp"
#include "tests/support/proc.hpp"

using namespace loopcast;
using namespace loopcast::test;

TEST_CASE("a 1 s crossfade blends sunset into ocean over ~30 frames, in one continuous stream") {
  const std::string out = make_temp_dir("loopcast-fade") + "/fade.flv";
  EngineConfig cfg;
  cfg.loop = std::string(LOOPCAST_SOURCE_DIR) + "/assets/loops/sunset.mp4";
  cfg.outputs = {out};
  cfg.width = 320;
  cfg.height = 180;
  cfg.video_bitrate = 800'000;
  cfg.preset = "ultrafast";
  cfg.crossfade = 1.0;
  cfg.duration = 4;
  auto p = Pipeline::create(cfg);
  REQUIRE_MESSAGE(p, (p ? "" : p.error()));
  (*p)->start();
  REQUIRE(wait_for([&] { return (*p)->stats().video_frames >= 30; }, 5));
  auto next = LoopSource::open(std::string(LOOPCAST_SOURCE_DIR) + "/assets/loops/ocean.mp4", VideoFormat{320, 180, AV_PIX_FMT_YUV420P});
  REQUIRE(next);
  (*p)->switch_to(std::move(*next));
  REQUIRE(wait_for([&] { return (*p)->stats().finished; }, 10));
  CHECK((*p)->stats().switches == 1);
  (*p)->stop();

  auto rep = probe_media(out, true, false);
  REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()));
  CHECK(rep->video.dts_monotonic);
  const auto& y = rep->luma;
  REQUIRE(y.size() >= 110);
  const double bright = y[10];             // sunset, before the switch
  const double dark = y[y.size() - 5];     // ocean, well after the fade
  REQUIRE(bright - dark > 40);             // the two loops really differ
  int between = 0, largest_step = 0;
  for (size_t i = 1; i < y.size(); ++i) {
    if (y[i] < bright - 8 && y[i] > dark + 8) ++between;
    largest_step = std::max(largest_step, static_cast<int>(std::abs(y[i] - y[i - 1])));
  }
  CHECK(between >= 20);                         // ~30 blended frames, not a cut
  CHECK(largest_step < (bright - dark) / 4);    // no single frame jumps across
}
