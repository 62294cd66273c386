// GET /api/v1/streams/{id}/snapshot.jpg: each channel's on-air picture for the console's channel
// list, small (320 px wide). One SnapshotCache per stream id, made on first ask: every dashboard
// shares one JPEG per stream per two seconds.
#pragma once
#include <map>
#include <memory>
#include <string>

#include "api/snapshot.hpp"
#include "base/thread_annotations.hpp"

namespace loopcast {

class Streams;

class StreamSnapshots {
 public:
  static constexpr int kWidth = 320;
  explicit StreamSnapshots(const Streams& streams) : streams_(streams) {}
  // Errc::not_found for no such stream; unavailable while it shows nothing.
  Result<std::shared_ptr<const std::string>> jpeg(const std::string& id) EXCLUDES(mu_);

 private:
  const Streams& streams_;
  Mutex mu_;  // the map only; each cache has its own lock
  std::map<std::string, std::shared_ptr<SnapshotCache>> caches_ GUARDED_BY(mu_);
};

}  // namespace loopcast
