// Settings of the optional now-playing text overlay.
#pragma once
#include <string>

namespace loopcast {

struct OverlayConfig {
  bool enabled = false;
  std::string font = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
  int size = 36;                          // pixels
  std::string position = "bottom-left";   // bottom-left | bottom-right | top-left | top-right
  std::string color = "white";
  bool box = true;                        // translucent box behind the text for legibility
  bool art = false;                       // cover art from the webhook's song.art beside the text
  int art_size = 160;                     // pixels, the art fits this square
  double art_timeout = 5;                 // seconds to fetch it; past that the song shows text only
};

}  // namespace loopcast
