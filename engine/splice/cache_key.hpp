// Where a loop's pre-encoded cache lives: named by the loop file's content hash and by a hash of
// every setting that reaches the cached bitstream (the "profile"), so a changed file or setting
// never reuses a stale entry, and the same file under another name shares one.
#pragma once
#include <string>

#include "base/result.hpp"
#include "engine/encoder.hpp"
#include "engine/engine_config.hpp"

namespace loopcast {

// Reorder depth of every cached loop (B-pyramid: I0 P4 B2 b1 b3, b1 is decoded 2 frames after its
// display slot), and so the splice stream's DTS lag behind PTS.
constexpr int kCacheReorderDelay = 2;

// Frames between forced IDRs (the configured keyframe interval at the output rate).
int gop_frames(const EngineConfig& cfg);
// Tuning of the cache encode in cfg.codec: pinned so that every cached loop has byte-identical
// parameter sets, with a slower preset than live since each loop is encoded once. H.264: stitchable,
// fixed refs, 3 B-frames with pyramid, level from the size and rate, CBR HRD. HEVC (x265 medium):
// 3 B-frames with pyramid, wavefronts, one thread; x265 chooses the level from the same settings.
VideoTuning cache_tuning(const EngineConfig& cfg);
// Tuning of segments composed per song (title cards, cover scenes): the cache's pinned header
// settings with a faster preset, since one is made for every song beside the live streams. Only
// what never reaches the parameter sets differs (motion search, trellis, lookahead; x265's veryfast
// writes medium's VPS/SPS/PPS, checked with trace_headers); the composer still compares the headers
// and falls back to the cache's tuning when they differ.
VideoTuning segment_tuning(const EngineConfig& cfg);
// Every input of the cached bitstream, as text (hashed into the cache file name).
std::string cache_profile(const EngineConfig& cfg);
// SHA-256 of a local file's bytes (libavutil hash), lower-case hex.
Result<std::string> content_hash(const std::string& path);
// DIR/<loop name>-<content hash>-<profile hash>.mp4
Result<std::string> cache_path(const std::string& cache_dir, const std::string& loop, const EngineConfig& cfg);
// The same with the loop's content_hash() already read (one read for every profile of a loop).
std::string cache_path(const std::string& cache_dir, const std::string& loop, const std::string& content, const EngineConfig& cfg);
// $XDG_CACHE_HOME/loopcast, else $HOME/.cache/loopcast (if $HOME exists), else /tmp/loopcast-cache.
std::string default_cache_dir();

}  // namespace loopcast
