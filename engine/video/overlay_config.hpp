// Settings of the optional now-playing text overlay.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "engine/picture/corner.hpp"

namespace loopcast {

// The corner the text (and the cover art) sits in: the picture's corner enum, shared with the logo.
using OverlayCorner = Corner;
inline std::optional<OverlayCorner> parse_overlay_corner(std::string_view text) { return parse_corner(text); }

struct OverlayConfig {
  bool enabled = false;
  std::string font = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
  int size = 36;                          // pixels
  OverlayCorner position = OverlayCorner::bottom_left;
  std::string color = "white";
  bool box = true;                        // translucent box behind the text for legibility
  bool art = false;                       // cover art from the webhook's song.art beside the text
  int art_size = 160;                     // pixels, the art fits this square
  double art_timeout = 5;                 // seconds to fetch it; past that the song shows text only
};

}  // namespace loopcast
