// A/V sync analysis of a recording (issue 26): when a click is heard (onsets in the decoded audio,
// sample-accurate, in the recording's own timestamps), when the picture flashes (frames whose
// watched region lights up after being dark), and how far apart each click and its flash are.
// Decoding is in decode_for_sync; the rest are pure functions, unit-tested on synthetic input.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace loopcast::test {

struct DecodedAudio {
  int rate = 0;
  double start = 0;            // recording time of samples[0], seconds
  std::vector<float> samples;  // the mean of all channels, full scale ±1, one per sample from `start`
  double time_of(int64_t sample) const { return start + static_cast<double>(sample) / rate; }
};

// A rectangle of the picture (luma pixels) and the level at which one of its pixels counts as lit.
struct LitRegion {
  int x = 0, y = 0, width = 0, height = 0;
  int min_luma = 200;
};

struct DecodedVideo {
  double fps = 0;            // what its timestamps show (nginx-rtmp's recordings declare none)
  std::vector<double> pts;   // per decoded frame in presentation order, seconds, as the file has them
  std::vector<double> time;  // the same on the fitted frame grid; empty when they lie on none
  std::vector<int> lit;      // per frame: pixels of the LitRegion at or above its min_luma
};

struct SyncRecording {
  DecodedAudio audio;
  DecodedVideo video;  // empty when the file has no video
};

// Decodes the whole file once. Video: pts, lit counts, the measured fps and, when every frame lies
// within 2 ms of one, the fitted grid's times. Audio: samples laid end to end from the first frame on
// (an AAC stream of one session has no holes), `start` fitted to every decoded frame's timestamp
// (the mean residual), so FLV's millisecond rounding of each packet averages out. An audio frame
// more than 5 ms off that layout (a hole or an overlap) is an error: the positions would lie.
Result<SyncRecording> decode_for_sync(const std::string& path, const LitRegion& region);

// The frame rate timestamps show: the mean step between consecutive frames one frame apart (a
// step over 1.5 times the median is a gap of dropped frames, not one frame); 0 with under 2 frames.
// FLV keeps milliseconds (a 30 fps stream steps 33, 33, 34 ms): the mean is the rate.
double frame_rate_of(const std::vector<double>& pts);

// Frame times on a constant-rate grid: frame k sits in slot round((pts[k] - pts[0]) * fps) (a
// dropped frame leaves its slot empty), and the grid's start and period are fitted to all frames
// (least squares), so the container's millisecond rounding averages out. `time` is empty when fps
// is not positive, fewer than 2 slots are used, or a frame lies more than `max_residual` seconds off.
struct FrameGrid {
  double start = 0, period = 0;  // slot k at start + k * period
  std::vector<double> time;      // per frame
};
FrameGrid fit_frame_grid(const std::vector<double>& pts, double fps, double max_residual);

// Sample indices where |x| reaches `level` after at least `quiet` samples below it (the first
// samples of `x` count as quiet only once `quiet` of them have passed).
std::vector<int64_t> click_onsets(const std::vector<float>& x, float level, int64_t quiet);

// Frame indices whose lit count reaches `min_lit` after at least `quiet` frames below it (so the
// first `quiet` frames are never flashes: nothing says they were dark before).
std::vector<size_t> flash_frames(const std::vector<int>& lit, int min_lit, int quiet);

// Index of the first frame whose pts is strictly after `t`; nullopt when none is.
std::optional<size_t> first_frame_after(const std::vector<double>& pts, double t);

// One click against the picture.
struct ClickSync {
  double click = 0;                 // onset, recording seconds
  std::optional<size_t> expected;   // the frame the flash belongs on (first_frame_after the click)
  std::optional<size_t> flash;      // the flash frame matched to the click
  std::optional<double> offset;     // pts of the flash - click, seconds
  std::optional<int64_t> frame_error;  // flash - expected, in frames
};

// For each click: the earliest flash whose pts lies within `window_s` of it (either side), and how
// it stands against the expected frame. nullopts stay nullopts: a click without a flash, or
// without any frame after it, has no offset and no error (never a 0 that could pass a check).
std::vector<ClickSync> match_clicks(const std::vector<double>& clicks, const std::vector<size_t>& flashes,
                                    const std::vector<double>& frame_pts, double window_s);

// Test media: `length` samples of silence with a burst of `burst` samples every `period` samples,
// the first at `first`. A burst is a tone at rate/8 starting on its peak `amp` (0.9: `amp`, 0.64,
// 0, -0.64, -0.9, ...): its onset is the burst's first sample, and it lights a waveform drawn at
// any width (a period is 8 samples).
std::vector<float> click_track(int64_t length, int64_t first, int64_t period, int64_t burst, float amp);
// A 16-bit PCM WAV of `mono` on both channels of a stereo file; false when it cannot be written.
bool write_wav(const std::string& path, const std::vector<float>& mono, int rate);

}  // namespace loopcast::test
