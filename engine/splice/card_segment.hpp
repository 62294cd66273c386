// A segment composed ahead over a cached loop (a title card): the loop's first frames with
// something drawn on them, encoded once with the cache's pinned settings (the same SPS/PPS), so it
// splices like any cached loop. It plays once from its IDR; then the loop it was made from resumes
// at `resume`, one of that loop's IDRs (the frame the segment's end stands for), so the picture
// goes on exactly where the segment stopped drawing and the keyframe rhythm holds.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "engine/splice/cached_loop.hpp"

namespace loopcast {

struct CardSegment {
  std::shared_ptr<const CachedLoop> frames;  // starts on its frame-0 IDR
  std::string for_loop;                      // source() of the cached loop it is drawn over
  int64_t resume = 0;                        // that loop's frame (an IDR, decode index = frame) after the segment
};

}  // namespace loopcast
