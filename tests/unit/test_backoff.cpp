// The reconnect schedule every input and output uses: growth, jitter, and a cap that holds.
#include <doctest/doctest.h>

#include <cmath>
#include <set>

#include "base/backoff.hpp"
#include "engine/engine_config.hpp"

using loopcast::Backoff;

TEST_CASE("backoff grows by its factor from the initial delay, each delay within ±10 % jitter") {
  const Backoff b{1.0, 1.5, 30.0, 0};
  for (int attempt = 0; attempt < 8; ++attempt) {  // 1.5^7 ≈ 17 s: still under the cap
    const double nominal = std::pow(1.5, attempt);
    for (int i = 0; i < 200; ++i) {
      const double d = b.delay(attempt);
      CAPTURE(attempt);
      CHECK(d >= nominal * 0.9 - 1e-9);
      CHECK(d <= nominal * 1.1 + 1e-9);
    }
  }
  CHECK(b.delay(-3) <= 1.1);  // a negative attempt is the first one
}

TEST_CASE("the cap holds after jitter: a station back up is reconnected within the cap, every time") {
  const loopcast::EngineConfig defaults;
  const Backoff& input = defaults.input_backoff;  // README: 1 s ×1.5, cap 10 s
  CHECK(input.initial == 1.0);
  CHECK(input.factor == 1.5);
  CHECK(input.max == 10.0);
  CHECK(defaults.output_backoff.max == 30.0);  // README: cap 30 s for ingests
  for (int attempt = 0; attempt < 60; ++attempt)
    for (int i = 0; i < 100; ++i) {
      CAPTURE(attempt);
      const double d = input.delay(attempt);
      CHECK(d <= 10.0);
      if (attempt >= 8) CHECK(d >= 9.0 - 1e-9);  // at the cap, jitter only lowers it
    }
}

TEST_CASE("jitter spreads engines apart, and tiny or zero settings never spin") {
  const Backoff b{2.0, 1.5, 30.0, 0};
  std::set<double> seen;
  for (int i = 0; i < 50; ++i) seen.insert(b.delay(2));
  CHECK(seen.size() > 40);  // not lockstep
  const Backoff zero{0.0, 1.5, 0.0, 0};
  CHECK(zero.delay(0) >= 0.05);  // a minimum pause, never a busy loop
}
