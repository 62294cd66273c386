#include "engine/rendition.hpp"

#include <fmt/format.h>

namespace loopcast {

Result<Rendition> Rendition::open(const EngineConfig& stream, const OutputProfile& profile) {
  Rendition r;
  auto enc = Encoder::video(with_profile(stream, profile));
  if (!enc) return enc.forward();
  r.enc_ = std::move(*enc);
  if (profile.width != stream.width || profile.height != stream.height) {
    // Bicubic: a downscale for a smaller platform profile should stay sharp; both sides are
    // BT.709 limited-range 4:2:0, so swscale only resamples.
    r.sws_.reset(sws_getContext(stream.width, stream.height, AV_PIX_FMT_YUV420P, profile.width, profile.height, AV_PIX_FMT_YUV420P,
                                SWS_BICUBIC, nullptr, nullptr, nullptr));
    if (!r.sws_)
      return Error{fmt::format("scale {}x{} to {}x{}: swscale refused", stream.width, stream.height, profile.width, profile.height)};
    AVFrame* f = r.frame_.get();
    f->format = AV_PIX_FMT_YUV420P;
    f->width = profile.width;
    f->height = profile.height;
    if (av_frame_get_buffer(f, 0) < 0) return Error{"allocate a scaled picture: out of memory", Errc::internal};
  }
  return r;
}

Status Rendition::encode(const AVFrame* picture, bool idr, const PacketSink& sink) {
  AVFrame* f = frame_.get();
  if (!sws_) {
    av_frame_unref(f);
    if (av_frame_ref(f, picture) < 0) return Error{"reference a picture: out of memory", Errc::internal};
  } else {
    // The encoder may still hold the last one (frame threads): a fresh buffer then.
    if (av_frame_make_writable(f) < 0) return Error{"allocate a scaled picture: out of memory", Errc::internal};
    // Pixels only: the encoder's context declares the colour, the pts is set below, and side data
    // copied onto this reused frame would pile up.
    sws_scale(sws_.get(), picture->data, picture->linesize, 0, picture->height, f->data, f->linesize);
  }
  f->pts = picture->pts;
  Status st = enc_.encode(f, idr, sink);
  if (!sws_) av_frame_unref(f);
  return st;
}

}  // namespace loopcast
