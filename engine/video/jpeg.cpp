#include "engine/video/jpeg.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "engine/picture/colorspace.hpp"

namespace loopcast {
namespace {
// Source range and matrix as the frame states them (colorspace.hpp: the stream is BT.709 limited
// range); JPEG readers assume BT.601 full range, so swscale converts both.
void set_colour_conversion(SwsContext* sws, const AVFrame* src) {
  sws_setColorspaceDetails(sws, sws_getCoefficients(source_matrix(src)), is_full_range(src), sws_getCoefficients(SWS_CS_ITU601), 1, 0,
                           1 << 16, 1 << 16);
}
}  // namespace

Result<std::string> encode_jpeg(const AVFrame* frame, int max_width, int quality) {
  if (!frame || frame->width <= 0 || frame->height <= 0) return Error{"JPEG: empty picture", Errc::invalid};
  const int w = std::min(frame->width, std::max(16, max_width)) & ~1;
  const int h = std::max(2, static_cast<int>(static_cast<int64_t>(frame->height) * w / frame->width) & ~1);

  SwsPtr sws(sws_getContext(frame->width, frame->height, static_cast<AVPixelFormat>(frame->format), w, h, AV_PIX_FMT_YUVJ420P,
                            SWS_BILINEAR, nullptr, nullptr, nullptr));
  if (!sws) return Error{fmt::format("JPEG: cannot convert a {}x{} picture of pixel format {}", frame->width, frame->height, frame->format), Errc::invalid};
  set_colour_conversion(sws.get(), frame);
  FramePtr pic = make_frame();
  pic->format = AV_PIX_FMT_YUVJ420P;
  pic->width = w;
  pic->height = h;
  if (av_frame_get_buffer(pic.get(), 0) < 0) return Error{"JPEG: allocate picture"};
  sws_scale(sws.get(), frame->data, frame->linesize, 0, frame->height, pic->data, pic->linesize);

  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
  if (!codec) return Error{"JPEG: mjpeg encoder not available in this FFmpeg build", Errc::unavailable};
  CodecCtxPtr enc(avcodec_alloc_context3(codec));
  if (!enc) return Error{"JPEG: allocate encoder"};
  enc->width = w;
  enc->height = h;
  enc->pix_fmt = AV_PIX_FMT_YUVJ420P;
  enc->color_range = AVCOL_RANGE_JPEG;
  enc->time_base = AVRational{1, 25};
  enc->flags |= AV_CODEC_FLAG_QSCALE;
  enc->global_quality = FF_QP2LAMBDA * std::clamp(quality, 2, 31);
  if (int err = avcodec_open2(enc.get(), codec, nullptr); err < 0) return Error{fmt::format("JPEG: open encoder: {}", av_error_string(err))};
  pic->quality = enc->global_quality;
  pic->pts = 0;
  PacketPtr pkt = make_packet();
  int err = avcodec_send_frame(enc.get(), pic.get());
  if (err >= 0) err = avcodec_send_frame(enc.get(), nullptr);
  if (err >= 0) err = avcodec_receive_packet(enc.get(), pkt.get());
  if (err < 0) return Error{fmt::format("JPEG: encode: {}", av_error_string(err))};
  return std::string(reinterpret_cast<const char*>(pkt->data), static_cast<size_t>(pkt->size));
}

}  // namespace loopcast
