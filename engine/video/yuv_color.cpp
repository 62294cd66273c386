#include "engine/video/yuv_color.hpp"

#include <cmath>

extern "C" {
#include <libavutil/parseutils.h>
}

namespace loopcast {

bool parse_yuv_color(const std::string& name, uint8_t yuv[3], uint8_t* alpha) {
  uint8_t rgba[4];
  if (av_parse_color(rgba, name.c_str(), -1, nullptr) < 0) return false;
  const double r = rgba[0], g = rgba[1], b = rgba[2];
  yuv[0] = static_cast<uint8_t>(std::lround(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255));
  yuv[1] = static_cast<uint8_t>(std::lround(128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255));
  yuv[2] = static_cast<uint8_t>(std::lround(128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255));
  *alpha = rgba[3];
  return true;
}

}  // namespace loopcast
