// True-peak detection of one channel (ITU-R BS.1770-4 annex 2): the signal between the samples,
// found by 4× polyphase interpolation, peaks up to ~3 dB above the highest sample; a DAC (or the
// AAC decoder) reconstructs those peaks, so a limiter that only looks at samples clips anyway.
#pragma once
#include <array>

namespace loopcast {

class TruePeak {
 public:
  static constexpr int kTaps = 13;    // per phase: 4 phases of a 49-tap windowed sinc
  static constexpr int kDelay = 6;    // samples: the peak returned belongs to the input 6 samples ago

  TruePeak();
  // Pushes sample n; returns the highest |value| of the reconstructed signal from input sample
  // n-6 (included) to n-5 (excluded).
  float push(float x);

 private:
  std::array<std::array<float, kTaps>, 4> phase_{};  // phase_[p][j] = h[4j + p]
  std::array<float, 2 * kTaps> hist_{};              // the last kTaps inputs, stored twice (no wrap)
  int pos_ = 0;
};

}  // namespace loopcast
