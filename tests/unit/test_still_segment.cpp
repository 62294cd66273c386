// The cover scene in splice mode (issue 22): a still picture becomes a one-GOP cached loop with
// the loops' own SPS/PPS, the logo stamped as on the loops, kept in the card cache.
#include <doctest/doctest.h>

#include <filesystem>

#include "engine/splice/cache_builder.hpp"
#include "engine/splice/still_segment.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/proc.hpp"

using namespace loopcast;
using loopcast::test::fixture;

TEST_CASE("still segment: one GOP, one IDR, the loops' SPS/PPS, cached by picture") {
  const loopcast::test::TempDir tmp("still");
  EngineConfig cfg;
  cfg.width = 320, cfg.height = 180, cfg.fps = 30, cfg.video_bitrate = 300'000, cfg.keyframe_interval = 0.5;
  auto plain = build_cache(fixture("loop_1s_25fps.mp4"), tmp.path + "/plain.mp4", cfg);
  REQUIRE_MESSAGE(plain, plain.error());
  FramePtr pic = make_frame();
  pic->format = AV_PIX_FMT_YUV420P, pic->width = 320, pic->height = 180;
  REQUIRE(av_frame_get_buffer(pic.get(), 0) >= 0);
  for (int plane = 0; plane < 3; ++plane)
    std::fill_n(pic->data[plane], pic->linesize[plane] * (plane ? 90 : 180), uint8_t{plane ? 128 : 200});
  auto still = still_segment(pic.get(), "@art", cfg, tmp.path + "/cards", 1 << 30);
  REQUIRE_MESSAGE(still, still.error());
  CHECK((*still)->frames() == 15);
  CHECK((*still)->source() == "@art");
  CHECK((*still)->extradata() == (*plain)->extradata());  // spliceable into the session
  int keys = 0;
  for (int64_t k = 0; k < (*still)->frames(); ++k) keys += (*still)->packet(k).key;
  CHECK(keys == 1);
  CHECK((*still)->clean_after(15));
  size_t entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(tmp.path + "/cards")) entries += e.path().extension() == ".mp4";
  CHECK(entries == 1);
  auto again = still_segment(pic.get(), "@art", cfg, tmp.path + "/cards", 1 << 30);  // the song played again: the same entry
  REQUIRE(again);
  entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(tmp.path + "/cards")) entries += e.path().extension() == ".mp4";
  CHECK(entries == 1);
  pic->width = 100;
  CHECK_FALSE(still_segment(pic.get(), "@art", cfg, tmp.path + "/cards", 1 << 30));  // not output-sized: refused, said why
}
