#include "control/stream/splice_policy.hpp"

#include "engine/output/output_profile.hpp"
#include "engine/splice/cache_key.hpp"

#include "base/log.hpp"

namespace loopcast {

std::shared_ptr<LoopCache> splice_cache_for(const EngineConfig& e, bool live_scene) {
  // auto splices only when nothing draws on the frames, and, with outputs' own profiles, nothing is
  // composed per song (made for the stream's own picture only); validate() refuses splice otherwise.
  const bool per_song = e.title_card.enabled() || e.background == Background::art || live_scene;
  if (e.video_mode != VideoMode::splice &&
      (e.video_mode != VideoMode::automatic || draws_per_frame(e) || (!stream_profile_only(e) && per_song)))
    return nullptr;
  auto cache = std::make_shared<LoopCache>(e, e.cache_dir.empty() ? default_cache_dir() : e.cache_dir);
  cache->prepare({e.loop});
  return cache;
}

std::unique_ptr<CachedLoop> start_cache(LoopCache* cache, bool must_splice, const std::string& loop) {
  if (!cache) return nullptr;
  if (must_splice) {
    auto c = cache->ensure(loop);
    if (c) return std::move(*c);
    log::warn("control", "{}; this session encodes its video", c.error());
    return nullptr;
  }
  auto c = cache->load(loop);
  if (c) return std::move(*c);
  // A session cannot move from encode to splice without a new sequence header: it stays encode,
  // and the next start (restart, watchdog, process) splices once the cache is built.
  log::info("control", "video mode auto: loop '{}' is not cached yet (building in the background); this session encodes", loop);
  cache->prepare({loop});
  return nullptr;
}

}  // namespace loopcast
