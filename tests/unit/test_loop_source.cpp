#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "engine/input/loop_source.hpp"
#include "tests/support/fixtures.hpp"

using namespace loopcast;
using loopcast::test::fixture;

namespace {
const VideoFormat kOut{320, 180, AV_PIX_FMT_YUV420P};
}  // namespace

TEST_CASE("a 1 s loop plays seamlessly across many wraps at the output rate") {
  auto src = LoopSource::open(fixture("loop_1s_25fps.mp4"), kOut);
  REQUIRE_MESSAGE(src, (src ? "" : src.error()));
  auto& loop = **src;
  // 30 fps output over 12 s of a 1 s, 25 fps file: 11+ rewinds, every output frame valid.
  uint64_t decoded_before = loop.decoded_frames();
  for (int n = 0; n < 360; ++n) {
    const AVFrame* f = loop.frame_at(n / 30.0);
    REQUIRE(f != nullptr);
    CHECK(f->width == 320);
    CHECK(f->height == 180);
    CHECK(f->format == AV_PIX_FMT_YUV420P);
  }
  CHECK(loop.wraps() >= 11);
  CHECK(loop.wraps() <= 12);
  // 25 source frames per second for 12 s: each decoded once (±1 look-ahead frame).
  CHECK(loop.decoded_frames() - decoded_before == doctest::Approx(300).epsilon(0.02));
  CHECK(loop.errors() == 0);
}

TEST_CASE("the loop timeline is periodic: the same picture one loop length later") {
  auto a = LoopSource::open(fixture("loop_1s_25fps.mp4"), kOut);
  REQUIRE(a);
  auto& loop = **a;
  auto luma_sum = [](const AVFrame* f) {
    uint64_t s = 0;
    for (int y = 0; y < f->height; ++y)
      for (int x = 0; x < f->width; ++x) s += f->data[0][y * f->linesize[0] + x];
    return s;
  };
  const uint64_t first = luma_sum(loop.frame_at(0.2));
  const uint64_t next_pass = luma_sum(loop.frame_at(1.2));
  const uint64_t fifth_pass = luma_sum(loop.frame_at(5.2));
  const uint64_t other = luma_sum(loop.frame_at(5.7));
  CHECK(first == next_pass);
  CHECK(first == fifth_pass);
  CHECK(first != other);  // testsrc2 moves: a different instant is a different picture
}

TEST_CASE("60 fps VP9/WebM source is decimated, still frame stays on") {
  auto vp9 = LoopSource::open(fixture("loop_half_60fps.webm"), kOut);
  REQUIRE_MESSAGE(vp9, (vp9 ? "" : vp9.error()));
  for (int n = 0; n < 90; ++n) REQUIRE((*vp9)->frame_at(n / 30.0) != nullptr);
  CHECK((*vp9)->wraps() >= 5);

  auto still = LoopSource::open(fixture("still.mp4"), kOut);
  REQUIRE_MESSAGE(still, (still ? "" : still.error()));
  for (int n = 0; n < 60; ++n) REQUIRE((*still)->frame_at(n / 30.0) != nullptr);
}

TEST_CASE("missing, corrupt and audio-only files are clear errors") {
  auto missing = LoopSource::open(fixture("nope.mp4"), kOut);
  REQUIRE_FALSE(missing);
  CHECK(missing.code() == Errc::not_found);
  CHECK(missing.error().find("nope.mp4") != std::string::npos);
  CHECK(missing.error().find("No such file") != std::string::npos);

  auto corrupt = LoopSource::open(fixture("corrupt.mp4"), kOut);
  REQUIRE_FALSE(corrupt);
  CHECK(corrupt.error().find("corrupt.mp4") != std::string::npos);

  auto audio_only = LoopSource::open(fixture("tone_3s.mp3"), kOut);
  REQUIRE_FALSE(audio_only);
  CHECK(audio_only.error().find("no video stream") != std::string::npos);
}

TEST_CASE("a 25 fps loop at 30 fps output repeats exactly 5 pictures a second") {
  auto src = LoopSource::open(fixture("loop_1s_25fps.mp4"), kOut);
  REQUIRE(src);
  int repeats = 0;
  (*src)->frame_at(0);
  for (int n = 1; n <= 300; ++n) {
    (*src)->frame_at(n / 30.0);
    repeats += (*src)->repeated();
  }
  CHECK(repeats == 50);  // 10 s × (30 − 25)
}

// A source frame goes on air at the output frame nearest its time. Frame times off the output grid
// by rounding (a 1/15360 or 1/1000 time base, float accumulation across wraps) must not make a
// frame wait one output frame, to be shown once and then skipped: that repeat-and-skip is judder.
TEST_CASE("a loop at the output rate never repeats a picture: not across wraps, not with a millisecond time base") {
  for (const std::string& path : {std::string(LOOPCAST_SOURCE_DIR) + "/assets/loops/ocean.mp4", fixture("loop_1s_30fps.mkv")}) {
    CAPTURE(path);
    auto src = LoopSource::open(path, kOut);
    REQUIRE_MESSAGE(src, (src ? "" : src.error()));
    int repeats = 0;
    (*src)->frame_at(0);
    for (int n = 1; n <= 30 * 20; ++n) {  // 20 s: over two wraps of the 8 s asset, 19 of the 1 s fixture
      (*src)->frame_at(n / 30.0);
      repeats += (*src)->repeated();
    }
    CHECK((*src)->wraps() >= 2);
    CHECK(repeats == 0);
    CHECK((*src)->errors() == 0);
  }
}

namespace {
// The ramp fixtures' frame i is flat grey at luma 16 + 3i: the picture says which frame it is.
int ramp_index(const AVFrame* f) {
  uint64_t sum = 0;
  for (int y = 0; y < f->height; ++y)
    for (int x = 0; x < f->width; ++x) sum += f->data[0][static_cast<ptrdiff_t>(y) * f->linesize[0] + x];
  return static_cast<int>(std::lround((static_cast<double>(sum) / (f->width * f->height) - 16) / 3));
}
std::vector<int> ramp_shown(const std::string& name, int frames) {
  auto src = LoopSource::open(fixture(name.c_str()), kOut);
  REQUIRE_MESSAGE(src, (src ? "" : src.error()));
  std::vector<int> shown;
  for (int n = 0; n < frames; ++n) shown.push_back(ramp_index((*src)->frame_at(n / 30.0)));
  return shown;
}
}  // namespace

TEST_CASE("frame picking is exact for every common rate: 30 → 30 frame for frame, 60 → 30 every other, 24 → 30 one fixed cadence") {
  const auto same = ramp_shown("ramp_2s_30fps.mkv", 300);  // 5 wraps of 60 frames
  for (int n = 0; n < 300; ++n) CHECK_MESSAGE(same[n] == n % 60, "output frame " << n);
  // Every odd 60 fps frame is exactly half-way between two output frames: the even ones go on air.
  const auto half = ramp_shown("ramp_1s_60fps.mkv", 300);
  for (int n = 0; n < 300; ++n) CHECK_MESSAGE(half[n] == (2 * n) % 60, "output frame " << n);
  // 24 into 30: 4 source frames in every 5 output frames, the same pattern all the way.
  const auto pull = ramp_shown("ramp_2s_24fps.mp4", 300);
  for (int n = 0; n + 5 < 300; ++n) CHECK_MESSAGE(pull[n + 5] == (pull[n] + 4) % 48, "output frame " << n);
}

TEST_CASE("an RGB loop is converted with the output's BT.709 matrix, not swscale's default BT.601") {
  auto green = LoopSource::open(fixture("green_rgb.mkv"), kOut);
  REQUIRE_MESSAGE(green, (green ? "" : green.error()));
  const AVFrame* f = (*green)->frame_at(0);
  auto at = [](const AVFrame* fr, int plane, int x, int y) { return static_cast<int>(fr->data[plane][y * fr->linesize[plane] + x]); };
  CHECK(at(f, 0, 160, 90) == doctest::Approx(173).epsilon(0.02));  // BT.601 would give 145
  CHECK(at(f, 1, 80, 45) == doctest::Approx(42).epsilon(0.05));    // 54
  CHECK(at(f, 2, 80, 45) == doctest::Approx(26).epsilon(0.08));    // 34
}
