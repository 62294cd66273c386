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
};

}  // namespace loopcast
