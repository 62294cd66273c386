#include "engine/video/crossfade.hpp"

#include <algorithm>
#include <cmath>

namespace loopcast {

void blend_yuv420p(const AVFrame* a, const AVFrame* b, int w, AVFrame* out, int width, int height) {
  for (int plane = 0; plane < 3; ++plane) {
    const int pw = plane ? width / 2 : width;
    const int ph = plane ? height / 2 : height;
    for (int y = 0; y < ph; ++y) {
      const uint8_t* pa = a->data[plane] + y * a->linesize[plane];
      const uint8_t* pb = b->data[plane] + y * b->linesize[plane];
      uint8_t* d = out->data[plane] + y * out->linesize[plane];
      for (int x = 0; x < pw; ++x) d[x] = static_cast<uint8_t>((pa[x] * (256 - w) + pb[x] * w) >> 8);
    }
  }
}

Crossfade::Crossfade(double seconds, int fps, int width, int height)
    : frames_(seconds > 0 ? std::max<int64_t>(1, std::llround(seconds * fps)) : 0), fps_(fps), width_(width), height_(height) {}

void Crossfade::begin(std::unique_ptr<LoopSource> old, int64_t now, int64_t old_start) {
  if (!enabled()) return;
  old_ = std::move(old);
  start_ = now;
  old_start_ = old_start;
}

const AVFrame* Crossfade::compose(const AVFrame* current, int64_t n) {
  if (!old_) return current;
  const int64_t k = n - start_;
  if (k >= frames_) {
    old_.reset();
    return current;
  }
  const AVFrame* old = old_->frame_at(static_cast<double>(n - old_start_) / fps_);
  if (!old) {  // the old loop cannot give a picture: cut to the new one
    old_.reset();
    return current;
  }
  if (!blend_->data[0]) {
    blend_->format = AV_PIX_FMT_YUV420P;
    blend_->width = width_;
    blend_->height = height_;
    // Without a buffer there is nothing to blend into: cut instead of drawing into nothing.
    if (av_frame_get_buffer(blend_.get(), 0) < 0) {
      old_.reset();
      return current;
    }
  }
  if (av_frame_make_writable(blend_.get()) < 0) return current;
  blend_yuv420p(old, current, crossfade_weight(k, frames_), blend_.get(), width_, height_);
  return blend_.get();
}

}  // namespace loopcast
