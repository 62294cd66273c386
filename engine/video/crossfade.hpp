// The crossfade compositor: for a configured time after a switch, each output frame is the loop
// going off air blended into the one coming on, weights walking linearly from old to new.
// Encode mode only (splice never touches pixels); the pipeline asks it for every frame.
#pragma once
#include <cstdint>
#include <memory>

#include "base/av.hpp"
#include "engine/input/loop_source.hpp"

namespace loopcast {

// Weight of the new loop, 0..256, at frame k (0-based) of a fade over `frames` frames: never a
// pure old or pure new frame inside the fade, so the first and last steps are as small as the rest.
constexpr int crossfade_weight(int64_t k, int64_t frames) { return static_cast<int>((k + 1) * 256 / (frames + 1)); }

// out = (a * (256 - w) + b * w) / 256, plane by plane; all three YUV420P width x height.
void blend_yuv420p(const AVFrame* a, const AVFrame* b, int w, AVFrame* out, int width, int height);

class Crossfade {
 public:
  Crossfade(double seconds, int fps, int width, int height);

  bool enabled() const { return frames_ > 0; }
  bool active() const { return old_ != nullptr; }
  // `old` leaves the air at output frame `now`; it went on air at output frame `old_start` (it
  // keeps playing from where it was during the fade).
  void begin(std::unique_ptr<LoopSource> old, int64_t now, int64_t old_start);
  // The picture for output frame `n`: `current` blended with the old loop's frame during a fade,
  // else `current` itself. The blend lives until the next call.
  const AVFrame* compose(const AVFrame* current, int64_t n);

 private:
  const int64_t frames_;  // 0: no crossfade (a cut)
  const int fps_, width_, height_;
  std::unique_ptr<LoopSource> old_;
  int64_t start_ = 0;      // output frame the fade began at
  int64_t old_start_ = 0;  // output frame the old loop went on air at
  FramePtr blend_ = make_frame();
};

}  // namespace loopcast
