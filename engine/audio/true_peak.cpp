#include "engine/audio/true_peak.hpp"

#include <cmath>

namespace loopcast {

TruePeak::TruePeak() {
  // A Hann-windowed sinc low-pass at the input's Nyquist, 49 taps centred on tap 24: phase 0 is
  // then a pure delay of 6 samples (the sample itself) and phases 1..3 the points between.
  constexpr int n = 4 * kTaps - 3;  // 49
  constexpr double centre = (n - 1) / 2.0;
  double h[4 * kTaps] = {};
  for (int k = 0; k < n; ++k) {
    const double t = (k - centre) / 4.0;
    const double sinc = t == 0 ? 1.0 : std::sin(M_PI * t) / (M_PI * t);
    const double hann = 0.5 - 0.5 * std::cos(2 * M_PI * (k + 1) / (n + 1));
    h[k] = sinc * hann;
  }
  for (int p = 0; p < 4; ++p) {
    double sum = 0;
    for (int j = 0; j < kTaps; ++j) sum += h[4 * j + p];
    for (int j = 0; j < kTaps; ++j) phase_[p][j] = static_cast<float>(sum != 0 ? h[4 * j + p] / sum : 0);  // unity DC gain
  }
}

float TruePeak::push(float x) {
  pos_ = (pos_ + 1) % kTaps;
  hist_[pos_] = hist_[pos_ + kTaps] = x;
  // hist_[pos_ + kTaps - j] is the input j samples ago.
  const float* newest = &hist_[pos_ + kTaps];
  float peak = std::fabs(newest[-kDelay]);
  for (int p = 1; p < 4; ++p) {
    float y = 0;
    for (int j = 0; j < kTaps; ++j) y += phase_[p][j] * newest[-j];
    peak = std::fmax(peak, std::fabs(y));
  }
  return peak;
}

}  // namespace loopcast
