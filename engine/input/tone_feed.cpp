#include "engine/input/tone_feed.hpp"

#include <algorithm>
#include <cmath>

namespace loopcast {

void ToneFeed::read(uint8_t* const* planes, int samples) {
  auto* l = reinterpret_cast<float*>(planes[0]);
  auto* r = reinterpret_cast<float*>(planes[1]);
  for (int i = 0; i < samples; ++i, ++n_) {
    const double t = static_cast<double>(n_) / rate_;
    const double phase = t - std::floor(t);
    // 0.3 s tone, 0.7 s quiet, with 10 ms ramps to avoid clicks.
    double env = phase < 0.3 ? std::min({1.0, phase / 0.01, (0.3 - phase) / 0.01}) : 0.0;
    const float v = static_cast<float>(0.2 * env * std::sin(2 * M_PI * 440.0 * t));
    l[i] = v;
    r[i] = v;
  }
}

}  // namespace loopcast
