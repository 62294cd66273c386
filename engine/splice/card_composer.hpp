// Composes a title card ahead of its song (issue 22): the cached loop's first frames decoded, the
// card drawn over its first seconds, encoded once with the cache's pinned settings (so its SPS/PPS
// are the loop's), stored in the card cache and read back in the form the splicer sends.
// The decoded cache is the picture source (not the loop file): it is exactly what is on air frame
// for frame, needs no file or network access, and works for loops shorter than the card.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "base/result.hpp"
#include "engine/engine_config.hpp"
#include "engine/picture/title_card.hpp"
#include "engine/splice/card_segment.hpp"

namespace loopcast {

// How long a card segment over a loop of `loop_frames` runs, and where the loop resumes: the
// shortest length >= `want` frames that ends where the loop has an IDR (a multiple of `gop` within
// its pass), so the loop's own packets go on from there.
struct CardPlan {
  int64_t frames = 0;
  int64_t resume = 0;
};
CardPlan plan_card(int64_t loop_frames, int gop, int64_t want);

struct ComposedCard {
  std::shared_ptr<const CardSegment> segment;
  bool from_cache = false;  // found in the card cache: no encode
};

// `card_dir`: where segments are kept between songs and restarts (LRU by bytes, `max_bytes`).
// `cancel` (may be null) stops a compose between frames.
Result<ComposedCard> compose_card(const CachedLoop& plain, const CardText& text, const EngineConfig& cfg, const std::string& card_dir,
                                  uint64_t max_bytes, const std::atomic<bool>* cancel = nullptr);

}  // namespace loopcast
