// Where the true-peak limiter must hold the audio so that what a listener's decoder rebuilds stays
// under -1 dBTP: the AAC encoder overshoots by an amount that depends on the material (hard
// transients, noise), so the headroom is the largest overshoot measured on the decoded stream in
// the last 10 minutes (never under 1 dB), and 4 dB — above the worst the rig measured — for the
// first minute, before the measurements say what this station needs.
#pragma once
#include <cstdint>
#include <deque>
#include <utility>

namespace loopcast {

class EncoderHeadroom {
 public:
  static constexpr double kPromisedDbtp = -1.0;  // the decoded stream's ceiling (YouTube/AES streaming)
  static constexpr double kMarginDb = 0.5;
  static constexpr double kStartOvershootDb = 4.0;
  static constexpr double kMinOvershootDb = 1.0;
  static constexpr double kMaxOvershootDb = 8.0;  // a broken measurement must not mute the station

  explicit EncoderHeadroom(int sample_rate) : rate_(sample_rate) {}
  // A decoded true peak (dBTP) measured while the limiter held `ceiling_dbtp`, `at` samples into the stream.
  void observe(double decoded_dbtp, double ceiling_dbtp, int64_t at);
  double overshoot_db(int64_t at) const;  // the headroom the encoder needs now
  double ceiling_dbtp(int64_t at) const { return kPromisedDbtp - kMarginDb - overshoot_db(at); }

 private:
  static constexpr int kBucketSeconds = 10;
  static constexpr int kBuckets = 60;  // 10 minutes
  int64_t bucket(int64_t at) const { return at / (static_cast<int64_t>(rate_) * kBucketSeconds); }
  int rate_;
  std::deque<std::pair<int64_t, double>> worst_;  // (bucket, largest overshoot in it), oldest first
};

}  // namespace loopcast
