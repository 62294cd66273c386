// A look-ahead true-peak limiter for stereo planar float: no reconstructed peak leaves it above
// the ceiling, and its gain never steps (a step is a click). The price is a fixed delay of
// lookahead + TruePeak::kDelay samples, the same on every chunk, so A/V sync only moves by it once.
//
// How: per sample the gain the true peak requires (ceiling / peak, at most 1); the minimum of that
// over the look-ahead window ("hold"), released exponentially; then a moving average over the
// same window. The average of values that each are ≤ the requirement of the sample leaving the
// delay line is ≤ it too, so the ceiling holds without overshoot while the gain ramps smoothly.
#pragma once
#include <array>
#include <vector>

#include "engine/audio/true_peak.hpp"

namespace loopcast {

class PeakLimiter {
 public:
  PeakLimiter(int sample_rate, double ceiling_dbtp, double lookahead_ms = 5, double release_ms = 150);
  // In place, two planes of `samples` samples.
  void process(float* const* planes, int samples);
  int delay() const { return window_ - 1 + TruePeak::kDelay; }
  double gain_db() const;  // the gain applied to the last sample (0 dB when nothing limits)
  // A new ceiling from the next sample on: lower, the gain ramps down over the look-ahead; higher,
  // it is released as after a peak.
  void set_ceiling(double ceiling_dbtp);

 private:
  float ceiling_;
  int window_;          // look-ahead, samples
  double release_;      // per-sample release coefficient
  std::array<TruePeak, 2> detect_;
  std::vector<float> delay_[2];  // audio delay lines (ring, delay() long)
  int delay_pos_ = 0;
  // Sliding minimum of the required gain over `window_` samples (monotonic queue on a ring).
  std::vector<float> q_val_;
  std::vector<long long> q_idx_;
  int q_head_ = 0, q_size_ = 0;
  long long n_ = 0;
  double released_ = 1;
  // Moving average of the released gain over `window_` samples.
  std::vector<double> box_;
  int box_pos_ = 0;
  double box_sum_;
  float last_gain_ = 1;
};

}  // namespace loopcast
