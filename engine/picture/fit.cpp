#include "engine/picture/fit.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

extern "C" {
#include <libavutil/display.h>
}

namespace loopcast {
namespace {
// An even size nearest `v`, 2..limit (an odd limit is kept whole, never exceeded): 4:2:0 chroma
// has one sample per 2x2 luma block, so an odd edge would smear half a chroma sample into a bar.
int even_size(double v, int limit) {
  if (limit < 2) return limit;
  const int even = 2 * static_cast<int>(std::lround(v / 2));
  return std::clamp(even, 2, limit - limit % 2);
}
// The offset that centres `inner` in `outer`, rounded down to even.
int centred(int outer, int inner) { return ((outer - inner) / 2) & ~1; }
}  // namespace

std::optional<FitMode> parse_fit_mode(std::string_view text) {
  if (text == "contain") return FitMode::contain;
  if (text == "cover") return FitMode::cover;
  if (text == "stretch") return FitMode::stretch;
  return std::nullopt;
}

const char* to_string(FitMode mode) {
  switch (mode) {
    case FitMode::contain: return "contain";
    case FitMode::cover: return "cover";
    case FitMode::stretch: return "stretch";
  }
  return "contain";
}

FitPlan plan_fit(const PictureShape& src, int out_w, int out_h, FitMode mode) {
  FitPlan p;
  p.rotation = src.rotation == 90 || src.rotation == 180 || src.rotation == 270 ? src.rotation : 0;
  p.crop = {0, 0, src.width, src.height};
  p.place = {0, 0, out_w, out_h};
  if (mode == FitMode::stretch || src.width <= 0 || src.height <= 0 || out_w <= 0 || out_h <= 0) return p;
  // The shape shown, as a ratio of integers (exact comparisons: a 4:3 picture is 4:3, not 1.3333):
  // coded size times the pixel shape, width and height swapped by a quarter turn.
  const bool square = src.sar_num <= 0 || src.sar_den <= 0;
  int64_t shown_w = static_cast<int64_t>(src.width) * (square ? 1 : src.sar_num);
  int64_t shown_h = static_cast<int64_t>(src.height) * (square ? 1 : src.sar_den);
  if (p.rotation % 180) std::swap(shown_w, shown_h);
  const int64_t picture = shown_w * out_h, frame = shown_h * out_w;  // picture vs frame aspect, cross-multiplied
  if (picture == frame) return p;
  const bool wider = picture > frame;
  if (mode == FitMode::contain) {
    if (wider) {
      p.place.h = even_size(static_cast<double>(out_w) * shown_h / shown_w, out_h);
      p.place.y = centred(out_h, p.place.h);
    } else {
      p.place.w = even_size(static_cast<double>(out_h) * shown_w / shown_h, out_w);
      p.place.x = centred(out_w, p.place.w);
    }
    return p;
  }
  // cover: keep the centre share of the picture that has the frame's shape, in shown axes first,
  // then in coded axes (a quarter turn shows the coded height across).
  double keep_x = wider ? static_cast<double>(frame) / picture : 1;
  double keep_y = wider ? 1 : static_cast<double>(picture) / frame;
  if (p.rotation % 180) std::swap(keep_x, keep_y);
  if (keep_x < 1) {
    p.crop.w = even_size(src.width * keep_x, src.width);
    p.crop.x = centred(src.width, p.crop.w);
  }
  if (keep_y < 1) {
    p.crop.h = even_size(src.height * keep_y, src.height);
    p.crop.y = centred(src.height, p.crop.h);
  }
  return p;
}

int rotation_from_display_matrix(const int32_t matrix[9]) {
  // av_display_rotation_get answers counter-clockwise degrees; FFmpeg's players turn the picture by
  // its negation (fftools' get_rotation), so a phone's portrait clip (-90) is turned 90° clockwise.
  const double ccw = av_display_rotation_get(matrix);
  if (std::isnan(ccw)) return 0;
  const long quarters = std::lround(-ccw / 90.0);
  return static_cast<int>(((quarters % 4) + 4) % 4) * 90;
}

}  // namespace loopcast
