// The card cache: composed segments kept on disk between songs and restarts (a song played again
// reuses its card), bounded by bytes, the least recently used removed first (use = file mtime).
#pragma once
#include <cstdint>
#include <string>

namespace loopcast {

// Marks an entry used now (it becomes the last to go).
void touch_card(const std::string& path);
// Removes the least recently used .mp4 entries of `dir` until they total at most `max_bytes`;
// `keep` (just written) is never removed. Returns the number removed.
int trim_card_cache(const std::string& dir, uint64_t max_bytes, const std::string& keep);

}  // namespace loopcast
