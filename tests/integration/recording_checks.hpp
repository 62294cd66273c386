// Checks of a recording against what the binary said, shared by the rig tests.
#pragma once
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/flv_probe.hpp"

namespace loopcast::test {

// Every frame missing from the recorded video (30 fps) is one the pipeline reported dropping in
// its log: no gap that nobody owned up to, not even at a switch or a reconnect. Returns that count
// (0 when the check could not run; the REQUIREs have failed the test then).
inline int64_t check_gaps_are_reported(const StreamReport& video, const std::string& log) {
  const auto gap = missing_frames(video, 30);
  const auto said = dropped_frames_in_log(log);
  REQUIRE_MESSAGE(gap, "a DTS step is not a whole number of frames");
  REQUIRE_MESSAGE(said, log);
  CHECK(*gap == *said);
  return *said;
}

}  // namespace loopcast::test
