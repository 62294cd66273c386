#include "tests/support/jpeg_probe.hpp"

#include <fmt/format.h>

#include "base/av.hpp"

namespace loopcast::test {

std::array<double, 3> RgbImage::mean(double x0, double y0, double x1, double y1) const {
  std::array<double, 3> sum{0, 0, 0};
  const int ax = static_cast<int>(x0 * width), bx = static_cast<int>(x1 * width);
  const int ay = static_cast<int>(y0 * height), by = static_cast<int>(y1 * height);
  int64_t n = 0;
  for (int y = ay; y < by; ++y)
    for (int x = ax; x < bx; ++x, ++n)
      for (int c = 0; c < 3; ++c) sum[c] += rgb[(static_cast<size_t>(y) * width + x) * 3 + c];
  for (auto& s : sum) s = n ? s / static_cast<double>(n) : 0;
  return sum;
}

Result<RgbImage> decode_jpeg(const std::string& bytes) {
  if (bytes.size() < 4 || static_cast<uint8_t>(bytes[0]) != 0xFF || static_cast<uint8_t>(bytes[1]) != 0xD8)
    return Error{"not a JPEG (no SOI marker)", Errc::invalid};
  const AVCodec* codec = avcodec_find_decoder(AV_CODEC_ID_MJPEG);
  CodecCtxPtr dec(avcodec_alloc_context3(codec));
  if (int err = avcodec_open2(dec.get(), codec, nullptr); err < 0) return Error{"open mjpeg decoder: " + av_error_string(err)};
  PacketPtr pkt = make_packet();
  if (av_new_packet(pkt.get(), static_cast<int>(bytes.size())) < 0) return Error{"allocate packet"};
  std::copy(bytes.begin(), bytes.end(), pkt->data);
  FramePtr frame = make_frame();
  int err = avcodec_send_packet(dec.get(), pkt.get());
  if (err >= 0) err = avcodec_send_packet(dec.get(), nullptr);
  if (err >= 0) err = avcodec_receive_frame(dec.get(), frame.get());
  if (err < 0) return Error{"decode JPEG: " + av_error_string(err), Errc::invalid};
  RgbImage img;
  img.width = frame->width;
  img.height = frame->height;
  img.rgb.resize(static_cast<size_t>(img.width) * img.height * 3);
  SwsPtr sws(sws_getContext(frame->width, frame->height, static_cast<AVPixelFormat>(frame->format), frame->width, frame->height,
                            AV_PIX_FMT_RGB24, SWS_BILINEAR, nullptr, nullptr, nullptr));
  if (!sws) return Error{"convert JPEG to RGB"};
  uint8_t* dst[4] = {img.rgb.data(), nullptr, nullptr, nullptr};
  int dst_linesize[4] = {img.width * 3, 0, 0, 0};
  sws_scale(sws.get(), frame->data, frame->linesize, 0, frame->height, dst, dst_linesize);
  return img;
}

}  // namespace loopcast::test
