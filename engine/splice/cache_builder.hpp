// Encodes one loop once to the stream's exact profile (cache_tuning) and stores it (cache_file):
// decode → scale (LoopSource, CFR at the output rate) → the logo stamped (cfg.logo, loaded) → x264 with an IDR forced at frame 0 and at
// every GOP → MP4, atomically. Loops shorter than one keyframe interval repeat whole passes until
// they fill one, so the stream's keyframe rhythm holds.
#pragma once
#include <atomic>
#include <memory>
#include <string>

#include "base/result.hpp"
#include "engine/engine_config.hpp"
#include "engine/splice/cached_loop.hpp"

namespace loopcast {

// Loops longer than this are not cached (memory: the whole loop is held while splicing).
constexpr double kMaxCachedLoopSeconds = 600;

// Builds `loop`'s cache at `path` and returns it as read back from disk. `cancel` (may be null)
// aborts a build between frames; `frames_done` (may be null) counts the frames encoded so far, for
// a progress display.
Result<std::unique_ptr<CachedLoop>> build_cache(const std::string& loop, const std::string& path, const EngineConfig& cfg,
                                                const std::atomic<bool>* cancel = nullptr, std::atomic<int64_t>* frames_done = nullptr);

}  // namespace loopcast
