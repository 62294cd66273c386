// The pipeline's sound stage between the audio feed and the AAC encoder: it always measures the
// loudness of what is sent (status, metrics, dashboard) and, with a target, evens the station out
// (Leveler) under a true-peak ceiling (PeakLimiter) set by what the encoder is measured to add
// (EncoderHeadroom). Runs on the pipeline thread; status() may be read from any thread.
#pragma once
#include <memory>
#include <optional>

#include "base/thread_annotations.hpp"
#include "engine/audio/encoder_headroom.hpp"
#include "engine/audio/leveler.hpp"
#include "engine/audio/loudness_meter.hpp"
#include "engine/audio/peak_limiter.hpp"

namespace loopcast {

class LoudnessStage {
 public:
  LoudnessStage(int sample_rate, std::optional<double> target_lufs);
  // In place: two planes of `samples` samples.
  void process(float* const* planes, int samples);
  // Samples the stage delays the audio by (the limiter's look-ahead; 0 without a target).
  int delay() const { return limiter_ ? limiter_->delay() : 0; }
  LoudnessStatus status() const;
  // The true peak (linear) of the encoder's output decoded again (EncodedPeak), measured when the
  // encoder gave back a packet: moves the limiter's ceiling with the encoder's overshoot.
  void heard_encoded(float peak);
  bool wants_encoded() const { return limiter_ != nullptr; }

 private:
  int rate_;
  std::optional<double> target_;
  LoudnessMeter sent_;
  std::unique_ptr<LoudnessMeter> input_;  // before the gain: what the leveler follows
  std::unique_ptr<Leveler> leveler_;
  std::unique_ptr<PeakLimiter> limiter_;
  EncoderHeadroom headroom_{rate_};
  double ceiling_ = EncoderHeadroom::kPromisedDbtp;
  double encoded_max_ = -INFINITY;  // dBTP
  int64_t samples_ = 0;
  int chunks_ = 0;
  mutable Mutex mu_;
  LoudnessStatus published_ GUARDED_BY(mu_);
};

}  // namespace loopcast
