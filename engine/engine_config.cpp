#include "engine/engine_config.hpp"

#include <cstdio>

#include "base/enum_words.hpp"

namespace loopcast {
namespace {
constexpr EnumWord<VideoMode> kVideoModes[] = {
    {VideoMode::encode, "encode"}, {VideoMode::splice, "splice"}, {VideoMode::automatic, "auto"}};
constexpr EnumWord<VideoCodec> kVideoCodecs[] = {{VideoCodec::h264, "h264"}, {VideoCodec::hevc, "hevc"}};
constexpr EnumWord<Background> kBackgrounds[] = {{Background::loop, "loop"}, {Background::art, "art"}};
}  // namespace

std::optional<VideoMode> parse_video_mode(std::string_view text) { return enum_from_word(kVideoModes, text); }
const char* to_string(VideoMode mode) { return enum_to_word(kVideoModes, mode); }

std::optional<PictureSize> parse_picture_size(const std::string& text) {
  PictureSize s;
  char x = 0, extra = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c", &s.width, &x, &s.height, &extra) != 3 || (x != 'x' && x != 'X')) return std::nullopt;
  return s;
}

bool picture_size_ok(int w, int h) { return w >= 16 && w <= 3840 && h >= 16 && h <= 2160 && w % 2 == 0 && h % 2 == 0; }

std::optional<VideoCodec> parse_video_codec(std::string_view text) { return enum_from_word(kVideoCodecs, text); }
const char* to_string(VideoCodec codec) { return enum_to_word(kVideoCodecs, codec); }

std::optional<Background> parse_background(std::string_view text) { return enum_from_word(kBackgrounds, text); }
const char* to_string(Background background) { return enum_to_word(kBackgrounds, background); }

bool draws_per_frame(const EngineConfig& e) { return e.overlay.enabled || e.visualizer.enabled() || e.crossfade > 0; }

}  // namespace loopcast
