#include "api/snapshot.hpp"

#include "engine/video/jpeg.hpp"

namespace loopcast {

Result<std::shared_ptr<const std::string>> SnapshotCache::jpeg() {
  MutexLock lk(mu_);
  const auto now = std::chrono::steady_clock::now();
  if (jpeg_ && now - made_ < max_age_) return jpeg_;
  const TapShot shot = source_();
  if (!shot.keyframe) {
    jpeg_.reset();
    from_.reset();  // stopped: no old picture passed off as on air
    return Error{"no picture on air yet", Errc::unavailable};
  }
  if (jpeg_ && shot.keyframe == from_) {  // no newer keyframe: the same picture, still current
    made_ = now;
    return jpeg_;
  }
  auto frame = decode_shot(shot);
  if (!frame) return frame.forward();
  auto encoded = encode_jpeg(frame->get(), width_);
  if (!encoded) return encoded.forward();
  jpeg_ = std::make_shared<const std::string>(std::move(*encoded));
  from_ = shot.keyframe;
  made_ = now;
  ++encodes_;
  return jpeg_;
}

uint64_t SnapshotCache::encodes() const {
  MutexLock lk(mu_);
  return encodes_;
}

}  // namespace loopcast
