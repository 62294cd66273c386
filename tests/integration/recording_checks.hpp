// Checks of a recording against what the binary said, shared by the rig tests.
#pragma once
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <cstdint>
#include <string>

#include "tests/integration/run_loopcast.hpp"
#include "tests/support/flv_probe.hpp"
#include "tests/support/sequence_headers.hpp"

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

// A spliced recording is one clean stream: DTS monotonic, keyframes at most 2 s apart, never a
// second sequence header (every cached loop, card and scene carries the same SPS/PPS), and FFmpeg
// decodes it with -xerror without a word.
inline void check_one_clean_sequence(const std::string& recording) {
  auto rep = probe_media(recording, false, false);
  REQUIRE_MESSAGE(rep, (rep ? "" : rep.error()));
  CHECK_MESSAGE(rep->video.dts_monotonic, rep->video.first_violation);
  CHECK(rep->video.max_keyframe_interval <= 2.0 + 0.002);
  CHECK(changed_sequence_headers(recording) == 0);
  auto clean = run_cmd(fmt::format("ffmpeg -nostdin -v error -xerror -i {} -f null - 2>&1", shell_quote(recording)));
  CHECK_MESSAGE(clean.code == 0, clean.output);
  CHECK_MESSAGE(clean.output.empty(), clean.output);
}

}  // namespace loopcast::test
