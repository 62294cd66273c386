// The fit geometry (issue 26): where a picture of another shape goes in the output frame, for
// 4:3, anamorphic, portrait and rotated loops, in every mode, with even offsets and sizes.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <vector>

extern "C" {
#include <libavutil/display.h>
}

#include "engine/picture/fit.hpp"
#include "engine/picture/rotate.hpp"

using namespace loopcast;

namespace {
const PixelRect kFull720{0, 0, 1280, 720};
FitPlan fit(PictureShape s, FitMode m, int w = 1280, int h = 720) { return plan_fit(s, w, h, m); }
}  // namespace

TEST_CASE("fit modes: parsed from their names, printed back, anything else refused") {
  for (FitMode m : {FitMode::contain, FitMode::cover, FitMode::stretch}) CHECK(parse_fit_mode(to_string(m)) == m);
  CHECK_FALSE(parse_fit_mode("Contain"));
  CHECK_FALSE(parse_fit_mode("fill"));
  CHECK_FALSE(parse_fit_mode(""));
}

TEST_CASE("fit contain: 4:3 is pillar-boxed in 16:9, 21:9 letter-boxed, 16:9 fills") {
  const FitPlan four_three = fit({640, 480}, FitMode::contain);
  CHECK(four_three.place == PixelRect{160, 0, 960, 720});
  CHECK(four_three.crop == PixelRect{0, 0, 640, 480});
  CHECK(four_three.rotation == 0);
  CHECK(fit({320, 240}, FitMode::contain, 320, 180).place == PixelRect{40, 0, 240, 180});
  CHECK(fit({2560, 1080}, FitMode::contain).place == PixelRect{0, 90, 1280, 540});  // 21:9
  CHECK(fit({1920, 1080}, FitMode::contain).place == kFull720);
  CHECK(fit({1280, 720}, FitMode::contain).is_identity(1280, 720));
  CHECK_FALSE(fit({1920, 1080}, FitMode::contain).is_identity(1280, 720));  // fills, but scaled
}

TEST_CASE("fit contain: anamorphic PAL and NTSC are shown in their pixel shape") {
  CHECK(fit({720, 576, 16, 15}, FitMode::contain).place == PixelRect{160, 0, 960, 720});  // 768x576 shown: 4:3
  CHECK(fit({720, 576, 64, 45}, FitMode::contain).place == kFull720);                // 1024x576: 16:9
  CHECK(fit({720, 480, 8, 9}, FitMode::contain).place == PixelRect{160, 0, 960, 720});    // 640x480
  CHECK(fit({720, 480, 32, 27}, FitMode::contain).place == kFull720);                // 853.3x480
  CHECK(fit({1440, 1080, 4, 3}, FitMode::contain).place == kFull720);                // HDV
  // Unknown (0:1) or nonsense pixel shapes are square.
  CHECK(fit({720, 576, 0, 1}, FitMode::contain).place == fit({720, 576}, FitMode::contain).place);
  CHECK(fit({720, 576, -4, 3}, FitMode::contain).place == fit({720, 576}, FitMode::contain).place);
}

TEST_CASE("fit contain: a portrait picture and a rotated landscape one shown portrait are pillar-boxed alike") {
  // 720 * 1080/1920 = 405: the nearest even width is 406, centred at 437, rounded down to even.
  const PixelRect portrait{436, 0, 406, 720};
  CHECK(fit({1080, 1920}, FitMode::contain).place == portrait);
  for (int r : {90, 270}) {
    CAPTURE(r);
    const FitPlan p = fit({1920, 1080, 1, 1, r}, FitMode::contain);
    CHECK(p.place == portrait);
    CHECK(p.rotation == r);
    CHECK(p.crop == PixelRect{0, 0, 1920, 1080});
    CHECK(p.scaled_w() == 720);  // scaled in the stored orientation, then turned
    CHECK(p.scaled_h() == 406);
  }
  const FitPlan upside_down = fit({1920, 1080, 1, 1, 180}, FitMode::contain);
  CHECK(upside_down.place == kFull720);
  CHECK(upside_down.rotation == 180);
  CHECK_FALSE(upside_down.is_identity(1280, 720));
  CHECK(fit({1920, 1080, 1, 1, 45}, FitMode::contain).rotation == 0);  // not a quarter turn: as stored
}

TEST_CASE("fit cover: the frame is filled and the overflow cropped from the centre, in stored pixels") {
  const FitPlan four_three = fit({640, 480}, FitMode::cover);
  CHECK(four_three.place == kFull720);
  CHECK(four_three.crop == PixelRect{0, 60, 640, 360});  // 16:9 out of 4:3: a quarter of the height
  CHECK(fit({192, 144}, FitMode::cover, 320, 180).crop == PixelRect{0, 18, 192, 108});
  CHECK(fit({2560, 1080}, FitMode::cover).crop == PixelRect{320, 0, 1920, 1080});
  CHECK(fit({720, 576, 16, 15}, FitMode::cover).crop == PixelRect{0, 72, 720, 432});
  CHECK(fit({720, 576, 64, 45}, FitMode::cover).crop == PixelRect{0, 0, 720, 576});
  // Portrait: 1920 * (1080/1920) / (1280/720) = 607.5 rows kept → 608, centred.
  CHECK(fit({1080, 1920}, FitMode::cover).crop == PixelRect{0, 656, 1080, 608});
  // Turned a quarter, the shown height is the stored width: the crop is across the stored width.
  const FitPlan turned = fit({1920, 1080, 1, 1, 90}, FitMode::cover);
  CHECK(turned.crop == PixelRect{656, 0, 608, 1080});
  CHECK(turned.place == kFull720);
  CHECK(turned.scaled_w() == 720);
  CHECK(turned.scaled_h() == 1280);
}

TEST_CASE("fit stretch: the whole picture fills the whole frame, turned upright all the same") {
  for (const PictureShape& s : {PictureShape{640, 480}, PictureShape{720, 576, 16, 15}, PictureShape{1080, 1920}}) {
    const FitPlan p = fit(s, FitMode::stretch);
    CHECK(p.place == kFull720);
    CHECK(p.crop == PixelRect{0, 0, s.width, s.height});
  }
  const FitPlan phone = fit({1920, 1080, 1, 1, 90}, FitMode::stretch);
  CHECK(phone.rotation == 90);
  CHECK(phone.place == kFull720);
  CHECK(phone.scaled_w() == 720);
  CHECK(phone.scaled_h() == 1280);
}

TEST_CASE("fit: odd sizes give even places and crops inside the frame and the picture") {
  CHECK(fit({161, 91}, FitMode::contain, 320, 180).place == PixelRect{0, 0, 318, 180});
  CHECK(fit({161, 91}, FitMode::cover, 320, 180).crop == PixelRect{0, 0, 161, 90});  // the odd width is kept whole
  CHECK(fit({1, 1}, FitMode::contain, 320, 180).place == PixelRect{70, 0, 180, 180});
  CHECK(fit({1, 1}, FitMode::cover, 320, 180).crop == PixelRect{0, 0, 1, 1});

  // Any shape, any mode: the place is even and inside the output; the crop inside the picture and
  // even where it cuts; contain and cover keep the shown shape to within the rounding.
  std::mt19937 rng(26);
  auto any = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int i = 0; i < 20000; ++i) {
    const PictureShape s{any(2, 4000), any(2, 4000), any(1, 100), any(1, 100), 90 * any(0, 3)};
    const int ow = 2 * any(8, 1920), oh = 2 * any(8, 1080);
    const auto mode = static_cast<FitMode>(any(0, 2));
    CAPTURE(s.width);
    CAPTURE(s.height);
    CAPTURE(s.sar_num);
    CAPTURE(s.sar_den);
    CAPTURE(s.rotation);
    CAPTURE(ow);
    CAPTURE(oh);
    const FitPlan p = plan_fit(s, ow, oh, mode);
    const PixelRect& pl = p.place;
    const PixelRect& c = p.crop;
    REQUIRE((pl.x % 2 == 0 && pl.y % 2 == 0 && pl.w % 2 == 0 && pl.h % 2 == 0));
    REQUIRE((pl.x >= 0 && pl.y >= 0 && pl.w >= 2 && pl.h >= 2 && pl.x + pl.w <= ow && pl.y + pl.h <= oh));
    REQUIRE((c.x >= 0 && c.y >= 0 && c.w >= 1 && c.h >= 1 && c.x + c.w <= s.width && c.y + c.h <= s.height));
    REQUIRE((c.x % 2 == 0 && c.y % 2 == 0));
    REQUIRE(((c.w == s.width || c.w % 2 == 0) && (c.h == s.height || c.h % 2 == 0)));
    if (mode == FitMode::stretch) continue;
    if (mode == FitMode::contain) REQUIRE(c == PixelRect{0, 0, s.width, s.height});  // nothing lost
    if (mode == FitMode::cover) REQUIRE(pl == PixelRect{0, 0, ow, oh});              // no bars
    // The shown shape of what is kept, against the shape of where it goes: equal but for rounding
    // (two pixels of the place, two of the crop, each scaled to the other side).
    double kept_w = static_cast<double>(c.w) * s.sar_num, kept_h = static_cast<double>(c.h) * s.sar_den;
    if (p.rotation % 180) std::swap(kept_w, kept_h);
    const double shown = kept_w / kept_h, placed = static_cast<double>(pl.w) / pl.h;
    const double slack = 2.0 / std::min(pl.w, pl.h) + 2.0 / std::min(c.w, c.h) + 1e-9;
    if (pl.w > 2 && pl.h > 2 && c.w > 2 && c.h > 2) REQUIRE(std::abs(shown / placed - 1) <= 2 * slack);
  }
}

TEST_CASE("fit: a display matrix gives the clockwise quarter turn FFmpeg's players apply") {
  // Matrices as MP4 track headers give them (16.16 fixed point, w in 2.30), written out by hand:
  // av_display_rotation_set's sign convention changed across FFmpeg versions; these did not. The
  // comments say what ffprobe prints as "rotation" for each (av_display_rotation_get).
  constexpr int32_t k1 = 1 << 16, w = 1 << 30;
  const int32_t upright[9] = {k1, 0, 0, 0, k1, 0, 0, 0, w};
  const int32_t phone[9] = {0, k1, 0, -k1, 0, 0, 0, 0, w};      // -90: a phone filmed upright
  const int32_t other_way[9] = {0, -k1, 0, k1, 0, 0, 0, 0, w};  // 90
  const int32_t upside_down[9] = {-k1, 0, 0, 0, -k1, 0, 0, 0, w};
  const int32_t nearly[9] = {571, 65534, 0, -65534, 571, 0, 0, 0, w};  // -89.5
  const int32_t scaled[9] = {0, 2 * k1, 0, -2 * k1, 0, 0, 0, 0, w};    // -90, twice the size
  const int32_t zero[9] = {0};
  CHECK(rotation_from_display_matrix(upright) == 0);
  CHECK(rotation_from_display_matrix(phone) == 90);  // turned clockwise: its left edge goes on top
  CHECK(rotation_from_display_matrix(other_way) == 270);
  CHECK(rotation_from_display_matrix(upside_down) == 180);
  CHECK(rotation_from_display_matrix(nearly) == 90);
  CHECK(rotation_from_display_matrix(scaled) == 90);
  CHECK(rotation_from_display_matrix(zero) == 0);
  CHECK(av_display_rotation_get(phone) == doctest::Approx(-90));  // the ffprobe reading named above
}

TEST_CASE("fit: planes turn a quarter clockwise, half, and three quarters, at any stride") {
  // 3x2:  1 2 3
  //       4 5 6
  const std::vector<uint8_t> src = {1, 2, 3, 0, 4, 5, 6, 0};  // stride 4
  auto turned = [&](int r) {
    const int w = r % 180 ? 2 : 3, h = r % 180 ? 3 : 2;
    std::vector<uint8_t> dst(static_cast<size_t>(w + 1) * h, 0);
    rotate_plane(src.data(), 4, 3, 2, dst.data(), w + 1, r);
    std::vector<uint8_t> packed;
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) packed.push_back(dst[static_cast<size_t>(y) * (w + 1) + x]);
    return packed;
  };
  CHECK(turned(0) == std::vector<uint8_t>{1, 2, 3, 4, 5, 6});
  CHECK(turned(90) == std::vector<uint8_t>{4, 1, 5, 2, 6, 3});   // the left column on top, read right to left
  CHECK(turned(180) == std::vector<uint8_t>{6, 5, 4, 3, 2, 1});
  CHECK(turned(270) == std::vector<uint8_t>{3, 6, 2, 5, 1, 4});  // the right column on top

  // Larger than a tile: four quarter turns give the plane back; 90 then 270 too.
  const int w = 77, h = 45;
  std::vector<uint8_t> a(static_cast<size_t>(w) * h), b(a.size()), c(a.size());
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<uint8_t>(i * 7 + i / 13);
  rotate_plane(a.data(), w, w, h, b.data(), h, 90);
  rotate_plane(b.data(), h, h, w, c.data(), w, 90);
  rotate_plane(c.data(), w, w, h, b.data(), h, 90);
  rotate_plane(b.data(), h, h, w, c.data(), w, 90);
  CHECK(c == a);
  rotate_plane(a.data(), w, w, h, b.data(), h, 90);
  rotate_plane(b.data(), h, h, w, c.data(), w, 270);
  CHECK(c == a);
}
