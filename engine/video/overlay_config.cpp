#include "engine/video/overlay_config.hpp"

#include "base/enum_words.hpp"

namespace loopcast {
namespace {
constexpr EnumWord<OverlayCorner> kCorners[] = {{OverlayCorner::bottom_left, "bottom-left"},
                                                {OverlayCorner::bottom_right, "bottom-right"},
                                                {OverlayCorner::top_left, "top-left"},
                                                {OverlayCorner::top_right, "top-right"}};
}  // namespace

std::optional<OverlayCorner> parse_overlay_corner(std::string_view text) { return enum_from_word(kCorners, text); }
const char* to_string(OverlayCorner corner) { return enum_to_word(kCorners, corner); }

}  // namespace loopcast
