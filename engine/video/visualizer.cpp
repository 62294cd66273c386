#include "engine/video/visualizer.hpp"

#include <algorithm>
#include <cmath>

#include "base/log.hpp"
#include "engine/video/yuv_color.hpp"

namespace loopcast {
namespace {
constexpr int kWindow = 2048;    // ~46 ms at 44.1 kHz: the last video frame's worth and a little more
constexpr int kRing = 4 * kWindow;
constexpr int kBars = 32;
constexpr int kColumnWidth = 2;  // one chroma sample wide: columns never share a chroma pixel
}  // namespace

Visualizer::Visualizer(VisualizerConfig cfg, int width, int height, int sample_rate)
    : cfg_(std::move(cfg)), width_(width), height_(height), sample_rate_(sample_rate), ring_(kRing, 0.f), window_(kWindow), fft_(kWindow) {
  if (!cfg_.enabled()) return;
  w_ = std::clamp(cfg_.width > 0 ? cfg_.width : width, 2, width) & ~1;
  h_ = std::clamp(cfg_.height, 2, height) & ~1;
  x_ = ((width - w_) / 2) & ~1;
  y_ = cfg_.position == VisualizerPosition::top ? 0 : cfg_.position == VisualizerPosition::center ? (height - h_) / 2 : height - h_;
  y_ &= ~1;
  uint8_t a = 255;
  if (!parse_yuv_color(cfg_.color, yuv_, &a)) log::warn("visualizer", "colour '{}' unknown: drawing white", cfg_.color);
  alpha_ = static_cast<int>(std::lround(std::clamp(cfg_.opacity, 0.0, 1.0) * a / 255.0 * 256));
}

void Visualizer::push(const AVFrame* audio, int64_t first_sample) {
  if (!cfg_.enabled()) return;
  const int channels = std::max(1, audio->ch_layout.nb_channels);
  for (int i = 0; i < audio->nb_samples; ++i) {
    float sum = 0;
    for (int c = 0; c < channels; ++c) sum += reinterpret_cast<const float*>(audio->extended_data[c])[i];
    ring_[static_cast<size_t>((first_sample + i) % kRing)] = sum / channels;
  }
  end_ = first_sample + audio->nb_samples;
}

const AVFrame* Visualizer::apply(const AVFrame* in, int64_t at) {
  if (!cfg_.enabled()) return in;
  if (!out_->data[0]) {
    out_->format = AV_PIX_FMT_YUV420P;
    out_->width = width_;
    out_->height = height_;
    if (av_frame_get_buffer(out_.get(), 0) < 0) return in;
  }
  // The encoder may still hold the previous picture: a new buffer then, never a torn one.
  if (av_frame_make_writable(out_.get()) < 0 || av_frame_copy(out_.get(), in) < 0) return in;
  draw(out_.get(), at);
  return out_.get();
}

void Visualizer::fill(AVFrame* f, int x0, int y0, int x1, int y1) {
  x0 = std::max(x0, x_) & ~1;
  y0 = std::max(y0, y_) & ~1;
  x1 = std::min(x1, x_ + w_);
  y1 = std::min(y1, y_ + h_);
  const int a = alpha_, keep = 256 - alpha_;
  for (int y = y0; y < y1; ++y) {
    uint8_t* p = f->data[0] + y * f->linesize[0];
    for (int x = x0; x < x1; ++x) p[x] = static_cast<uint8_t>((p[x] * keep + yuv_[0] * a) >> 8);
  }
  for (int plane = 1; plane < 3; ++plane)
    for (int y = y0 / 2; y < (y1 + 1) / 2; ++y) {
      uint8_t* p = f->data[plane] + y * f->linesize[plane];
      for (int x = x0 / 2; x < (x1 + 1) / 2; ++x) p[x] = static_cast<uint8_t>((p[x] * keep + yuv_[plane] * a) >> 8);
    }
}

void Visualizer::draw(AVFrame* f, int64_t at) {
  // The kWindow samples that end at `at` (silence for any not heard yet or already overwritten).
  for (int i = 0; i < kWindow; ++i) {
    const int64_t n = at - kWindow + i;
    window_[i] = n >= 0 && n < end_ && n >= end_ - kRing ? ring_[static_cast<size_t>(n % kRing)] : 0.f;
  }
  const int bottom = y_ + h_;
  if (cfg_.mode == VisualizerMode::wave) {
    // The newest ~23 ms: a 1 kHz tone shows a readable couple of dozen periods.
    const int columns = w_ / kColumnWidth;
    const auto env = wave_envelope(window_.data() + kWindow / 2, kWindow / 2, columns);
    const int mid = y_ + h_ / 2;
    for (int c = 0; c < columns; ++c) {
      const int top = mid - static_cast<int>(std::lround(env[c].second * (h_ / 2)));
      const int low = mid - static_cast<int>(std::lround(env[c].first * (h_ / 2)));
      const int x = x_ + c * kColumnWidth;
      fill(f, x, std::min(top, mid - 1), x + kColumnWidth, std::max(low, mid) + 1);  // at least the 2 px centre line
    }
    return;
  }
  // bars: 32 bars with gaps; spectrum: one band per 2-px column, no gaps.
  const bool bars = cfg_.mode == VisualizerMode::bars;
  const int n = bars ? kBars : w_ / kColumnWidth;
  const auto level = fft_.bands(window_.data(), sample_rate_, n);
  const int pitch = bars ? std::max(4, (w_ / n) & ~1) : kColumnWidth;
  const int gap = bars ? std::max(2, (pitch / 4) & ~1) : 0;
  for (int b = 0; b < n; ++b) {
    const int height = std::max(2, static_cast<int>(std::lround(level[b] * h_)));  // a 2 px floor: silence is a flat line
    const int x = x_ + b * pitch;
    fill(f, x, bottom - height, x + pitch - gap, bottom);
  }
}

}  // namespace loopcast
