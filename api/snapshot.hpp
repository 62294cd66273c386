// GET /api/v1/snapshot.jpg: the on-air picture as JPEG, made on the asking HTTP thread from the
// keyframe the pipeline's tap last kept (decode, scale, mjpeg). One JPEG serves every dashboard
// for `max_age`; a new one is made only when the tap has a newer keyframe.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "base/result.hpp"
#include "base/thread_annotations.hpp"
#include "engine/video/frame_tap.hpp"

namespace loopcast {

class SnapshotCache {
 public:
  static constexpr int kWidth = 640;

  SnapshotCache(std::function<TapShot()> source, std::chrono::milliseconds max_age = std::chrono::milliseconds(2000), int width = kWidth)
      : source_(std::move(source)), max_age_(max_age), width_(width) {}
  // Errc::unavailable before the first keyframe (or while stopped).
  Result<std::shared_ptr<const std::string>> jpeg() EXCLUDES(mu_);
  uint64_t encodes() const EXCLUDES(mu_);  // JPEGs made so far (the cost many dashboards share)

 private:
  const std::function<TapShot()> source_;
  const std::chrono::milliseconds max_age_;
  const int width_;
  mutable Mutex mu_;  // held during an encode: concurrent askers wait for the one JPEG
  std::shared_ptr<const std::string> jpeg_ GUARDED_BY(mu_);
  std::shared_ptr<const AVPacket> from_ GUARDED_BY(mu_);  // the keyframe jpeg_ was made from (held: its address stays unique)
  std::chrono::steady_clock::time_point made_ GUARDED_BY(mu_){};
  uint64_t encodes_ GUARDED_BY(mu_) = 0;
};

}  // namespace loopcast
