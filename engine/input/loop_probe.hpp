// What a loop file is, without putting it on air: its length and size, and one picture from it
// (the dashboard's loop picker lists and shows loops with these).
#pragma once
#include <string>

#include "base/av.hpp"
#include "base/result.hpp"
#include "engine/input/loop_source.hpp"

namespace loopcast {

struct LoopFacts {
  double duration = 0;  // seconds; 0 when the container does not say
  int width = 0, height = 0;
};

Result<LoopFacts> probe_loop(const std::string& path);
// The frame shown `at` seconds into the loop (wrapping for a shorter one), converted to `format`
// exactly as the pipeline converts it for the stream.
Result<FramePtr> loop_picture(const std::string& path, double at, const VideoFormat& format);

}  // namespace loopcast
