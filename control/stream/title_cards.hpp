// A splice stream's title cards: each song's card composed ahead on the process's ComposePool
// while its switch waits its delay, over the loop the song will show (its splice cache). The
// slot goes with the song to the splice path, which never waits for it (engine/splice/splice_path).
#pragma once
#include <atomic>
#include <memory>
#include <string>

#include "control/mapping/track.hpp"
#include "engine/engine_config.hpp"
#include "engine/splice/card_slot.hpp"
#include "engine/splice/loop_cache.hpp"

namespace loopcast {

// Card cache bound: about 800 songs' 8 s cards at 2.5 Mb/s.
constexpr uint64_t kCardCacheBytes = uint64_t{2} << 30;

class TitleCards {
 public:
  TitleCards(const EngineConfig& cfg, std::shared_ptr<LoopCache> cache);
  ~TitleCards();  // cancels this stream's cards still queued or composing

  // The card of `track` over `loop` (a loop file or URL the cache knows), composing from now.
  std::shared_ptr<CardSlot> compose(const std::string& loop, const TrackInfo& track, const std::string& next);

 private:
  struct Shared {
    EngineConfig cfg;
    std::shared_ptr<LoopCache> cache;
    std::string dir;
    std::atomic<bool> cancel{false};
  };
  std::shared_ptr<Shared> s_;
};

}  // namespace loopcast
