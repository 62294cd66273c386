// A cached loop on disk: one H.264 track in an MP4 (libavformat writes and reads it, and ffprobe
// can inspect it), written to a temp file and renamed, so a reader sees a whole entry or none.
// MP4 keeps its index (moov) at the end, so a file cut short does not open at all; the comment tag
// records the frame count, a SHA-256 over the packets and the profile, so corruption anywhere in
// the data, or an entry from other settings, is detected at load and the entry is rebuilt.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "base/av.hpp"
#include "base/result.hpp"
#include "engine/splice/cached_loop.hpp"

namespace loopcast {

struct CacheMeta {
  std::string source;   // loop file it was made from (for messages)
  std::string profile;  // cache_profile() of the stream
  int fps = 30;
  int max_gop = 60;
};

// `packets` in decode order with local frame numbers; `enc` gives the codec parameters.
Status write_cache(const std::string& path, const AVCodecContext* enc, const std::vector<CachedPacket>& packets,
                   const CacheMeta& meta);
// Errc::not_found when there is no entry; Errc::invalid when it is partial, corrupt or of
// another profile (the caller rebuilds it).
Result<std::unique_ptr<CachedLoop>> read_cache(const std::string& path, const CacheMeta& meta);

}  // namespace loopcast
