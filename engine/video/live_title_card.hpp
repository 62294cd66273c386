// The title card in encode mode: the same band as splice mode's composed-ahead cards
// (engine/picture/title_card), drawn per frame over each song's first seconds and again every
// `every` seconds of the song. Splice mode composes it ahead instead (engine/splice/card_composer).
#pragma once
#include <memory>
#include <optional>

#include "base/thread_annotations.hpp"
#include "engine/picture/title_card.hpp"

namespace loopcast {

class LiveTitleCard {
 public:
  LiveTitleCard(TitleCardConfig cfg, int width, int height, int fps) : cfg_(std::move(cfg)), width_(width), height_(height), fps_(fps) {}
  // Thread-safe: the song's card, from the next frame on.
  void set(CardText text) EXCLUDES(mu_);
  // `in` with the card drawn when it is due at output frame `n`, else `in` (drawing never costs
  // the stream a frame: a failure shows the plain picture).
  const AVFrame* apply(const AVFrame* in, int64_t n) EXCLUDES(mu_);

 private:
  const TitleCardConfig cfg_;
  const int width_, height_, fps_;
  Mutex mu_;
  std::optional<CardText> pending_ GUARDED_BY(mu_);
  std::unique_ptr<TitleCardPainter> painter_;  // pipeline thread only, like the rest below
  int64_t since_ = -1;                         // output frame the song's card started at
};

}  // namespace loopcast
