#include "engine/video/live_title_card.hpp"

#include <cmath>

#include "base/log.hpp"

namespace loopcast {

void LiveTitleCard::set(CardText text) {
  MutexLock lk(mu_);
  pending_ = std::move(text);
}

const AVFrame* LiveTitleCard::apply(const AVFrame* in, int64_t n) {
  if (!cfg_.enabled()) return in;
  std::optional<CardText> next;
  {
    MutexLock lk(mu_);
    next.swap(pending_);
  }
  if (next) {
    auto p = TitleCardPainter::create(cfg_, width_, height_, *next);  // a few ms, once per song
    if (p) painter_ = std::move(*p);
    else log::warn("card", "title card for '{}': {} (not drawn)", next->title, p.error());
    if (!p) painter_.reset();
    since_ = n;
  }
  if (!painter_) return in;
  const int64_t shown = std::llround(cfg_.seconds * fps_), every = std::llround(cfg_.every * fps_);
  const int64_t into = n - since_;
  if (into >= shown && (every <= 0 || into % every >= shown)) return in;
  auto drawn = painter_->paint(in);
  return drawn ? *drawn : in;
}

}  // namespace loopcast
