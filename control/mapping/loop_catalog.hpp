// The loops an operator can pick from: the video files of the loops directory with their length,
// size and a thumbnail (a frame ~1 s in, as JPEG). Probes and thumbnails are made once per file
// version (path, size, mtime) and kept; names are plain file names, never paths.
#pragma once
#include <cstdint>
#include <compare>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "base/thread_annotations.hpp"
#include "engine/input/loop_source.hpp"

namespace loopcast {

struct LoopEntry {
  std::string name;     // file name, e.g. "ocean.mp4" (what POST /api/v1/track {"loop"} takes)
  std::string path;     // full path (compare with status "loop" for the one on air)
  double duration = 0;  // seconds; 0 when the file does not say or cannot be read
  uint64_t size = 0;    // bytes
  std::string error;    // why it cannot be probed (shown, never hidden)
};

class LoopCatalog {
 public:
  static constexpr double kThumbAt = 1.0;  // seconds into the loop

  // `thumb`: the picture size of a thumbnail (the stream's aspect, small).
  LoopCatalog(std::string dir, VideoFormat thumb) : dir_(std::move(dir)), thumb_(thumb) {}
  std::vector<LoopEntry> list() EXCLUDES(mu_);  // sorted by name
  // JPEG of the named loop. Errc::invalid for a name that is not a plain file name, not_found for
  // no such loop, internal (with the decoder's reason) for a file that does not decode.
  Result<std::shared_ptr<const std::string>> thumbnail(const std::string& name) EXCLUDES(mu_);

 private:
  struct Version {
    uint64_t size = 0;
    int64_t mtime = 0;
    auto operator<=>(const Version&) const = default;
  };
  struct Probed {
    Version version;
    LoopEntry entry;
  };
  struct Thumb {
    Version version;
    std::shared_ptr<const std::string> jpeg;  // null: `error` says why
    std::string error;
  };
  Result<std::string> path_of(const std::string& name) const;

  const std::string dir_;
  const VideoFormat thumb_;
  Mutex mu_;  // never held while a file is probed or decoded
  std::map<std::string, Probed> probed_ GUARDED_BY(mu_);  // by path
  std::map<std::string, Thumb> thumbs_ GUARDED_BY(mu_);   // by path
};

bool is_loop_file_name(const std::string& name);  // .mp4 .mkv .mov .webm

}  // namespace loopcast
