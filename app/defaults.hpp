// The embedded default: with no loop given, loopcast plays the loops shipped in assets/loops
// (and ToneFeed when no station is given), so a first run shows something at once.
#pragma once
#include <string>
#include <vector>

#include "control/config/config.hpp"

namespace loopcast {

// Locates the loops directory (LOOPCAST_ASSETS, ./assets/loops, next to the binary, or
// /usr/share/loopcast/loops) when the configured one does not exist, and picks the first loop
// when none is configured: the mapping's default, else the directory's last by name.
void apply_embedded_defaults(AppConfig& cfg);
// The loop videos (.mp4 .mkv .mov .webm) in `dir`, sorted.
std::vector<std::string> loops_in(const std::string& dir);

}  // namespace loopcast
