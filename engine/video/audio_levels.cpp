#include "engine/video/audio_levels.hpp"

#include <algorithm>
#include <cmath>

namespace loopcast {
namespace {
constexpr float kFloorDb = -60.f;
constexpr double kLowHz = 40, kHighHz = 16000;
}  // namespace

SpectrumAnalyzer::SpectrumAnalyzer(int size) : size_(size), window_(size), in_(size), out_(size + 2) {
  for (int i = 0; i < size; ++i) window_[i] = 0.5f - 0.5f * std::cos(2 * M_PI * i / (size - 1));  // Hann
  const float scale = 1.f;
  if (av_tx_init(&tx_, &fn_, AV_TX_FLOAT_RDFT, 0, size, &scale, AV_TX_UNALIGNED) < 0) tx_ = nullptr;
}

SpectrumAnalyzer::~SpectrumAnalyzer() { av_tx_uninit(&tx_); }

std::vector<float> SpectrumAnalyzer::bands(const float* samples, int sample_rate, int bands) {
  std::vector<float> level(std::max(0, bands), 0.f);
  if (!tx_ || bands <= 0) return level;
  for (int i = 0; i < size_; ++i) in_[i] = samples[i] * window_[i];
  fn_(tx_, out_.data(), in_.data(), sizeof(float));
  // A full-scale sine through a Hann window peaks at size/4 in one bin: that is 0 dB.
  const double ref = size_ / 4.0;
  const double bin_hz = static_cast<double>(sample_rate) / size_;
  const int last_bin = size_ / 2;
  for (int b = 0; b < bands; ++b) {
    const double f0 = kLowHz * std::pow(kHighHz / kLowHz, static_cast<double>(b) / bands);
    const double f1 = kLowHz * std::pow(kHighHz / kLowHz, static_cast<double>(b + 1) / bands);
    int lo = std::clamp(static_cast<int>(std::floor(f0 / bin_hz)), 1, last_bin);
    int hi = std::clamp(static_cast<int>(std::ceil(f1 / bin_hz)), lo, last_bin);
    float peak = 0;  // the loudest bin of the band: a tone lights its own band, not its neighbours
    for (int k = lo; k <= hi; ++k) peak = std::max(peak, std::hypot(out_[2 * k], out_[2 * k + 1]));
    const float db = peak > 0 ? 20.f * std::log10(static_cast<float>(peak / ref)) : kFloorDb;
    level[b] = std::clamp((db - kFloorDb) / -kFloorDb, 0.f, 1.f);
  }
  return level;
}

std::vector<std::pair<float, float>> wave_envelope(const float* samples, int n, int columns) {
  std::vector<std::pair<float, float>> env(std::max(0, columns), {0.f, 0.f});
  if (n <= 0) return env;
  for (int c = 0; c < columns; ++c) {
    const int a = static_cast<int>(static_cast<int64_t>(n) * c / columns);
    const int b = std::max(a + 1, static_cast<int>(static_cast<int64_t>(n) * (c + 1) / columns));
    float lo = samples[a], hi = samples[a];
    for (int i = a; i < b && i < n; ++i) {
      lo = std::min(lo, samples[i]);
      hi = std::max(hi, samples[i]);
    }
    env[c] = {std::clamp(lo, -1.f, 1.f), std::clamp(hi, -1.f, 1.f)};
  }
  return env;
}

}  // namespace loopcast
