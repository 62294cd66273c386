// What the visualiser shows, computed from PCM alone (no pictures): band levels of a spectrum and
// the min/max envelope of a waveform. Pure functions so their maths is unit-tested on its own.
#pragma once
#include <utility>
#include <vector>

extern "C" {
#include <libavutil/tx.h>
}

namespace loopcast {

// Levels 0..1 of `bands` log-spaced frequency bands (40 Hz .. 16 kHz) of `samples` (mono,
// full scale ±1; the size must be a power of two, 256..16384). 0 is -60 dBFS or quieter, 1 a
// full-scale sine. Reuses its FFT set-up between calls.
class SpectrumAnalyzer {
 public:
  explicit SpectrumAnalyzer(int size);
  ~SpectrumAnalyzer();
  SpectrumAnalyzer(const SpectrumAnalyzer&) = delete;
  SpectrumAnalyzer& operator=(const SpectrumAnalyzer&) = delete;
  int size() const { return size_; }
  std::vector<float> bands(const float* samples, int sample_rate, int bands);

 private:
  int size_;
  AVTXContext* tx_ = nullptr;
  av_tx_fn fn_ = nullptr;
  std::vector<float> window_, in_, out_;  // out_ holds size/2+1 complex values
};

// Per column, the lowest and highest sample of that column's slice of `samples` (-1..1).
std::vector<std::pair<float, float>> wave_envelope(const float* samples, int n, int columns);

}  // namespace loopcast
