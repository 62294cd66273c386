// Whether a stream splices: it may when nothing draws on its frames (video mode auto) or it must
// (splice). A pipeline splices for its whole life or not at all (one sequence header per
// session), so each start chooses from the start loop's cache.
#pragma once
#include <memory>
#include <string>

#include "engine/splice/cached_loop.hpp"
#include "engine/splice/loop_cache.hpp"

namespace loopcast {

// The stream's splice cache, its start loop queued for building; null: the stream never splices.
// `live_scene`: the live DJ is shown as a composed scene (live_loop @live), made per song.
std::shared_ptr<LoopCache> splice_cache_for(const EngineConfig& e, bool live_scene);

// The start loop's cache, or null: the session encodes. `cache` null: the stream never splices.
// `must_splice` (video mode splice): the cache is built now if missing, and the start waits for
// it; otherwise (auto) a missing cache is queued for building and this session encodes.
std::unique_ptr<CachedLoop> start_cache(LoopCache* cache, bool must_splice, const std::string& loop);

}  // namespace loopcast
