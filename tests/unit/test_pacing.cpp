#include <doctest/doctest.h>

#include "engine/pacing.hpp"

using namespace loopcast::pacing;

TEST_CASE("video frames due follow the audio clock exactly") {
  CHECK(video_frames_due(0, 44100, 30) == 0);
  CHECK(video_frames_due(1, 44100, 30) == 1);      // frame 0 starts at t=0 < 1 sample
  CHECK(video_frames_due(1470, 44100, 30) == 1);   // exactly 1/30 s: frame 1 starts there, not before
  CHECK(video_frames_due(1471, 44100, 30) == 2);
  CHECK(video_frames_due(44100, 44100, 30) == 30);
  CHECK(video_frames_due(48000, 48000, 30000, 1001) == 30);  // 29.97: 29.97 frames in 1 s → 30 started
}

TEST_CASE("no drift after a simulated year of AAC frames") {
  // 1024-sample AAC frames for 365 days at 44.1 kHz: the video count must equal the exact ratio.
  const int64_t frames_per_year = int64_t{365} * 24 * 3600 * 44100 / 1024;
  const int64_t samples = frames_per_year * 1024;
  const int64_t due = video_frames_due(samples, 44100, 30);
  const long double exact = static_cast<long double>(samples) * 30 / 44100;
  CHECK(due - exact >= 0);
  CHECK(due - exact < 1);
  // And it is monotonic frame by frame around huge counts.
  int64_t prev = video_frames_due(samples - 1024 * 100, 44100, 30);
  for (int i = 99; i >= 0; --i) {
    int64_t d = video_frames_due(samples - 1024 * i, 44100, 30);
    CHECK(d >= prev);
    CHECK(d - prev <= 1);  // one AAC frame (23 ms) never makes more than one 33 ms frame due
    prev = d;
  }
}

TEST_CASE("drift compensation is bounded, signed and has a dead band") {
  CHECK(compensation_samples(0.50, 0.5, 44100) == 0);
  CHECK(compensation_samples(0.54, 0.5, 44100) == 0);
  CHECK(compensation_samples(0.60, 0.5, 44100) < 0);    // too much buffered: consume faster
  CHECK(compensation_samples(0.30, 0.5, 44100) > 0);    // running low: stretch
  CHECK(compensation_samples(5.0, 0.5, 44100) == -88);  // capped at 0.2 %
  CHECK(compensation_samples(0.0, 3.0, 48000) == 96);
}
