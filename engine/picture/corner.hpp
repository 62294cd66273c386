// A corner of the picture: where the overlay's text and art, and the station logo, sit. Below
// video/ so that the logo (drawn here, in picture/) and the overlay share one enum and one spelling.
#pragma once
#include <optional>
#include <string_view>

namespace loopcast {

enum class Corner { bottom_left, bottom_right, top_left, top_right };

std::optional<Corner> parse_corner(std::string_view text);  // "bottom-left", "top-right"...
const char* to_string(Corner corner);
inline bool is_right(Corner c) { return c == Corner::bottom_right || c == Corner::top_right; }
inline bool is_top(Corner c) { return c == Corner::top_left || c == Corner::top_right; }

}  // namespace loopcast
