#include "tests/support/picture_probe.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "engine/input/decoder.hpp"

namespace loopcast::test {

Result<std::map<int, FramePtr>> decode_pictures(const std::string& path, const std::vector<int>& indexes, int width, int height) {
  AVFormatContext* raw = nullptr;
  if (int err = avformat_open_input(&raw, path.c_str(), nullptr, nullptr); err < 0)
    return Error{fmt::format("open '{}': {}", path, av_error_string(err))};
  InputPtr in(raw);
  if (int err = avformat_find_stream_info(in.get(), nullptr); err < 0) return Error{fmt::format("'{}': {}", path, av_error_string(err))};
  auto dec = open_decoder(in.get(), AVMEDIA_TYPE_VIDEO);
  if (!dec) return Error{fmt::format("'{}': {}", path, dec.error())};
  std::map<int, FramePtr> out;
  PacketPtr pkt = make_packet();
  FramePtr frame = make_frame();
  int seen = 0;
  bool draining = false;
  while (out.size() < indexes.size()) {
    const int got = avcodec_receive_frame(dec->ctx.get(), frame.get());
    if (got == 0) {
      const int index = seen++;
      if (std::find(indexes.begin(), indexes.end(), index) != indexes.end()) {
        FramePtr pic = make_frame();
        pic->width = width > 0 ? width : frame->width;
        pic->height = height > 0 ? height : frame->height;
        pic->format = AV_PIX_FMT_YUV420P;
        if (av_frame_get_buffer(pic.get(), 0) < 0) return Error{"out of memory"};
        const int flags = pic->width == frame->width && pic->height == frame->height ? SWS_POINT : SWS_BILINEAR;
        SwsPtr sws(sws_getContext(frame->width, frame->height, static_cast<AVPixelFormat>(frame->format), pic->width, pic->height,
                                  AV_PIX_FMT_YUV420P, flags, nullptr, nullptr, nullptr));
        if (!sws) return Error{"no scaler"};
        sws_scale(sws.get(), frame->data, frame->linesize, 0, frame->height, pic->data, pic->linesize);
        out[index] = std::move(pic);
      }
      av_frame_unref(frame.get());
      continue;
    }
    if (got == AVERROR_EOF) return Error{fmt::format("'{}': only {} video frames", path, seen)};
    if (got != AVERROR(EAGAIN)) return Error{fmt::format("'{}': decode: {}", path, av_error_string(got))};
    if (draining) return Error{fmt::format("'{}': decoder stalled", path)};
    if (av_read_frame(in.get(), pkt.get()) < 0) {
      draining = true;
      avcodec_send_packet(dec->ctx.get(), nullptr);
      continue;
    }
    if (pkt->stream_index == dec->stream) avcodec_send_packet(dec->ctx.get(), pkt.get());
    av_packet_unref(pkt.get());
  }
  return out;
}

Result<FramePtr> decode_picture(const std::string& path, int index) {
  auto pics = decode_pictures(path, {index});
  if (!pics) return pics.forward();
  return std::move(pics->at(index));
}

const char* to_string(Hue h) {
  switch (h) {
    case Hue::black: return "black";
    case Hue::red: return "red";
    case Hue::blue: return "blue";
    case Hue::lime: return "lime";
    case Hue::other: return "other";
  }
  return "?";
}

Hue hue_at(const AVFrame* f, int x, int y) {
  const int Y = f->data[0][static_cast<ptrdiff_t>(y) * f->linesize[0] + x];
  const int U = f->data[1][static_cast<ptrdiff_t>(y / 2) * f->linesize[1] + x / 2];
  const int V = f->data[2][static_cast<ptrdiff_t>(y / 2) * f->linesize[2] + x / 2];
  // BT.709 limited range: black 16/128/128, red 63/102/240, blue 32/240/118, lime 173/30/12.
  if (Y < 30 && std::abs(U - 128) < 12 && std::abs(V - 128) < 12) return Hue::black;
  if (V > 190 && U < 128 && Y < 110) return Hue::red;
  if (U > 190 && V < 150 && Y < 70) return Hue::blue;
  if (Y > 130 && U < 100 && V < 100) return Hue::lime;
  return Hue::other;
}

}  // namespace loopcast::test
