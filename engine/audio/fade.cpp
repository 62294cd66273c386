#include "engine/audio/fade.hpp"

#include <algorithm>
#include <cmath>

namespace loopcast::fade {
namespace {
constexpr float kHalfPi = 1.57079632679f;
float phase(int i, int len) { return kHalfPi * (static_cast<float>(i) + 0.5f) / static_cast<float>(len); }
}  // namespace

float gain_in(int i, int len) {
  if (i < 0) return 0.f;
  if (i >= len) return 1.f;
  return std::sin(phase(i, len));
}

float gain_out(int i, int len) {
  if (i < 0) return 1.f;
  if (i >= len) return 0.f;
  return std::cos(phase(i, len));
}

void apply_in(float* const* planes, int channels, int from, int count, int step, int len) {
  for (int k = 0; k < count; ++k) {
    const int s = step + k;
    if (s >= len) break;  // past the ramp: unity
    const float g = gain_in(s, len);
    for (int c = 0; c < channels; ++c) planes[c][from + k] *= g;
  }
}

void apply_out(float* const* planes, int channels, int from, int count, int step, int len) {
  for (int k = 0; k < count; ++k) {
    const float g = gain_out(step + k, len);
    for (int c = 0; c < channels; ++c) planes[c][from + k] *= g;
  }
}

void mix(float* const* dst, const float* const* src, int channels, int from, int count) {
  for (int c = 0; c < channels; ++c)
    for (int k = 0; k < count; ++k) dst[c][from + k] += src[c][k];
}

float max_step(const float* x, int from, int to) {
  float m = 0.f;
  for (int i = from + 1; i < to; ++i) m = std::max(m, std::fabs(x[i] - x[i - 1]));
  return m;
}

}  // namespace loopcast::fade
