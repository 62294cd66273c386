// The pipeline's sound stage between the audio feed and the AAC encoder: it always measures the
// loudness of what is sent (status, metrics, dashboard) and, with a target, evens the station out
// (Leveler) under a true-peak ceiling (PeakLimiter). Runs on the pipeline thread; status() may be
// read from any thread.
#pragma once
#include <memory>
#include <optional>

#include "base/thread_annotations.hpp"
#include "engine/audio/leveler.hpp"
#include "engine/audio/loudness_meter.hpp"
#include "engine/audio/peak_limiter.hpp"

namespace loopcast {

class LoudnessStage {
 public:
  // The limiter's ceiling before the encoder. AAC at 128 kb/s overshoots on hard transients
  // (measured on the rig with noise hits: up to 2.3 dB, -3 dBTP in came out at -0.7 dBTP), so
  // -4 dBTP here keeps the decoded stream under YouTube's -1 dBTP.
  static constexpr double kCeilingDbtp = -4.0;

  LoudnessStage(int sample_rate, std::optional<double> target_lufs);
  // In place: two planes of `samples` samples.
  void process(float* const* planes, int samples);
  // Samples the stage delays the audio by (the limiter's look-ahead; 0 without a target).
  int delay() const { return limiter_ ? limiter_->delay() : 0; }
  LoudnessStatus status() const;

 private:
  int rate_;
  std::optional<double> target_;
  LoudnessMeter sent_;
  std::unique_ptr<LoudnessMeter> input_;  // before the gain: what the leveler follows
  std::unique_ptr<Leveler> leveler_;
  std::unique_ptr<PeakLimiter> limiter_;
  int chunks_ = 0;
  mutable Mutex mu_;
  LoudnessStatus published_ GUARDED_BY(mu_);
};

}  // namespace loopcast
