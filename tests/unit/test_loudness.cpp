// The sound stage (issue 26): the EBU R128 meter, the true-peak detector, the limiter and the
// leveler, on synthetic signals whose loudness and peaks are known from the standard itself.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "engine/audio/leveler.hpp"
#include "engine/audio/loudness_meter.hpp"
#include "engine/audio/loudness_stage.hpp"
#include "engine/audio/peak_limiter.hpp"
#include "engine/audio/true_peak.hpp"

using namespace loopcast;

namespace {
constexpr int kRate = 48000;
constexpr int kChunk = 1024;

// Two planes of music-like sound: a chord with a slow swell and a hi-hat burst every 250 ms
// (noise, short: its peaks stand well above the loudness, as in real music). `gain` scales it.
struct Music {
  double gain;
  int64_t n = 0;
  uint32_t rng = 12345;
  void fill(std::vector<float>& l, std::vector<float>& r) {
    for (size_t i = 0; i < l.size(); ++i, ++n) {
      const double t = static_cast<double>(n) / kRate;
      const double swell = 0.6 + 0.4 * std::sin(2 * M_PI * 0.2 * t);
      double x = swell * (0.3 * std::sin(2 * M_PI * 220 * t) + 0.2 * std::sin(2 * M_PI * 277.2 * t) + 0.15 * std::sin(2 * M_PI * 329.6 * t));
      const int64_t in_beat = n % (kRate / 4);
      rng = rng * 1664525u + 1013904223u;
      const double noise = (static_cast<double>(rng >> 8) / (1 << 24)) * 2 - 1;
      if (in_beat < kRate / 50) x += 0.5 * noise * (1.0 - static_cast<double>(in_beat) / (kRate / 50));
      l[i] = static_cast<float>(gain * x);
      r[i] = static_cast<float>(gain * (0.8 * x + 0.2 * std::sin(2 * M_PI * 440 * t) * swell * 0.3));
    }
  }
};

struct Chunk {
  std::vector<float> l = std::vector<float>(kChunk), r = std::vector<float>(kChunk);
  float* planes[2] = {l.data(), r.data()};
};

// Integrated loudness of `seconds` of music at `gain`, measured on its own.
double music_loudness(double gain, double seconds) {
  Music m{gain};
  LoudnessMeter meter(kRate);
  Chunk c;
  for (int i = 0; i < seconds * kRate / kChunk; ++i) {
    m.fill(c.l, c.r);
    meter.add(c.planes, kChunk);
  }
  return meter.read().integrated;
}

// The gain that puts the music at `lufs` (loudness is 20·log10 of the gain plus a constant).
double gain_for(double lufs) { return std::pow(10.0, (lufs - music_loudness(1.0, 10)) / 20.0); }
}  // namespace

TEST_CASE("meter: a stereo 1 kHz sine at -23 dBFS reads -23 LUFS (EBU Tech 3341 case 1), true peak -23 dBTP") {
  LoudnessMeter meter(kRate);
  Chunk c;
  const double a = std::pow(10.0, -23.0 / 20.0);
  meter.add(c.planes, 0);  // an empty chunk is harmless
  int64_t n = 0;
  for (int k = 0; k < 20 * kRate / kChunk; ++k) {
    for (int i = 0; i < kChunk; ++i, ++n) c.l[i] = c.r[i] = static_cast<float>(a * std::sin(2 * M_PI * 1000.0 * n / kRate));
    meter.add(c.planes, kChunk);
  }
  const auto r = meter.read();
  CHECK(r.momentary == doctest::Approx(-23).epsilon(0.005));
  CHECK(r.short_term == doctest::Approx(-23).epsilon(0.005));
  CHECK(r.integrated == doctest::Approx(-23).epsilon(0.005));
  CHECK(r.range < 0.5);
  CHECK(r.true_peak == doctest::Approx(-23).epsilon(0.01));
  CHECK(r.true_peak_max == doctest::Approx(-23).epsilon(0.01));
}

TEST_CASE("meter: silence has no loudness (-inf, shown as null), and the 3 s true peak forgets an old peak") {
  LoudnessMeter meter(kRate);
  Chunk c;
  for (int k = 0; k < 5 * kRate / kChunk; ++k) meter.add(c.planes, kChunk);
  auto r = meter.read();
  CHECK(std::isinf(r.momentary));
  CHECK(std::isinf(r.integrated));
  c.l[100] = 0.5f;  // one click, then 4 s of silence
  meter.add(c.planes, kChunk);
  c.l[100] = 0;
  CHECK(meter.read().true_peak > -7);
  for (int k = 0; k < 4 * kRate / kChunk; ++k) meter.add(c.planes, kChunk);
  r = meter.read();
  CHECK(std::isinf(r.true_peak));
  CHECK(r.true_peak_max > -7);
}

TEST_CASE("true peak: a quarter-rate sine sampled 45° off its crest peaks 3 dB above its samples") {
  // x[n] = sin(πn/2 + π/4): every sample is ±0.707, the wave between them reaches 1.0.
  TruePeak tp;
  float sample_peak = 0, true_peak = 0;
  for (int n = 0; n < 2000; ++n) {
    const float x = static_cast<float>(std::sin(M_PI * n / 2 + M_PI / 4));
    sample_peak = std::max(sample_peak, std::fabs(x));
    const float p = tp.push(x);
    if (n > 50) true_peak = std::max(true_peak, p);
  }
  CHECK(20 * std::log10(sample_peak) == doctest::Approx(-3.01).epsilon(0.01));
  CHECK(20 * std::log10(true_peak) == doctest::Approx(0).scale(1).epsilon(0.2));  // within 0.2 dB
}

TEST_CASE("limiter: music pushed 8 dB over full scale leaves under the ceiling, without a gain step") {
  PeakLimiter lim(kRate, -2.5);
  Music m{gain_for(-6)};
  Chunk c;
  TruePeak check_l, check_r;
  float out_peak = 0, in_peak = 0;
  std::vector<float> gains;
  for (int k = 0; k < 10 * kRate / kChunk; ++k) {
    m.fill(c.l, c.r);
    for (int i = 0; i < kChunk; ++i) in_peak = std::max({in_peak, std::fabs(c.l[i]), std::fabs(c.r[i])});
    lim.process(c.planes, kChunk);
    gains.push_back(static_cast<float>(lim.gain_db()));
    for (int i = 0; i < kChunk; ++i) out_peak = std::max({out_peak, check_l.push(c.l[i]), check_r.push(c.r[i])});
  }
  MESSAGE("input sample peak " << 20 * std::log10(in_peak) << " dBFS, output true peak " << 20 * std::log10(out_peak) << " dBTP");
  CHECK(20 * std::log10(in_peak) > 2);
  CHECK(20 * std::log10(out_peak) <= -2.4);  // the ceiling asked for: -2.5 dBTP
  CHECK(20 * std::log10(out_peak) > -4);  // limited, not crushed
  CHECK(*std::min_element(gains.begin(), gains.end()) < -4);
}

TEST_CASE("limiter: below the ceiling the sound passes unchanged, delayed by the look-ahead") {
  PeakLimiter lim(kRate, -2.5);
  Music m{gain_for(-30)};
  std::vector<float> in;
  std::vector<float> out;
  Chunk c;
  for (int k = 0; k < 20; ++k) {
    m.fill(c.l, c.r);
    in.insert(in.end(), c.l.begin(), c.l.end());
    lim.process(c.planes, kChunk);
    out.insert(out.end(), c.l.begin(), c.l.end());
  }
  const int d = lim.delay();
  CHECK(d == 240 - 1 + TruePeak::kDelay);
  for (int i = 0; i < d; ++i) REQUIRE(out[static_cast<size_t>(i)] == 0.0f);
  size_t differ = 0;
  for (size_t i = static_cast<size_t>(d); i < out.size(); ++i) differ += out[i] != in[i - static_cast<size_t>(d)];
  CHECK(differ == 0);
  CHECK(lim.gain_db() == 0.0);
}

TEST_CASE("limiter: the gain ramps over the look-ahead (a full-scale burst after quiet makes no click)") {
  PeakLimiter lim(kRate, -2.5);
  const int total = 4 * kChunk;
  std::vector<float> l(total), r(total), gain(total);
  // A 1 kHz tone at -20 dBFS that jumps to +6 dBFS for 100 ms.
  for (int n = 0; n < total; ++n) {
    const double a = n >= 2000 && n < 2000 + 4800 / 2 ? 2.0 : 0.1;
    l[n] = r[n] = static_cast<float>(a * std::sin(2 * M_PI * 1000.0 * n / kRate));
  }
  for (int k = 0; k < total / kChunk; ++k) {
    float* planes[2] = {l.data() + k * kChunk, r.data() + k * kChunk};
    for (int i = 0; i < kChunk; ++i) {
      float* one[2] = {planes[0] + i, planes[1] + i};
      lim.process(one, 1);
      gain[static_cast<size_t>(k * kChunk + i)] = static_cast<float>(std::pow(10.0, lim.gain_db() / 20));
    }
  }
  float largest_step = 0;
  for (int n = 1; n < total; ++n) largest_step = std::max(largest_step, std::fabs(gain[n] - gain[n - 1]));
  // The gain falls from 1 to ~0.37 over 240 samples: steps of ~0.003, never one jump.
  CHECK(*std::min_element(gain.begin(), gain.end()) < 0.4f);
  CHECK(largest_step < 0.01f);
}

TEST_CASE("leveler: a -24 and a -8 LUFS station both end at the -14 target, and silence does not move the gain") {
  for (double station : {-24.0, -8.0}) {
    CAPTURE(station);
    LoudnessStage stage(kRate, -14.0);
    Music m{gain_for(station)};
    Chunk c;
    // The first minute's ceiling (-5.5 dBTP, before the encoder's overshoot is known) limits this
    // peaky music a little; from then on no overshoot was heard (no encoder here): -2.5 dBTP.
    LoudnessMeter first(kRate), settled(kRate);  // 10..30 s and the last 20 s
    for (int k = 0; k < 90 * kRate / kChunk; ++k) {
      m.fill(c.l, c.r);
      stage.process(c.planes, kChunk);
      if (k >= 10 * kRate / kChunk && k < 30 * kRate / kChunk) first.add(c.planes, kChunk);
      if (k >= 70 * kRate / kChunk) settled.add(c.planes, kChunk);
      if (k == 30 * kRate / kChunk) CHECK(stage.status().sent.true_peak_max <= stage.status().ceiling + 0.1);
    }
    const auto s = stage.status();
    MESSAGE("station " << station << " LUFS → " << first.read().integrated << " LUFS in the first minute, " << settled.read().integrated
                       << " LUFS settled, gain " << s.gain_db << " dB, true peak max " << s.sent.true_peak_max);
    CHECK(first.read().integrated == doctest::Approx(-14).epsilon(1.5 / 14));
    CHECK(settled.read().integrated == doctest::Approx(-14).epsilon(1.0 / 14));
    CHECK(s.gain_db == doctest::Approx(-14 - station).epsilon(0.15));
    CHECK(s.ceiling == doctest::Approx(EncoderHeadroom::kPromisedDbtp - EncoderHeadroom::kMarginDb - EncoderHeadroom::kMinOvershootDb));
    REQUIRE(s.target.has_value());
    // Ten seconds of silence (dead air, a pause between songs): the gain holds.
    const double held = s.gain_db;
    for (int k = 0; k < 10 * kRate / kChunk; ++k) {
      std::fill(c.l.begin(), c.l.end(), 0.0f);  // (the chunk holds the limiter's output of the last one)
      std::fill(c.r.begin(), c.r.end(), 0.0f);
      stage.process(c.planes, kChunk);
    }
    // (at most the 0.5 dB/s of the ~400 ms the momentary loudness takes to see the silence; 5 dB if it followed the 3 s average down)
    CHECK(std::fabs(stage.status().gain_db - held) < 0.3);
  }
}

TEST_CASE("leveler: once settled it moves at most 0.5 dB a second, however far the station jumps") {
  Leveler lev(-14, kRate);
  Chunk c;
  // The leveler's gain follows the loudness it is told (the stage's input meter), not the chunk.
  auto run = [&](int chunks, double lufs) {
    for (int k = 0; k < chunks; ++k) {
      std::fill(c.l.begin(), c.l.end(), 0.1f);
      std::fill(c.r.begin(), c.r.end(), 0.1f);
      lev.process(c.planes, kChunk, lufs, lufs);
    }
  };
  run(100, -20);  // settles at +6 dB
  REQUIRE(lev.settled());
  CHECK(lev.gain_db() == doctest::Approx(6).epsilon(0.2));
  CHECK(c.l.back() == doctest::Approx(0.1 * std::pow(10.0, lev.gain_db() / 20)));
  const double before = lev.gain_db();
  run(kRate / kChunk, -4);  // 1 s of a station 16 dB louder
  CHECK(before - lev.gain_db() <= 0.5 + 1e-9);
  CHECK(before - lev.gain_db() > 0.4);
}

TEST_CASE("sound stage: without a target it only measures (samples untouched, no delay)") {
  LoudnessStage stage(kRate, std::nullopt);
  Music m{gain_for(-6)};
  Chunk c;
  for (int k = 0; k < 10 * kRate / kChunk; ++k) {  // the 10 s gain_for() measured
    m.fill(c.l, c.r);
    const auto l = c.l;
    stage.process(c.planes, kChunk);
    REQUIRE(l == c.l);
  }
  CHECK(stage.delay() == 0);
  const auto s = stage.status();
  CHECK_FALSE(s.target.has_value());
  CHECK(s.gain_db == 0);
  CHECK(s.sent.integrated == doctest::Approx(-6).epsilon(0.3 / 6));
}
