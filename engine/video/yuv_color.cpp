#include "engine/video/yuv_color.hpp"

#include <cmath>

extern "C" {
#include <libavutil/parseutils.h>
}

namespace loopcast {

bool parse_yuv_color(const std::string& name, uint8_t yuv[3], uint8_t* alpha) {
  uint8_t rgba[4];
  if (av_parse_color(rgba, name.c_str(), -1, nullptr) < 0) return false;
  // BT.709 limited range, as the stream is tagged (Kr 0.2126, Kb 0.0722; 219 and 224 steps).
  const double r = rgba[0], g = rgba[1], b = rgba[2];
  yuv[0] = static_cast<uint8_t>(std::lround(16 + (46.559 * r + 156.629 * g + 15.812 * b) / 255));
  yuv[1] = static_cast<uint8_t>(std::lround(128 + (-25.664 * r - 86.336 * g + 112.0 * b) / 255));
  yuv[2] = static_cast<uint8_t>(std::lround(128 + (112.0 * r - 101.730 * g - 10.270 * b) / 255));
  *alpha = rgba[3];
  return true;
}

}  // namespace loopcast
