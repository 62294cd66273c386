#include "tests/support/logo_probe.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "engine/input/decoder.hpp"

namespace loopcast::test {

Status write_png(const std::string& path, int width, int height, const std::vector<uint8_t>& rgba, bool alpha) {
  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_PNG);
  CodecCtxPtr enc(avcodec_alloc_context3(codec));
  if (!codec || !enc) return Error{"no PNG encoder"};
  enc->width = width;
  enc->height = height;
  enc->pix_fmt = alpha ? AV_PIX_FMT_RGBA : AV_PIX_FMT_RGB24;
  enc->time_base = {1, 1};
  if (int err = avcodec_open2(enc.get(), codec, nullptr); err < 0) return Error{fmt::format("PNG encoder: {}", av_error_string(err))};
  FramePtr f = make_frame();
  f->width = width;
  f->height = height;
  f->format = enc->pix_fmt;
  if (av_frame_get_buffer(f.get(), 0) < 0) return Error{"out of memory"};
  const int channels = alpha ? 4 : 3;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      for (int c = 0; c < channels; ++c)
        f->data[0][static_cast<ptrdiff_t>(y) * f->linesize[0] + x * channels + c] = rgba[(static_cast<size_t>(y) * width + x) * 4 + c];
  PacketPtr pkt = make_packet();
  if (avcodec_send_frame(enc.get(), f.get()) < 0 || avcodec_receive_packet(enc.get(), pkt.get()) < 0) return Error{"PNG encode failed"};
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(pkt->data), pkt->size);
  return out ? Status::ok() : Error{fmt::format("write '{}'", path)};
}

std::vector<uint8_t> solid_with_hole(int width, int height, const uint8_t rgb[3], Rect hole) {
  std::vector<uint8_t> px(static_cast<size_t>(width) * height * 4);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      uint8_t* p = &px[(static_cast<size_t>(y) * width + x) * 4];
      const bool in_hole = x >= hole.x && x < hole.x + hole.w && y >= hole.y && y < hole.y + hole.h;
      p[0] = rgb[0], p[1] = rgb[1], p[2] = rgb[2], p[3] = in_hole ? 0 : 255;
    }
  return px;
}

MeanYuv mean_yuv(const AVFrame* f, Rect r) {
  MeanYuv m;
  for (int y = r.y; y < r.y + r.h; ++y)
    for (int x = r.x; x < r.x + r.w; ++x) m.y += f->data[0][static_cast<ptrdiff_t>(y) * f->linesize[0] + x];
  for (int y = r.y / 2; y < (r.y + r.h) / 2; ++y)
    for (int x = r.x / 2; x < (r.x + r.w) / 2; ++x) {
      m.u += f->data[1][static_cast<ptrdiff_t>(y) * f->linesize[1] + x];
      m.v += f->data[2][static_cast<ptrdiff_t>(y) * f->linesize[2] + x];
    }
  const double n = static_cast<double>(r.w) * r.h;
  return {m.y / n, m.u / (n / 4), m.v / (n / 4)};
}

double luma_change(const AVFrame* a, const AVFrame* b, Rect r) {
  double sum = 0;
  for (int y = r.y; y < r.y + r.h; ++y)
    for (int x = r.x; x < r.x + r.w; ++x)
      sum += std::abs(a->data[0][static_cast<ptrdiff_t>(y) * a->linesize[0] + x] -
                      b->data[0][static_cast<ptrdiff_t>(y) * b->linesize[0] + x]);
  return sum / (static_cast<double>(r.w) * r.h);
}

}  // namespace loopcast::test
