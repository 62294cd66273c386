#include "engine/video/visualizer_config.hpp"

#include "base/enum_words.hpp"

namespace loopcast {
namespace {
constexpr EnumWord<VisualizerMode> kModes[] = {
    {VisualizerMode::off, "off"}, {VisualizerMode::bars, "bars"}, {VisualizerMode::wave, "wave"}, {VisualizerMode::spectrum, "spectrum"}};
constexpr EnumWord<VisualizerPosition> kPositions[] = {
    {VisualizerPosition::bottom, "bottom"}, {VisualizerPosition::top, "top"}, {VisualizerPosition::center, "center"}};
}  // namespace

std::optional<VisualizerMode> parse_visualizer_mode(std::string_view text) {
  if (text.empty()) return VisualizerMode::off;  // "visualizer": "" has always meant off
  return enum_from_word(kModes, text);
}
const char* to_string(VisualizerMode mode) { return enum_to_word(kModes, mode); }

std::optional<VisualizerPosition> parse_visualizer_position(std::string_view text) { return enum_from_word(kPositions, text); }
const char* to_string(VisualizerPosition position) { return enum_to_word(kPositions, position); }

}  // namespace loopcast
