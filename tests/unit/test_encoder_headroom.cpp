// The limiter's ceiling follows the overshoot measured on the decoded AAC (issue 26's promise of
// -1 dBTP as heard, not just as sent to the encoder).
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "engine/audio/encoded_peak.hpp"
#include "engine/audio/encoder_headroom.hpp"
#include "engine/audio/loudness_stage.hpp"
#include "engine/encoder.hpp"
#include "engine/engine_config.hpp"

using namespace loopcast;

namespace {
constexpr int kRate = 48000;
constexpr int64_t kMinute = int64_t{60} * kRate;

double db(float linear) { return 20.0 * std::log10(linear); }
}  // namespace

TEST_CASE("encoder headroom: 4 dB for the first minute, then the worst overshoot of the last 10 minutes, never under 1 dB") {
  EncoderHeadroom h(kRate);
  CHECK(h.ceiling_dbtp(0) == doctest::Approx(-5.5));
  // Quiet material (decoded under the ceiling) says nothing about the codec.
  h.observe(-12, -5.5, kRate);
  CHECK(h.overshoot_db(kMinute + 1) == doctest::Approx(EncoderHeadroom::kMinOvershootDb));
  // An overshoot over the start's assumption lowers the ceiling at once.
  h.observe(-0.5, -5.5, 2 * kRate);
  CHECK(h.overshoot_db(2 * kRate) == doctest::Approx(5.0));
  CHECK(h.ceiling_dbtp(2 * kRate) == doctest::Approx(-6.5));
  // A milder one later does not raise it while the worst is within 10 minutes...
  h.observe(-4.0, -6.5, 5 * kMinute);
  CHECK(h.overshoot_db(9 * kMinute) == doctest::Approx(5.0));
  // ...and once the worst is older than that, the milder one (2.5 dB) sets it.
  CHECK(h.overshoot_db(11 * kMinute) == doctest::Approx(2.5));
  CHECK(h.overshoot_db(16 * kMinute) == doctest::Approx(EncoderHeadroom::kMinOvershootDb));
  // A broken measurement never pushes the ceiling below -9.5 dBTP.
  h.observe(+20, -6, 20 * kMinute);
  CHECK(h.ceiling_dbtp(20 * kMinute) == doctest::Approx(-1.5 - EncoderHeadroom::kMaxOvershootDb));
}

TEST_CASE("encoded peak: the decoded AAC of a steady -6 dBFS tone peaks at -6 dBTP, a corrupt packet is skipped") {
  EngineConfig cfg;
  auto enc = Encoder::audio(cfg);
  REQUIRE(enc);
  auto probe = EncodedPeak::open(enc->ctx());
  REQUIRE(probe);
  FramePtr f = make_frame();
  f->format = AV_SAMPLE_FMT_FLTP;
  f->ch_layout = AV_CHANNEL_LAYOUT_STEREO;
  f->sample_rate = cfg.sample_rate;
  f->nb_samples = enc->frame_size();
  REQUIRE(av_frame_get_buffer(f.get(), 0) == 0);
  float peak = 0;
  int packets = 0;
  for (int64_t n = 0, k = 0; k < 100; ++k) {
    REQUIRE(av_frame_make_writable(f.get()) == 0);
    for (int i = 0; i < f->nb_samples; ++i, ++n)
      for (int c = 0; c < 2; ++c)
        reinterpret_cast<float*>(f->data[c])[i] = 0.5f * static_cast<float>(std::sin(2 * M_PI * 997 * n / cfg.sample_rate));
    f->pts = n - f->nb_samples;
    REQUIRE(enc->encode(f.get(), false, [&](AVPacket* p) {
      ++packets;
      if (packets == 20) {
        // A packet of garbage between good ones: no peak from it, nothing thrown, the next ones still measured.
        PacketPtr bad = make_packet();
        REQUIRE(av_new_packet(bad.get(), 64) == 0);
        for (int i = 0; i < 64; ++i) bad->data[i] = static_cast<uint8_t>(0xA5 ^ i);
        CHECK(probe->feed(bad.get()) < 0.7f);
      }
      const float got = probe->feed(p);
      if (packets > 4) peak = std::max(peak, got);  // (the tone's onset from silence overshoots ~1 dB, as codecs do)
    }));
  }
  REQUIRE(packets > 50);
  CHECK(db(peak) == doctest::Approx(-6.02).epsilon(0.3 / 6));
}

TEST_CASE("loudness stage: an overshoot heard on the decoded stream lowers the limiter's ceiling for what follows") {
  LoudnessStage stage(kRate, -14.0);
  REQUIRE(stage.wants_encoded());
  std::vector<float> l(1024, 0.1f), r(1024, 0.1f);
  float* planes[2] = {l.data(), r.data()};
  for (int k = 0; k < 10; ++k) stage.process(planes, 1024);
  CHECK(stage.status().ceiling == doctest::Approx(-5.5));
  stage.heard_encoded(static_cast<float>(std::pow(10.0, 0.5 / 20)));  // +0.5 dBTP decoded: 6 dB over the ceiling
  for (int k = 0; k < 10; ++k) stage.process(planes, 1024);
  const auto s = stage.status();
  CHECK(s.ceiling == doctest::Approx(-7.5));
  CHECK(s.encoded_true_peak_max == doctest::Approx(0.5));
  // Without a target nothing is limited, so nothing is decoded again.
  CHECK_FALSE(LoudnessStage(kRate, std::nullopt).wants_encoded());
}
