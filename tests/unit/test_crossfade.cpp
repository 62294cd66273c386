// A configured crossfade blends the old loop into the new one over the given time instead of
// cutting: the picture's brightness walks from one plateau to the other, frame by frame.
#include <doctest/doctest.h>

#include <thread>

#include "engine/pipeline.hpp"
#include "engine/video/crossfade.hpp"
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

namespace {
const VideoFormat kSmall{320, 180, AV_PIX_FMT_YUV420P};
std::unique_ptr<LoopSource> open_loop(const char* name) {
  auto src = LoopSource::open(std::string(LOOPCAST_SOURCE_DIR) + "/assets/loops/" + name, kSmall);
  REQUIRE_MESSAGE(src, (src ? "" : src.error()));
  return std::move(*src);
}
double mean_luma(const AVFrame* f) {
  double sum = 0;
  for (int y = 0; y < f->height; ++y)
    for (int x = 0; x < f->width; ++x) sum += f->data[0][y * f->linesize[0] + x];
  return sum / (f->width * f->height);
}
}  // namespace

TEST_CASE("crossfade: the new loop's weight climbs in equal steps and never reaches 0 or 256 inside the fade") {
  constexpr int64_t frames = 30;
  int last = 0;
  for (int64_t k = 0; k < frames; ++k) {
    const int w = crossfade_weight(k, frames);
    CHECK(w > last);
    CHECK(w < 256);
    CHECK(w - last <= 256 / (frames + 1) + 1);
    last = w;
  }
  CHECK(crossfade_weight(0, 1) == 128);  // a one-frame fade is one half-and-half frame
}

TEST_CASE("crossfade: the compositor blends the old loop into the new one, then hands the new one through") {
  Crossfade off(0, 30, 320, 180);
  CHECK_FALSE(off.enabled());
  auto ocean = open_loop("ocean.mp4");
  off.begin(open_loop("sunset.mp4"), 100, 0);
  CHECK_FALSE(off.active());  // no crossfade configured: a cut
  const AVFrame* dark = ocean->frame_at(0);
  CHECK(off.compose(dark, 100) == dark);

  Crossfade fade(1.0, 30, 320, 180);  // 30 frames
  REQUIRE(fade.enabled());
  auto sunset = open_loop("sunset.mp4");
  const double bright_y = mean_luma(sunset->frame_at(0));
  const double dark_y = mean_luma(dark);
  REQUIRE(bright_y - dark_y > 40);  // the two loops really differ
  fade.begin(std::move(sunset), 100, 40);
  REQUIRE(fade.active());
  auto reference = open_loop("sunset.mp4");  // where the old loop is during the fade
  for (int64_t n = 100; n < 130; ++n) {
    CAPTURE(n);
    const AVFrame* pic = fade.compose(ocean->frame_at(0), n);
    REQUIRE(pic != ocean->frame_at(0));  // a blend, not the new loop's frame
    const double old_y = mean_luma(reference->frame_at((n - 40) / 30.0));  // the old loop plays on
    const int w = crossfade_weight(n - 100, 30);
    CHECK(mean_luma(pic) == doctest::Approx((old_y * (256 - w) + dark_y * w) / 256).epsilon(0.02));
  }
  const AVFrame* after = fade.compose(ocean->frame_at(0), 130);
  CHECK(after == ocean->frame_at(0));  // the fade is over: the new loop's own frame
  CHECK_FALSE(fade.active());
}
