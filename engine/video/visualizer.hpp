// Optional audio visualiser (encode mode): bars, a waveform or a fine spectrum drawn over the
// loop from the very samples the AAC encoder receives. The pipeline pushes each audio frame as it
// encodes it and asks for each video frame the picture for the audio muxed at that frame's time
// (the sample clock), so the picture moves with what viewers hear.
//
// Drawn by hand on the YUV420P frame, not with libavfilter's showfreqs/showwaves + overlay:
// bench/scenes.sh (2026-11-26, 720p30 veryfast 2500k, 2 shared cores at load 15-17, two runs)
// measured showfreqs + overlay at +10..13 % CPU over plain encode and showwaves + overlay at
// +25..28 % (the ffmpeg CLI, same x264 settings: an RGBA video rendered per frame, converted and
// blended), this drawing at -1..+1 % for bars, +1..3 % for spectrum and +9..11 % for wave (one
// 2048-point FFT and a blend of the region only; the wave's extra is x264 coding a busy line
// that changes every frame). Both look alike: log-spaced bars, a waveform.
#pragma once
#include <cstdint>
#include <vector>

#include "base/av.hpp"
#include "engine/video/audio_levels.hpp"
#include "engine/video/visualizer_config.hpp"

namespace loopcast {

class Visualizer {
 public:
  Visualizer(VisualizerConfig cfg, int width, int height, int sample_rate);
  bool enabled() const { return cfg_.enabled(); }
  // Pipeline thread: the audio frame (planar float) whose first sample is number `first_sample`.
  void push(const AVFrame* audio, int64_t first_sample);
  // Pipeline thread: `in` with the visualisation of the audio that ends at sample `at` drawn over
  // it (a copy; `in` is never written). Returns `in` itself when disabled.
  const AVFrame* apply(const AVFrame* in, int64_t at);

  // The region drawn into (even coordinates), for tests and the bench.
  int x() const { return x_; }
  int y() const { return y_; }
  int region_width() const { return w_; }
  int region_height() const { return h_; }

 private:
  void draw(AVFrame* f, int64_t at);
  void fill(AVFrame* f, int x0, int y0, int x1, int y1);  // [x0,x1) x [y0,y1), blended

  VisualizerConfig cfg_;
  int width_, height_, sample_rate_;
  int x_ = 0, y_ = 0, w_ = 0, h_ = 0;
  uint8_t yuv_[3] = {235, 128, 128};
  int alpha_ = 0;  // 0..256
  std::vector<float> ring_;  // mono mix of the last ring_.size() samples, by sample number
  int64_t end_ = 0;          // samples pushed so far
  std::vector<float> window_;
  SpectrumAnalyzer fft_;
  FramePtr out_ = make_frame();
};

}  // namespace loopcast
