// Settings of the optional audio visualiser drawn over the loop (encode mode).
#pragma once
#include <string>

namespace loopcast {

struct VisualizerConfig {
  std::string mode;                  // "" (off) | bars | wave | spectrum
  std::string position = "bottom";  // bottom | top | center
  int width = 0;                     // pixels; 0 = the picture's width
  int height = 120;                  // pixels
  std::string color = "white";       // any libavutil colour: "white", "#ff8800", "0x33ccff"
  double opacity = 0.7;              // 0..1
  bool enabled() const { return !mode.empty(); }
};

}  // namespace loopcast
