// How a loop picture of another shape fills the output frame, as pure geometry (issue 26): the
// shape a viewer should see is the coded size times the sample aspect ratio, turned upright by the
// stream's rotation; the fit mode says what to do where that shape differs from the output's.
//   contain  the whole picture, centred, black bars (letter- or pillar-box): nothing is lost
//   cover    the frame filled, the overflow cut off equally on both sides: no bars
//   stretch  the frame filled, the shape ignored (what every loop got before issue 26)
// Every mode honours the rotation (a phone's portrait clip is shown upright, stretched or not).
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace loopcast {

enum class FitMode { contain, cover, stretch };

std::optional<FitMode> parse_fit_mode(std::string_view text);  // "contain", "cover", "stretch"
const char* to_string(FitMode mode);

struct PixelRect {
  int x = 0, y = 0, w = 0, h = 0;
  bool operator==(const PixelRect&) const = default;
};

// A decoded picture as stored, and how it is meant to be shown.
struct PictureShape {
  int width = 0, height = 0;     // coded (decoded frame) size
  int sar_num = 1, sar_den = 1;  // sample aspect ratio; 0 or negative (unknown): square pixels
  int rotation = 0;              // clockwise quarter turn that makes it upright: 0, 90, 180, 270
};

// What to do with one picture: crop the coded picture, scale the crop to scaled_w x scaled_h,
// turn it by `rotation`, and put it at `place` in the output; the rest of the output is bars.
// Every offset and size is even (except a crop that keeps an odd source dimension whole), so
// 4:2:0 chroma lines up with luma.
struct FitPlan {
  PixelRect crop;      // in coded source pixels
  int rotation = 0;
  PixelRect place;     // in output pixels
  int scaled_w() const { return rotation % 180 ? place.h : place.w; }
  int scaled_h() const { return rotation % 180 ? place.w : place.h; }
  // The picture fills the output with nothing cropped, turned or resized: shown as decoded.
  bool is_identity(int out_w, int out_h) const {
    return rotation == 0 && place == PixelRect{0, 0, out_w, out_h} && crop == PixelRect{0, 0, out_w, out_h};
  }
};

// `src` must have a positive size, the output an even one (validated config); an invalid rotation
// counts as 0.
FitPlan plan_fit(const PictureShape& src, int out_w, int out_h, FitMode mode);

// The clockwise quarter turn a display matrix (libavutil's layout, AV_PKT_DATA_DISPLAYMATRIX)
// asks for, rounded to the nearest quarter, as FFmpeg's own players apply it; 0 for a degenerate
// matrix. Mirroring in the matrix is not honoured.
int rotation_from_display_matrix(const int32_t matrix[9]);

}  // namespace loopcast
