#include "engine/audio/encoder_headroom.hpp"

#include <algorithm>

namespace loopcast {

void EncoderHeadroom::observe(double decoded_dbtp, double ceiling_dbtp, int64_t at) {
  const double over = decoded_dbtp - ceiling_dbtp;
  if (!(over > 0)) return;  // below the ceiling (or -inf: silence) says nothing about the codec
  const int64_t b = bucket(at);
  while (!worst_.empty() && worst_.front().first <= b - kBuckets) worst_.pop_front();
  if (worst_.empty() || worst_.back().first != b) worst_.emplace_back(b, over);
  else worst_.back().second = std::max(worst_.back().second, over);
}

double EncoderHeadroom::overshoot_db(int64_t at) const {
  double worst = at < static_cast<int64_t>(rate_) * 60 ? kStartOvershootDb : kMinOvershootDb;
  const int64_t b = bucket(at);
  for (const auto& [when, over] : worst_)
    if (when > b - kBuckets) worst = std::max(worst, over);
  return std::min(worst, kMaxOvershootDb);
}

}  // namespace loopcast
