// Issue 26 at the pixel: 4:3, anamorphic and phone (rotated) loops through the loop source in each
// fit mode, read back where the bars, the bands and the colours land in a 320x180 picture.
#include <doctest/doctest.h>

#include <cstring>
#include <optional>
#include <string>

#include "engine/input/loop_source.hpp"
#include "engine/input/orientation.hpp"
#include "tests/support/picture_probe.hpp"
#include "tests/support/fixtures.hpp"

using namespace loopcast;
using loopcast::test::fixture;
using loopcast::test::Hue;
using loopcast::test::hue_at;

namespace {

// The first picture of `name` as the engine puts it on air at 320x180 with `mode`.
FramePtr on_air(const char* name, FitMode mode) {
  auto src = LoopSource::open(fixture(name), VideoFormat{320, 180, AV_PIX_FMT_YUV420P, 30, mode});
  REQUIRE_MESSAGE(src, (src ? "" : src.error()));
  const AVFrame* f = (*src)->frame_at(0);
  REQUIRE(f);
  REQUIRE(f->width == 320);
  REQUIRE(f->height == 180);
  REQUIRE(f->format == AV_PIX_FMT_YUV420P);
  CHECK((*src)->errors() == 0);
  FramePtr copy = make_frame();
  REQUIRE(av_frame_ref(copy.get(), f) == 0);
  return copy;
}

// Every listed column is `hue` on every row (a bar, or the picture's edge).
void check_columns(const AVFrame* f, std::initializer_list<int> xs, Hue hue) {
  for (int x : xs)
    for (int y = 0; y < f->height; ++y) {
      CAPTURE(x);
      CAPTURE(y);
      REQUIRE(std::string(to_string(hue_at(f, x, y))) == to_string(hue));
    }
}
void check_rows(const AVFrame* f, std::initializer_list<int> ys, int x0, int x1, Hue hue) {
  for (int y : ys)
    for (int x = x0; x <= x1; ++x) {
      CAPTURE(x);
      CAPTURE(y);
      REQUIRE(std::string(to_string(hue_at(f, x, y))) == to_string(hue));
    }
}
}  // namespace

TEST_CASE("fit contain: a 4:3 loop is pillar-boxed, black bars at the sides, the whole picture between") {
  // 192x144 into 320x180: 240 wide at x 40..279; the red top band (18 of 144 rows) is 22.5 rows.
  FramePtr f = on_air("fit_4x3.mp4", FitMode::contain);
  check_columns(f.get(), {0, 20, 39, 280, 300, 319}, Hue::black);
  check_rows(f.get(), {2, 20}, 41, 278, Hue::red);     // both bands are there: nothing cropped
  check_rows(f.get(), {26, 90, 153}, 41, 278, Hue::lime);
  check_rows(f.get(), {160, 177}, 41, 278, Hue::blue);
}

TEST_CASE("fit cover: a 4:3 loop fills the frame, its top and bottom bands cropped away") {
  // 16:9 out of 192x144 keeps rows 18..125: exactly the lime between the bands.
  FramePtr f = on_air("fit_4x3.mp4", FitMode::cover);
  for (int y = 0; y < 180; ++y) check_rows(f.get(), {y}, 0, 319, Hue::lime);
}

TEST_CASE("fit stretch: a 4:3 loop fills the frame whole, as before issue 26") {
  FramePtr f = on_air("fit_4x3.mp4", FitMode::stretch);
  check_rows(f.get(), {2, 20}, 0, 319, Hue::red);
  check_rows(f.get(), {26, 90, 153}, 0, 319, Hue::lime);
  check_rows(f.get(), {160, 177}, 0, 319, Hue::blue);
}

TEST_CASE("fit contain: anamorphic loops are shown in their pixel shape, 16:15 as 4:3 and 64:45 as 16:9") {
  // 180x144 with square pixels would be 226 wide at x 46; shown 4:3 it is 240 wide at x 40.
  FramePtr pal43 = on_air("fit_sar_16x15.mp4", FitMode::contain);
  check_columns(pal43.get(), {0, 39, 280, 319}, Hue::black);
  check_columns(pal43.get(), {40, 42, 160, 277, 279}, Hue::lime);
  FramePtr wide = on_air("fit_sar_64x45.mp4", FitMode::contain);
  check_columns(wide.get(), {0, 1, 160, 318, 319}, Hue::lime);
}

TEST_CASE("fit: a phone's portrait loop (stored sideways, display matrix) comes out upright in every mode") {
  // Both fixtures are stored 160x90 and shown 90x160 with red on top, blue below: one is turned
  // clockwise (the left edge goes on top, as phones write it), the other counter-clockwise.
  for (const char* name : {"fit_rot90.mp4", "fit_rot270.mp4"}) {
    CAPTURE(name);
    // contain: 90x160 shown 102x180 at x 108..209, black on both sides.
    FramePtr c = on_air(name, FitMode::contain);
    check_columns(c.get(), {0, 60, 107, 210, 260, 319}, Hue::black);
    check_rows(c.get(), {2, 40, 84}, 109, 208, Hue::red);
    check_rows(c.get(), {96, 140, 177}, 109, 208, Hue::blue);
    // cover: the middle of the portrait picture, red above blue, no bars.
    FramePtr cv = on_air(name, FitMode::cover);
    check_rows(cv.get(), {0, 40, 80}, 0, 319, Hue::red);
    check_rows(cv.get(), {104, 140, 179}, 0, 319, Hue::blue);
    // stretch: upright too, only its shape is lost.
    FramePtr s = on_air(name, FitMode::stretch);
    check_rows(s.get(), {0, 40, 86}, 0, 319, Hue::red);
    check_rows(s.get(), {94, 140, 179}, 0, 319, Hue::blue);
  }
}

TEST_CASE("fit: a loop stored upside down (display matrix 180) is turned over, and fills 16:9") {
  // Stored: blue rows 0..43 above red rows 44..89; shown: red on top.
  FramePtr f = on_air("fit_rot180.mp4", FitMode::contain);
  check_rows(f.get(), {0, 40, 86}, 0, 319, Hue::red);
  check_rows(f.get(), {94, 140, 179}, 0, 319, Hue::blue);
}

TEST_CASE("fit: the rotation comes from the stream's display matrix, else from a frame's") {
  auto rotation_of = [](const char* name) -> std::optional<int> {
    AVFormatContext* raw = nullptr;
    REQUIRE(avformat_open_input(&raw, fixture(name).c_str(), nullptr, nullptr) == 0);
    InputPtr in(raw);
    REQUIRE(avformat_find_stream_info(in.get(), nullptr) >= 0);
    return stream_rotation(in->streams[0]);
  };
  CHECK(rotation_of("fit_rot90.mp4") == 90);
  CHECK(rotation_of("fit_rot270.mp4") == 270);
  CHECK(rotation_of("fit_rot180.mp4") == 180);
  CHECK_FALSE(rotation_of("fit_4x3.mp4"));  // no matrix: a frame's may say (an H.264 orientation SEI)

  FramePtr f = make_frame();
  CHECK_FALSE(frame_rotation(f.get()));
  AVFrameSideData* sd = av_frame_new_side_data(f.get(), AV_FRAME_DATA_DISPLAYMATRIX, 9 * sizeof(int32_t));
  REQUIRE(sd);
  const int32_t phone[9] = {0, 1 << 16, 0, -(1 << 16), 0, 0, 0, 0, 1 << 30};
  std::memcpy(sd->data, phone, sizeof phone);
  CHECK(frame_rotation(f.get()) == 90);
}
