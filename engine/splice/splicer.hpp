// The splice video path's packet source: one cached packet per output frame, with PTS/DTS rebuilt
// from the frame counter (splice_clock), looping the current cached loop and entering a queued one
// at the first clean cut (at most B-frames frames after the request). Every entry is on the
// loop's frame-0 IDR, which also restarts the keyframe clock. A card segment (card_segment.hpp)
// is entered the same way, plays once and hands back to its loop at the loop's IDR `resume`.
#pragma once
#include <cstdint>
#include <memory>

#include "engine/splice/card_segment.hpp"
#include "engine/splice/cached_loop.hpp"

namespace loopcast {

struct SplicedPacket {
  const CachedPacket* packet = nullptr;
  int64_t pts = 0, dts = 0;  // output frames
  bool switched = false;     // the first packet of a newly entered loop (not a wrap)
  bool card = false;         // the first packet of a card segment
};

// A card waiting to go on air: over the queued loop if it was made from it, else over the loop on
// air. `at_wrap`: only where the loop starts a pass (a repeat mid-song must not jump the picture).
struct QueuedCard {
  std::shared_ptr<const CardSegment> segment;
  bool at_wrap = false;
};

class Splicer {
 public:
  // `delay`: the stream's reorder depth, at least every cached loop's reorder_delay().
  // `start_frame`: output frame of the first packet (0; tests start later).
  Splicer(std::unique_ptr<CachedLoop> first, int delay, int64_t start_frame = 0);

  // The packet for the next output frame. Takes `pending` on air when the cut is clean there.
  SplicedPacket next(std::unique_ptr<CachedLoop>& pending);
  // The same, and takes `card` on air where it may enter; a card for a loop neither queued nor on
  // air is dropped (reset) without being shown.
  SplicedPacket next(std::unique_ptr<CachedLoop>& pending, QueuedCard& card);

  const CachedLoop& current() const { return *loop_; }  // the loop (under the card, while one plays)
  bool in_card() const { return card_ != nullptr; }
  int64_t frames_out() const { return base_ + k_; }
  uint64_t wraps() const { return wraps_; }

 private:
  const CachedLoop& source() const { return card_ ? *card_->frames : *loop_; }
  void enter(int64_t at_frame_base) { base_ = at_frame_base, k_ = 0; }

  std::unique_ptr<CachedLoop> loop_;
  std::shared_ptr<const CardSegment> card_;  // playing over loop_ (null: loop_ itself plays)
  int delay_;
  int64_t base_ = 0;  // output frame where local frame 0 of source() is (or would be) shown
  int64_t k_ = 0;     // next packet of source(), decode order
  uint64_t wraps_ = 0;
};

}  // namespace loopcast
