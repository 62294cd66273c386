// Draws decoded loop pictures into output pictures the way a FitPlan says (fit.hpp): crops (cover),
// scales and converts to BT.709 limited range with swscale (colorspace.hpp), turns a sideways
// picture upright, and paints the bars black (Y 16, U/V 128: limited-range black, no blur: bars
// cost nothing to draw or to encode). One per loop source: the swscale context and the scratch
// pictures are kept between calls.
#pragma once
#include "base/av.hpp"
#include "base/result.hpp"
#include "engine/picture/fit.hpp"

namespace loopcast {

class FitScaler {
 public:
  FitScaler(int out_w, int out_h, FitMode mode) : out_w_(out_w), out_h_(out_h), mode_(mode) {}

  FitPlan plan(const PictureShape& shape) const { return plan_fit(shape, out_w_, out_h_, mode_); }
  // Draws `src` (any format swscale reads), whose shape is `shape`, into `dst`: YUV420P, the output
  // size, writable. Every pixel of `dst` is written.
  Status draw(const AVFrame* src, const PictureShape& shape, AVFrame* dst);

 private:
  const int out_w_, out_h_;
  const FitMode mode_;
  SwsPtr sws_;
  FramePtr cropped_ = make_frame();  // a reference to the source with the crop applied
  FramePtr turned_ = make_frame();   // the scaled picture before its quarter turn
};

}  // namespace loopcast
