#include <algorithm>
#include <cmath>
#include <random>

#include "base/backoff.hpp"

namespace loopcast {

double Backoff::delay(int attempt) const {
  const double d = initial * std::pow(factor, std::max(0, attempt));
  // Jitter keeps a fleet of engines from reconnecting in lockstep after an ingest outage; the cap
  // applies after it, so "back within `max` seconds of its return" holds for every attempt.
  thread_local std::mt19937 rng{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(0.9, 1.1);
  return std::clamp(d * jitter(rng), 0.05, std::max(0.05, max));
}

}  // namespace loopcast
