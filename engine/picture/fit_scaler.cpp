#include "engine/picture/fit_scaler.hpp"

#include <fmt/format.h>

#include <cstring>

extern "C" {
#include <libavutil/pixdesc.h>
}

#include "engine/picture/colorspace.hpp"
#include "engine/picture/rotate.hpp"

namespace loopcast {
namespace {
constexpr uint8_t kBlack[3] = {16, 128, 128};  // Y, U, V of black in limited range

// Plane i of a YUV420P picture at (x, y) in luma pixels (both even).
uint8_t* at(AVFrame* f, int plane, int x, int y) {
  const int shift = plane ? 1 : 0;
  return f->data[plane] + static_cast<ptrdiff_t>(y >> shift) * f->linesize[plane] + (x >> shift);
}

// Everything of `f` outside `keep` (even offsets and size) black.
void paint_bars(AVFrame* f, const PixelRect& keep) {
  for (int plane = 0; plane < 3; ++plane) {
    const int shift = plane ? 1 : 0;
    const int w = (f->width + shift) >> shift, h = (f->height + shift) >> shift;
    const int x0 = keep.x >> shift, x1 = (keep.x + keep.w) >> shift, y0 = keep.y >> shift, y1 = (keep.y + keep.h) >> shift;
    for (int y = 0; y < h; ++y) {
      uint8_t* row = f->data[plane] + static_cast<ptrdiff_t>(y) * f->linesize[plane];
      if (y < y0 || y >= y1) {
        std::memset(row, kBlack[plane], static_cast<size_t>(w));
        continue;
      }
      std::memset(row, kBlack[plane], static_cast<size_t>(x0));
      std::memset(row + x1, kBlack[plane], static_cast<size_t>(w - x1));
    }
  }
}
}  // namespace

Status FitScaler::draw(const AVFrame* src, const PictureShape& shape, AVFrame* dst) {
  if (dst->format != AV_PIX_FMT_YUV420P || dst->width != out_w_ || dst->height != out_h_)
    return Error{"fit: the output picture must be YUV420P at the output size", Errc::internal};
  const FitPlan p = plan(shape);
  const AVFrame* in = src;
  if (p.crop != PixelRect{0, 0, src->width, src->height}) {
    // A crop moves the plane pointers only (any pixel format, no copy).
    av_frame_unref(cropped_.get());
    if (int err = av_frame_ref(cropped_.get(), src); err < 0) return Error{fmt::format("fit: {}", av_error_string(err))};
    cropped_->crop_left = static_cast<size_t>(p.crop.x);
    cropped_->crop_top = static_cast<size_t>(p.crop.y);
    cropped_->crop_right = static_cast<size_t>(src->width - p.crop.x - p.crop.w);
    cropped_->crop_bottom = static_cast<size_t>(src->height - p.crop.y - p.crop.h);
    if (int err = av_frame_apply_cropping(cropped_.get(), AV_FRAME_CROP_UNALIGNED); err < 0)
      return Error{fmt::format("fit: crop: {}", av_error_string(err))};
    in = cropped_.get();
  }
  sws_.reset(sws_getCachedContext(sws_.release(), in->width, in->height, static_cast<AVPixelFormat>(in->format), p.scaled_w(),
                                  p.scaled_h(), AV_PIX_FMT_YUV420P, SWS_BILINEAR, nullptr, nullptr, nullptr));
  if (!sws_) return Error{fmt::format("fit: cannot scale {}x{} {}", in->width, in->height, av_get_pix_fmt_name(static_cast<AVPixelFormat>(in->format)))};
  convert_to_output_colorspace(sws_.get(), in);
  // Upright pictures are scaled straight into their place; a turned one goes through `turned_`.
  AVFrame* target = dst;
  PixelRect where = p.place;
  if (p.rotation) {
    if (turned_->width != p.scaled_w() || turned_->height != p.scaled_h()) {
      av_frame_unref(turned_.get());
      turned_->width = p.scaled_w();
      turned_->height = p.scaled_h();
      turned_->format = AV_PIX_FMT_YUV420P;
      if (int err = av_frame_get_buffer(turned_.get(), 0); err < 0) return Error{fmt::format("fit: {}", av_error_string(err))};
    }
    target = turned_.get();
    where = PixelRect{0, 0, p.scaled_w(), p.scaled_h()};
  }
  uint8_t* planes[4] = {at(target, 0, where.x, where.y), at(target, 1, where.x, where.y), at(target, 2, where.x, where.y), nullptr};
  const int strides[4] = {target->linesize[0], target->linesize[1], target->linesize[2], 0};
  if (int err = sws_scale(sws_.get(), in->data, in->linesize, 0, in->height, planes, strides); err < 0)
    return Error{fmt::format("fit: scale: {}", av_error_string(err))};
  av_frame_unref(cropped_.get());
  if (p.rotation)
    for (int plane = 0; plane < 3; ++plane) {
      const int shift = plane ? 1 : 0;
      rotate_plane(turned_->data[plane], turned_->linesize[plane], p.scaled_w() >> shift, p.scaled_h() >> shift,
                   at(dst, plane, p.place.x, p.place.y), dst->linesize[plane], p.rotation);
    }
  paint_bars(dst, p.place);
  return Status::ok();
}

}  // namespace loopcast
