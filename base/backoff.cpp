#include <algorithm>
#include <cmath>
#include <random>

#include "base/backoff.hpp"

namespace loopcast {

double Backoff::delay(int attempt) const {
  double d = initial * std::pow(factor, std::max(0, attempt));
  d = std::min(d, max);
  // Jitter keeps a fleet of engines from reconnecting in lockstep after an ingest outage.
  thread_local std::mt19937 rng{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(0.9, 1.1);
  return std::max(0.05, d * jitter(rng));
}

}  // namespace loopcast
