// The status rates (fps, kbps, speed) from two samples of a pipeline's counters.
#include <doctest/doctest.h>

#include "control/status/rate_meter.hpp"

using namespace loopcast;

TEST_CASE("rate meter: rates between two samples, zero on the first") {
  RateMeter m;
  Rates r = m.sample({0, 0, 0}, 10.0);
  CHECK(r.fps == 0);
  CHECK(r.kbps == 0);
  r = m.sample({60, 250'000, 2.0}, 12.0);  // two wall seconds later
  CHECK(r.fps == doctest::Approx(30));
  CHECK(r.kbps == doctest::Approx(1000));   // 250 kB in 2 s = 1000 kbit/s
  CHECK(r.speed == doctest::Approx(1.0));
  r = m.sample({90, 250'000, 4.0}, 13.0);
  CHECK(r.fps == doctest::Approx(30));
  CHECK(r.kbps == 0);
  CHECK(r.speed == doctest::Approx(2.0));    // a soak at twice real time
}

TEST_CASE("rate meter: a new pipeline (counters back to zero) or no time passed starts afresh") {
  RateMeter m;
  (void)m.sample({300, 1'000'000, 10}, 1.0);
  Rates r = m.sample({30, 100'000, 1}, 2.0);  // a restart: counters went backwards
  CHECK(r.fps == 0);
  CHECK(r.speed == 0);
  r = m.sample({60, 200'000, 2}, 3.0);        // measured from the new pipeline's sample
  CHECK(r.fps == doctest::Approx(30));
  r = m.sample({90, 300'000, 3}, 3.0);        // same instant: no division by zero
  CHECK(r.fps == 0);
  m.reset();
  r = m.sample({120, 400'000, 4}, 4.0);       // after reset: the first sample again
  CHECK(r.fps == 0);
  r = m.sample({150, 500'000, 5}, 5.0);
  CHECK(r.fps == doctest::Approx(30));
}
