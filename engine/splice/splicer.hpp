// The splice video path's packet source: one cached packet per output frame, with PTS/DTS rebuilt
// from the frame counter (splice_clock), looping the current cached loop and entering a queued one
// at the first clean cut (at most B-frames frames after the request). Every entry is on the
// loop's frame-0 IDR, which also restarts the keyframe clock.
#pragma once
#include <cstdint>
#include <memory>

#include "engine/splice/cached_loop.hpp"

namespace loopcast {

struct SplicedPacket {
  const CachedPacket* packet = nullptr;
  int64_t pts = 0, dts = 0;  // output frames
  bool switched = false;     // the first packet of a newly entered loop (not a wrap)
};

class Splicer {
 public:
  // `delay`: the stream's reorder depth, at least every cached loop's reorder_delay().
  // `start_frame`: output frame of the first packet (0; tests start later).
  Splicer(std::unique_ptr<CachedLoop> first, int delay, int64_t start_frame = 0);

  // The packet for the next output frame. Takes `pending` on air when the cut is clean there.
  SplicedPacket next(std::unique_ptr<CachedLoop>& pending);

  const CachedLoop& current() const { return *loop_; }
  int64_t frames_out() const { return base_ + k_; }
  uint64_t wraps() const { return wraps_; }

 private:
  std::unique_ptr<CachedLoop> loop_;
  int delay_;
  int64_t base_ = 0;  // output frame where the current pass of loop_ started
  int64_t k_ = 0;     // next packet of loop_, decode order
  uint64_t wraps_ = 0;
};

}  // namespace loopcast
