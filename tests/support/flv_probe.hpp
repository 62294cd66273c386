// Test-side analysis of a recorded stream (FLV from nginx-rtmp or a file output) with libavformat:
// codecs, timestamps, keyframes, and small per-frame picture signatures to tell loops apart.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.hpp"

struct AVFrame;

namespace loopcast::test {

using Thumb = std::array<uint8_t, 64>;  // 8x8 luma thumbnail, row-major

struct StreamReport {
  std::string codec;              // avcodec_get_name: "h264", "aac"
  int width = 0, height = 0;      // video
  double fps = 0;                 // declared: avg_frame_rate, else r_frame_rate
  int sample_rate = 0, channels = 0;  // audio
  std::vector<double> dts;        // seconds, in file order (NaN when the packet has none)
  std::vector<double> pts;
  std::vector<double> keyframes;  // pts of keyframe packets (video)
  double start = 0, end = 0;      // smallest pts, largest pts + duration
  bool dts_monotonic = true;      // strictly increasing, none missing
  std::string first_violation;    // "packet 12: dts 0.400 after 0.433"
  double max_dts_gap = 0;         // largest step between consecutive dts
  double max_keyframe_interval = 0;
  // Decoding (only when probe_media was asked to decode this stream): packets the decoder refused,
  // errors it returned, and frames it flagged corrupt or concealed. 0 for a clean stream.
  int64_t decode_errors = 0;
  std::string first_decode_error;  // "packet 12 (pts 0.400): Invalid data found when processing input"
  bool present() const { return !codec.empty(); }
};

struct MediaReport {
  StreamReport video, audio;
  double duration = 0;            // max(video.end, audio.end)
  // Per decoded video frame, in output order (decode_video):
  std::vector<Thumb> thumbs;
  std::vector<double> thumb_pts;  // seconds
  std::vector<double> luma;       // mean of the Y plane, 0..255
  // RMS (full scale = 1.0, all channels) per whole second of decoded audio (decode_audio).
  std::vector<double> audio_rms;
};

Result<MediaReport> probe_media(const std::string& path, bool decode_video = false, bool decode_audio = true);

// Thumbnails of the first `max_frames` frames of a loop file, made the way the engine makes an output
// frame (bilinear scale to width x height, yuv420p) and then like probe_media's thumbnails.
Result<std::vector<Thumb>> loop_thumbs(const std::string& path, int width, int height, int max_frames);
// Same, at the loop's own size.
Result<std::vector<Thumb>> loop_thumbs(const std::string& path, int max_frames);

// Frames left out of a constant-rate stream: every DTS step must be a whole number k of frame
// durations (k - 1 frames skipped, e.g. dropped by a starved encoder); nullopt when a step is not
// (or a DTS is missing), so two failures never compare equal to each other by accident: callers
// REQUIRE a value before comparing it.
std::optional<int64_t> missing_frames(const StreamReport& s, double fps);

double thumb_distance(const Thumb& a, const Thumb& b);  // mean absolute difference, 0..255
// Which loop (index into `loops`) has the frame closest to `t`; -1 when `loops` is empty.
int classify(const Thumb& t, const std::vector<std::vector<Thumb>>& loops, double* best_distance = nullptr);

// Runs of decoded frames showing the same loop: (index into `loops`, pts of the run's first frame).
std::vector<std::pair<int, double>> loop_runs(const MediaReport& rep, const std::vector<std::vector<Thumb>>& loops);
// A keyframe strictly within `tolerance` seconds of `t`.
bool keyframe_near(const StreamReport& video, double t, double tolerance);

// One sample of any libav sample format (planar or packed), scaled to [-1, 1].
double sample_at(const AVFrame* f, int ch, int i, int channels);

}  // namespace loopcast::test
