// The cover scene in splice mode (issue 22): a still picture becomes a one-GOP cached loop with
// the loops' own SPS/PPS, the logo stamped as on the loops, kept in the card cache.
#include <doctest/doctest.h>

#include <filesystem>

extern "C" {
#include <libavutil/opt.h>
}

#include "engine/splice/cache_builder.hpp"
#include "engine/splice/segment_encoder.hpp"
#include "engine/splice/still_segment.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/proc.hpp"

using namespace loopcast;
using loopcast::test::fixture;

namespace {
// 320x180, GOP 15: small and quick, with several keyframes a second.
EngineConfig small_profile() {
  EngineConfig cfg;
  cfg.width = 320, cfg.height = 180, cfg.fps = 30, cfg.video_bitrate = 300'000, cfg.keyframe_interval = 0.5;
  return cfg;
}
// A real cached loop of that profile (its SPS/PPS are what every segment must carry).
std::unique_ptr<CachedLoop> cached_loop(const EngineConfig& cfg, const std::string& dir) {
  auto plain = build_cache(fixture("loop_1s_25fps.mp4"), dir + "/plain.mp4", cfg);
  REQUIRE_MESSAGE(plain, plain.error());
  return std::move(*plain);
}
}  // namespace

TEST_CASE("still segment: one GOP, one IDR, the loops' SPS/PPS, cached by picture") {
  const loopcast::test::TempDir tmp("still");
  const EngineConfig cfg = small_profile();
  const auto plain = cached_loop(cfg, tmp.path);
  FramePtr pic = make_frame();
  pic->format = AV_PIX_FMT_YUV420P, pic->width = 320, pic->height = 180;
  REQUIRE(av_frame_get_buffer(pic.get(), 0) >= 0);
  for (int plane = 0; plane < 3; ++plane)
    std::fill_n(pic->data[plane], pic->linesize[plane] * (plane ? 90 : 180), static_cast<uint8_t>(plane ? 128 : 200));
  auto still = still_segment(pic.get(), "@art", cfg, plain->extradata(), tmp.path + "/cards", 1 << 30);
  REQUIRE_MESSAGE(still, still.error());
  CHECK((*still)->frames() == 15);
  CHECK((*still)->source() == "@art");
  CHECK((*still)->extradata() == plain->extradata());  // spliceable into the session
  int keys = 0;
  for (int64_t k = 0; k < (*still)->frames(); ++k) keys += (*still)->packet(k).key;
  CHECK(keys == 1);
  CHECK((*still)->clean_after(15));
  size_t entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(tmp.path + "/cards")) entries += e.path().extension() == ".mp4";
  CHECK(entries == 1);
  auto again = still_segment(pic.get(), "@art", cfg, plain->extradata(), tmp.path + "/cards", 1 << 30);  // the song played again: the same entry
  REQUIRE(again);
  entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(tmp.path + "/cards")) entries += e.path().extension() == ".mp4";
  CHECK(entries == 1);
  pic->width = 100;
  CHECK_FALSE(still_segment(pic.get(), "@art", cfg, plain->extradata(), tmp.path + "/cards", 1 << 30));  // not output-sized: refused, said why
}

TEST_CASE("segment encoder: the fast tuning when its SPS/PPS match the loops', parameter sets read from avcC and Annex B") {
  const loopcast::test::TempDir tmp("segenc");
  const EngineConfig cfg = small_profile();
  const auto plain = cached_loop(cfg, tmp.path);
  const auto& avcc = plain->extradata();
  const auto sets = parameter_sets(avcc.data(), static_cast<int>(avcc.size()));
  REQUIRE(sets.size() == 2);
  CHECK((sets[0][0] & 0x1f) == 7);  // SPS
  CHECK((sets[1][0] & 0x1f) == 8);  // PPS
  auto enc = segment_encoder(cfg, avcc);
  REQUIRE_MESSAGE(enc, enc.error());
  CHECK(parameter_sets(enc->ctx()->extradata, enc->ctx()->extradata_size) == sets);  // Annex B, the same units
  uint8_t* preset = nullptr;
  REQUIRE(av_opt_get(enc->ctx()->priv_data, "preset", 0, &preset) >= 0);
  CHECK(std::string(reinterpret_cast<char*>(preset)) == "veryfast");  // the fast path holds on this x264
  av_free(preset);
  const uint8_t junk[] = {9, 9, 9};
  CHECK(parameter_sets(junk, 3).empty());
  auto sure = segment_encoder(cfg, {});  // nothing to compare with: the cache's own tuning
  REQUIRE(sure);
  REQUIRE(av_opt_get(sure->ctx()->priv_data, "preset", 0, &preset) >= 0);
  CHECK(std::string(reinterpret_cast<char*>(preset)) == "slow");
  av_free(preset);
}
