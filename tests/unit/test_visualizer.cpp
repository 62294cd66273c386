// Issue 15, the audio visualiser: its maths (band levels, waveform envelope) and its pixels.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "engine/video/visualizer.hpp"
#include "engine/video/yuv_color.hpp"

using namespace loopcast;

namespace {
constexpr int kRate = 44100;

std::vector<float> tone(double hz, double amplitude, int n, int64_t first = 0) {
  std::vector<float> s(n);
  for (int i = 0; i < n; ++i) s[i] = static_cast<float>(amplitude * std::sin(2 * M_PI * hz * static_cast<double>(first + i) / kRate));
  return s;
}

FramePtr gray_frame(int w, int h) {
  FramePtr f = make_frame();
  f->format = AV_PIX_FMT_YUV420P;
  f->width = w;
  f->height = h;
  REQUIRE(av_frame_get_buffer(f.get(), 0) >= 0);
  for (int p = 0; p < 3; ++p)
    for (int y = 0; y < (p ? h / 2 : h); ++y) memset(f->data[p] + y * f->linesize[p], p ? 128 : 40, p ? w / 2 : w);
  return f;
}

// Stereo planar-float audio frames of `samples`, pushed in 1024-sample frames as the pipeline does.
void push_all(Visualizer& v, const std::vector<float>& samples) {
  FramePtr a = make_frame();
  a->format = AV_SAMPLE_FMT_FLTP;
  a->ch_layout = AV_CHANNEL_LAYOUT_STEREO;
  a->sample_rate = kRate;
  a->nb_samples = 1024;
  REQUIRE(av_frame_get_buffer(a.get(), 0) >= 0);
  for (size_t at = 0; at + 1024 <= samples.size(); at += 1024) {
    for (int c = 0; c < 2; ++c) memcpy(a->data[c], samples.data() + at, 1024 * sizeof(float));
    v.push(a.get(), static_cast<int64_t>(at));
  }
}

// Per 2-px column of the region, the height (rows from the region's bottom) that was brightened.
std::vector<int> lit_heights(const AVFrame* f, const Visualizer& v) {
  std::vector<int> h;
  for (int x = v.x(); x < v.x() + v.region_width(); x += 2) {
    int lit = 0;
    for (int y = v.y(); y < v.y() + v.region_height(); ++y) lit += f->data[0][y * f->linesize[0] + x] > 60;
    h.push_back(lit);
  }
  return h;
}

VisualizerConfig config(VisualizerMode mode) {
  VisualizerConfig c;
  c.mode = mode;
  c.height = 100;
  c.opacity = 1.0;
  return c;
}
}  // namespace

TEST_CASE("band levels: silence is zero everywhere, a tone lights the band that holds its frequency") {
  SpectrumAnalyzer fft(2048);
  std::vector<float> silence(2048, 0.f);
  for (float l : fft.bands(silence.data(), kRate, 32)) CHECK(l == 0.f);

  const auto full = tone(1000, 1.0, 2048);
  const auto levels = fft.bands(full.data(), kRate, 32);
  const int want = static_cast<int>(std::floor(32 * std::log(1000.0 / 40) / std::log(16000.0 / 40)));
  const auto loudest = std::max_element(levels.begin(), levels.end()) - levels.begin();
  CHECK(loudest == want);
  CHECK(levels[want] == doctest::Approx(1.0).epsilon(0.05));  // a full-scale sine is 0 dBFS
  CHECK(levels[want - 4] < 0.5f);                              // far bands stay low
  CHECK(levels[want + 4] < 0.5f);

  const auto quiet = tone(1000, 0.1, 2048);                    // -20 dB: two thirds of the scale
  CHECK(fft.bands(quiet.data(), kRate, 32)[want] == doctest::Approx(2.0 / 3).epsilon(0.05));
}

TEST_CASE("wave envelope: a sine of amplitude 0.5 spans -0.5..0.5, silence is a line at zero") {
  const auto s = tone(441, 0.5, 1000);  // 10 periods over 1000 samples
  const auto env = wave_envelope(s.data(), 1000, 10);  // one period per column
  for (auto [lo, hi] : env) {
    CHECK(lo == doctest::Approx(-0.5).epsilon(0.01));
    CHECK(hi == doctest::Approx(0.5).epsilon(0.01));
  }
  std::vector<float> silence(1000, 0.f);
  for (auto [lo, hi] : wave_envelope(silence.data(), 1000, 10)) CHECK((lo == 0.f && hi == 0.f));
}

TEST_CASE("bars over the picture: flat during silence, the 1 kHz bar tallest with a tone, the source frame untouched") {
  Visualizer v(config(VisualizerMode::bars), 640, 360, kRate);
  REQUIRE(v.enabled());
  CHECK(v.y() + v.region_height() == 360);  // bottom by default, full width
  CHECK(v.region_width() == 640);
  FramePtr in = gray_frame(640, 360);

  push_all(v, std::vector<float>(8192, 0.f));
  const AVFrame* out = v.apply(in.get(), 8192);
  REQUIRE(out != in.get());
  for (int h : lit_heights(out, v)) CHECK(h <= 2);  // only the 2 px floor line
  CHECK(in->data[0][359 * in->linesize[0]] == 40);  // drawn on a copy

  push_all(v, tone(1000, 0.8, 16384));
  out = v.apply(in.get(), 16384);
  const auto h = lit_heights(out, v);
  const int pitch = 20;  // 640 / 32 bars
  const int want = static_cast<int>(std::floor(32 * std::log(1000.0 / 40) / std::log(16000.0 / 40)));
  CHECK(h[want * pitch / 2] > 90);       // the 1 kHz bar reaches near the top of the 100 px region
  CHECK(h[(want - 5) * pitch / 2] < 50);  // a low bar stays low
  CHECK(out->data[0][0] == 40);           // above the region: the loop as it was
}

TEST_CASE("the picture shows the audio of its own time: a tone that starts later is not drawn early") {
  Visualizer v(config(VisualizerMode::spectrum), 320, 180, kRate);
  FramePtr in = gray_frame(320, 180);
  std::vector<float> s(16384, 0.f);
  const auto t = tone(2000, 0.8, 8192, 8192);
  std::copy(t.begin(), t.end(), s.begin() + 8192);  // silence, then a tone from sample 8192
  push_all(v, s);
  auto peak = [&](int64_t at) {
    const auto h = lit_heights(v.apply(in.get(), at), v);
    return *std::max_element(h.begin(), h.end());
  };
  CHECK(peak(8192) <= 2);   // the frame at the tone's start: the window ends there, all silence
  CHECK(peak(16384) > 80);  // a frame well into the tone
}

TEST_CASE("the waveform: its height follows the amplitude, silence a centre line") {
  Visualizer v(config(VisualizerMode::wave), 320, 180, kRate);
  FramePtr in = gray_frame(320, 180);
  // Rows of the region with any drawn pixel: from the wave's crest to its trough.
  auto lit_span = [&](const AVFrame* f) {
    int top = 1000, bottom = -1;
    for (int y = v.y(); y < v.y() + v.region_height(); ++y)
      for (int x = v.x(); x < v.x() + v.region_width(); ++x)
        if (f->data[0][y * f->linesize[0] + x] > 60) {
          top = std::min(top, y);
          bottom = std::max(bottom, y);
        }
    return bottom - top + 1;
  };
  push_all(v, tone(441, 0.5, 8192));
  CHECK(lit_span(v.apply(in.get(), 8192)) == doctest::Approx(50).epsilon(0.08));  // 0.5 of the 100 px region
  push_all(v, tone(441, 1.0, 8192));
  CHECK(lit_span(v.apply(in.get(), 8192)) == doctest::Approx(100).epsilon(0.04));  // full scale fills it
  push_all(v, std::vector<float>(16384, 0.f));
  CHECK(lit_span(v.apply(in.get(), 16384)) <= 3);  // the centre line (2 px, from an even row)
}

TEST_CASE("visualiser colour and opacity: limited-range YUV and a half blend") {
  uint8_t yuv[3], a;
  REQUIRE(parse_yuv_color("white", yuv, &a));
  CHECK(yuv[0] == 235);
  CHECK(yuv[1] == 128);
  REQUIRE(parse_yuv_color("#ff0000", yuv, &a));  // BT.709 limited range, as the stream is tagged
  CHECK(yuv[0] == 63);
  CHECK(yuv[1] == 102);
  CHECK(yuv[2] == 240);
  REQUIRE(parse_yuv_color("#00ff00", yuv, &a));
  CHECK(yuv[0] == 173);
  CHECK(yuv[1] == 42);
  CHECK(yuv[2] == 26);
  CHECK_FALSE(parse_yuv_color("notacolour", yuv, &a));

  auto c = config(VisualizerMode::bars);
  c.opacity = 0.5;
  Visualizer v(c, 320, 180, kRate);
  FramePtr in = gray_frame(320, 180);
  push_all(v, std::vector<float>(4096, 0.f));
  const AVFrame* out = v.apply(in.get(), 4096);
  CHECK(out->data[0][179 * out->linesize[0] + v.x()] == doctest::Approx((40 + 235) / 2.0).epsilon(0.02));  // the floor line, half blended
}
