#include "engine/audio/leveler.hpp"

#include <algorithm>
#include <cmath>

namespace loopcast {

void Leveler::process(float* const* planes, int samples, double momentary, double short_term) {
  const double before = gain_db_;
  seen_ += samples;
  const double measured = settled_ ? short_term : momentary;
  // Hold through silence, a pause or a fade: the 3 s average still remembers the music then, and
  // following it would pull the gain up just as the next song starts.
  const bool quiet = !(momentary > kSilence) || momentary < short_term - kGate;
  if (seen_ >= rate_ * 4 / 10 && std::isfinite(measured) && measured > kSilence && !quiet) {
    const double wanted = std::clamp(target_ - measured, -kMaxCut, kMaxBoost);
    const double error = wanted - gain_db_;
    const double step = (settled_ ? kTrackRate : kSettleRate) * samples / rate_;
    // Hysteresis: start moving beyond the deadband, then go all the way (stopping at the band's
    // edge would leave the station up to 1 LU off for good).
    if (std::fabs(error) > kDeadband) moving_ = true;
    if (std::fabs(error) < kArrived) {
      moving_ = false;
      settled_ = true;
    }
    if (!settled_ || moving_) gain_db_ += std::clamp(error, -step, step);
  }
  const double g0 = std::pow(10.0, before / 20.0);
  const double g1 = std::pow(10.0, gain_db_ / 20.0);
  for (int i = 0; i < samples; ++i) {
    const float g = static_cast<float>(g0 + (g1 - g0) * (i + 1) / samples);
    planes[0][i] *= g;
    planes[1][i] *= g;
  }
}

}  // namespace loopcast
