// One clock: the audio sample count is the master; everything else is derived from it with
// exact integer maths so nothing drifts, however long the stream runs.
#pragma once
#include <cstdint>

namespace loopcast::pacing {

// Number of video frames whose start time n/fps lies before the audio end time samples/rate,
// i.e. how many frames must have been emitted once `audio_samples` samples are out.
// fps = fps_num/fps_den. ceil(samples * fps_num / (rate * fps_den)).
constexpr int64_t video_frames_due(int64_t audio_samples, int rate, int fps_num, int fps_den = 1) {
  const __int128 num = static_cast<__int128>(audio_samples) * fps_num;
  const __int128 den = static_cast<__int128>(rate) * fps_den;
  return static_cast<int64_t>((num + den - 1) / den);
}

// Seconds of media represented by `samples` at `rate`.
constexpr double audio_seconds(int64_t samples, int rate) { return static_cast<double>(samples) / rate; }

// Time of video frame n at fps_num/fps_den.
constexpr double video_seconds(int64_t frame, int fps_num, int fps_den = 1) {
  return static_cast<double>(frame) * fps_den / fps_num;
}

// Drift control for the live jitter buffer: how many samples to add (+) or remove (-) over the
// next `rate` samples so that the buffer level drifts back to its target. Corrects 10 % of the
// error per second and never more than 0.2 % speed change (inaudible), dead band ±50 ms.
constexpr int compensation_samples(double level_s, double target_s, int rate) {
  const double err = level_s - target_s;
  if (err > -0.05 && err < 0.05) return 0;
  double delta = -err * rate * 0.1;
  const double cap = rate * 0.002;
  if (delta > cap) delta = cap;
  if (delta < -cap) delta = -cap;
  return static_cast<int>(delta);
}

}  // namespace loopcast::pacing
