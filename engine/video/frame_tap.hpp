// The on-air picture for previews, taken without slowing the pipeline: the pipeline offers each
// video packet it sends; at most one keyframe per `min_interval` is kept, by reference (no copy,
// no decode on the pipeline thread). Readers decode it on their own thread (decode_shot). Keyframe
// packets exist in both video modes, so encode and splice streams preview the same way.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>

#include "base/av.hpp"
#include "base/result.hpp"
#include "base/thread_annotations.hpp"

namespace loopcast {

// One kept keyframe and what a decoder needs to read it.
struct TapShot {
  std::shared_ptr<const AVPacket> keyframe;          // null before the first keyframe
  std::shared_ptr<const AVCodecParameters> stream;   // codec, size, extradata (SPS/PPS)
  uint64_t seq = 0;                                  // 1, 2, ... per kept keyframe; 0 = none yet
};

class FrameTap {
 public:
  explicit FrameTap(std::chrono::milliseconds min_interval = std::chrono::milliseconds(1000)) : min_interval_(min_interval) {}
  // The video stream's parameters (once, before the pipeline thread starts).
  void set_stream(const AVCodecContext* video);
  // Pipeline thread: a flag test for most packets; a reference and a pointer swap for a keyframe due.
  void offer(const AVPacket* pkt) EXCLUDES(mu_);
  TapShot latest() const EXCLUDES(mu_);

 private:
  const std::chrono::milliseconds min_interval_;
  std::chrono::steady_clock::time_point last_taken_{};  // pipeline thread only
  mutable Mutex mu_;
  std::shared_ptr<const AVCodecParameters> stream_ GUARDED_BY(mu_);
  std::shared_ptr<const AVPacket> keyframe_ GUARDED_BY(mu_);
  uint64_t seq_ GUARDED_BY(mu_) = 0;
};

// The picture of a shot's keyframe (decoded on the caller's thread); Errc::unavailable when the
// shot holds none yet.
Result<FramePtr> decode_shot(const TapShot& shot);

}  // namespace loopcast
