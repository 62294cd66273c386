#include "engine/picture/corner.hpp"

#include "base/enum_words.hpp"

namespace loopcast {
namespace {
constexpr EnumWord<Corner> kCorners[] = {{Corner::bottom_left, "bottom-left"},
                                         {Corner::bottom_right, "bottom-right"},
                                         {Corner::top_left, "top-left"},
                                         {Corner::top_right, "top-right"}};
}  // namespace

std::optional<Corner> parse_corner(std::string_view text) { return enum_from_word(kCorners, text); }
const char* to_string(Corner corner) { return enum_to_word(kCorners, corner); }

}  // namespace loopcast
