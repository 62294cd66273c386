#include "engine/splice/splicer.hpp"

#include "engine/splice/splice_clock.hpp"

namespace loopcast {

Splicer::Splicer(std::unique_ptr<CachedLoop> first, int delay, int64_t start_frame)
    : loop_(std::move(first)), delay_(delay), base_(start_frame) {}

SplicedPacket Splicer::next(std::unique_ptr<CachedLoop>& pending) {
  SplicedPacket out;
  // Invariant: base_ + k_ packets (= output frames) are out, showing exactly frames 0..base_+k_-1.
  if (pending && loop_->clean_after(k_)) {
    base_ += k_;
    k_ = 0;
    loop_ = std::move(pending);
    out.switched = true;
  } else if (k_ == loop_->frames()) {
    base_ += k_;
    k_ = 0;
    ++wraps_;
  }
  const CachedPacket& p = loop_->packet(k_);
  out.packet = &p;
  out.pts = splice_clock::pts(base_, p.pts);
  out.dts = splice_clock::dts(base_, k_, delay_);
  ++k_;
  return out;
}

}  // namespace loopcast
