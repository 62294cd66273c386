// A colour option ("white", "#ff8800", "red@0.5") as the YUV the drawing code writes. Apart from
// the visualiser so that config validation (and its fuzz target) need libavutil only.
#pragma once
#include <cstdint>
#include <string>

namespace loopcast {

// The colour as limited-range BT.601 Y, Cb, Cr plus its alpha (0..255); false for an unknown name.
bool parse_yuv_color(const std::string& name, uint8_t yuv[3], uint8_t* alpha);

}  // namespace loopcast
