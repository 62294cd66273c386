// Test-side analysis of a recorded stream (FLV from nginx-rtmp or a file output) with libavformat:
// codecs, timestamps, keyframes, and small per-frame picture signatures to tell loops apart.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "engine/result.hpp"

namespace loopcast::test {

using Thumb = std::array<uint8_t, 64>;  // 8x8 luma thumbnail

struct StreamReport {
  std::string codec;
  int width = 0, height = 0;
  double fps = 0;               // declared (avg_frame_rate)
  int sample_rate = 0, channels = 0;
  std::vector<double> dts;      // seconds, in file order
  std::vector<double> pts;
  std::vector<double> keyframes;  // pts of keyframes (video)
  double start = 0, end = 0;    // first pts, last pts + duration
  bool dts_monotonic = true;    // strictly increasing
  std::string first_violation;
  double max_dts_gap = 0;
  double max_keyframe_interval = 0;
  bool present() const { return !codec.empty(); }
};

struct MediaReport {
  StreamReport video, audio;
  double duration = 0;
  std::vector<Thumb> thumbs;      // per decoded video frame (decode_video)
  std::vector<double> thumb_pts;
  std::vector<double> audio_rms;  // per second of decoded audio (decode_audio)
};

Result<MediaReport> probe_media(const std::string& path, bool decode_video = false, bool decode_audio = false);
// Thumbnails of the first `max_frames` frames of a loop file, scaled like the output (w x h first).
Result<std::vector<Thumb>> loop_thumbs(const std::string& path, int width, int height, int max_frames);
double thumb_distance(const Thumb& a, const Thumb& b);
// Which loop (index into `loops`) has the frame closest to `t`; -1 when `loops` is empty.
int classify(const Thumb& t, const std::vector<std::vector<Thumb>>& loops, double* best_distance = nullptr);

}  // namespace loopcast::test
