// Settings of the optional audio visualiser drawn over the loop (encode mode).
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace loopcast {

enum class VisualizerMode { off, bars, wave, spectrum };
enum class VisualizerPosition { bottom, top, center };

std::optional<VisualizerMode> parse_visualizer_mode(std::string_view text);  // "bars", "wave", "spectrum", "off" (or "")
const char* to_string(VisualizerMode mode);
std::optional<VisualizerPosition> parse_visualizer_position(std::string_view text);  // "bottom", "top", "center"
const char* to_string(VisualizerPosition position);

struct VisualizerConfig {
  VisualizerMode mode = VisualizerMode::off;
  VisualizerPosition position = VisualizerPosition::bottom;
  int width = 0;                     // pixels; 0 = the picture's width
  int height = 120;                  // pixels
  std::string color = "white";       // any libavutil colour: "white", "#ff8800", "0x33ccff"
  double opacity = 0.7;              // 0..1
  bool enabled() const { return mode != VisualizerMode::off; }
};

}  // namespace loopcast
