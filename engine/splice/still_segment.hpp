// A still picture as a cached loop for splice mode: the cover-art scene ("@art", "@live",
// --background art) is one picture per song, so one GOP of it is encoded once (the logo stamped as
// on every cached loop, the cache's pinned settings: the same SPS/PPS) and spliced in a loop like
// any cached loop. Kept in the card cache, so a song played again costs nothing.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/av.hpp"
#include "base/result.hpp"
#include "engine/engine_config.hpp"
#include "engine/splice/cached_loop.hpp"

namespace loopcast {

// `picture`: output-sized YUV420P. `name`: the source the loop shows as (status "loop", logs).
// `cfg.logo` must be loaded (as the loop cache's is). `loop_extradata`: the cached loops' SPS/PPS
// (empty while none is loaded: then the cache's slower tuning, which always matches).
Result<std::unique_ptr<CachedLoop>> still_segment(const AVFrame* picture, const std::string& name, const EngineConfig& cfg,
                                                  const std::vector<uint8_t>& loop_extradata, const std::string& card_dir,
                                                  uint64_t max_bytes);

}  // namespace loopcast
