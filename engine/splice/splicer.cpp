#include "engine/splice/splicer.hpp"

#include "engine/splice/splice_clock.hpp"

namespace loopcast {

Splicer::Splicer(std::unique_ptr<CachedLoop> first, int delay, int64_t start_frame)
    : loop_(std::move(first)), delay_(delay), base_(start_frame) {}

SplicedPacket Splicer::next(std::unique_ptr<CachedLoop>& pending) {
  QueuedCard none;
  return next(pending, none);
}

SplicedPacket Splicer::next(std::unique_ptr<CachedLoop>& pending, QueuedCard& card) {
  SplicedPacket out;
  // Invariant: base_ + k_ packets (= output frames) are out, showing exactly frames 0..base_+k_-1.
  const int64_t now = base_ + k_;
  const bool cut = source().clean_after(k_);
  const bool pass_end = !card_ && k_ == loop_->frames();
  const CachedLoop& under = pending ? *pending : *loop_;  // what a card entering now would stand on
  if (card.segment && card.segment->for_loop != under.source() && !(pending && card.segment->for_loop == loop_->source()))
    card.segment.reset();  // made for a loop that is gone
  const bool card_fits = card.segment && card.segment->for_loop == under.source() && (!card.at_wrap || (pass_end && !pending));
  if (cut && pending) {
    loop_ = std::move(pending);
    card_ = nullptr;
    out.switched = true;
    enter(now);
    if (card_fits) {
      card_ = std::move(card.segment);
      out.card = true;
    }
  } else if (cut && card_fits) {
    card_ = std::move(card.segment);
    out.card = true;
    enter(now);
  } else if (card_ && k_ == card_->frames->frames()) {
    // The loop goes on at its IDR `resume`, shown at the output frame the card's end stands for.
    const int64_t resume = card_->resume;
    card_ = nullptr;
    base_ = now - resume;
    k_ = resume;
  } else if (pass_end) {
    enter(now);
    ++wraps_;
  }
  const CachedPacket& p = source().packet(k_);
  out.packet = &p;
  out.pts = splice_clock::pts(base_, p.pts);
  out.dts = splice_clock::dts(base_, k_, delay_);
  ++k_;
  return out;
}

}  // namespace loopcast
