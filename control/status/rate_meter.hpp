// Frames, bits and media seconds per wall second, from two successive samples of a pipeline's
// counters: what status shows as fps, bitrate and speed. Pure: the caller samples and says when.
#pragma once
#include <algorithm>
#include <cstdint>

namespace loopcast {

struct RateSample {
  uint64_t frames = 0;    // video frames produced
  uint64_t bytes = 0;     // encoded bytes (video + audio)
  double media_s = 0;     // media seconds produced (the audio clock)
};

struct Rates {
  double fps = 0, kbps = 0, speed = 0;
};

class RateMeter {
 public:
  // The rates between the last sample and `now_s` (wall seconds on any monotonic origin). The
  // first sample, a sample no later than the last, or counters that went backwards (a new
  // pipeline) give zero rates and start afresh from this sample.
  Rates sample(const RateSample& s, double now_s) {
    Rates r;
    const double dt = now_s - last_at_;
    if (have_ && dt > 0 && s.frames >= last_.frames && s.bytes >= last_.bytes && s.media_s >= last_.media_s) {
      r.fps = static_cast<double>(s.frames - last_.frames) / dt;
      r.kbps = static_cast<double>(s.bytes - last_.bytes) * 8 / 1000.0 / dt;
      r.speed = (s.media_s - last_.media_s) / dt;
    }
    last_ = s;
    last_at_ = now_s;
    have_ = true;
    return r;
  }
  // No pipeline: the next sample starts afresh.
  void reset() { have_ = false; }

 private:
  RateSample last_{};
  double last_at_ = 0;
  bool have_ = false;
};

}  // namespace loopcast
