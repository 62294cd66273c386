#include "tests/support/image_server.hpp"

#include <stdexcept>

#include "base/av.hpp"

namespace loopcast::test {

std::string encode_image(const std::string& codec_name, int w, int h, Rgba left, Rgba right) {
  const AVCodec* codec = avcodec_find_encoder_by_name(codec_name.c_str());
  if (!codec) throw std::runtime_error("no encoder " + codec_name);
  const bool png = codec_name == "png";
  CodecCtxPtr c(avcodec_alloc_context3(codec));
  c->width = w;
  c->height = h;
  c->time_base = {1, 25};
  c->pix_fmt = png ? AV_PIX_FMT_RGBA : AV_PIX_FMT_YUVJ420P;
  if (avcodec_open2(c.get(), codec, nullptr) < 0) throw std::runtime_error("cannot open " + codec_name);
  FramePtr rgba = make_frame();
  rgba->format = AV_PIX_FMT_RGBA;
  rgba->width = w;
  rgba->height = h;
  av_frame_get_buffer(rgba.get(), 0);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const Rgba& p = x < w / 2 ? left : right;
      uint8_t* px = rgba->data[0] + y * rgba->linesize[0] + 4 * x;
      px[0] = p.r, px[1] = p.g, px[2] = p.b, px[3] = p.a;
    }
  FramePtr pic = std::move(rgba);
  if (!png) {
    FramePtr yuv = make_frame();
    yuv->format = c->pix_fmt;
    yuv->width = w;
    yuv->height = h;
    av_frame_get_buffer(yuv.get(), 0);
    SwsPtr sws(sws_getContext(w, h, AV_PIX_FMT_RGBA, w, h, c->pix_fmt, SWS_BICUBIC, nullptr, nullptr, nullptr));
    sws_scale(sws.get(), pic->data, pic->linesize, 0, h, yuv->data, yuv->linesize);
    pic = std::move(yuv);
  }
  pic->pts = 0;
  PacketPtr pkt = make_packet();
  if (avcodec_send_frame(c.get(), pic.get()) < 0 || avcodec_send_frame(c.get(), nullptr) < 0 ||
      avcodec_receive_packet(c.get(), pkt.get()) < 0)
    throw std::runtime_error("cannot encode " + codec_name);
  return std::string(reinterpret_cast<const char*>(pkt->data), pkt->size);
}

ImageServer::ImageServer() {
  httplib::Server& srv = http_.routes();
  auto serve = [this](std::string body, const char* type) {
    return [this, body = std::move(body), type](const httplib::Request&, httplib::Response& res) {
      ++hits_;
      res.set_content(body, type);
    };
  };
  srv.Get("/red.png", serve(encode_image("png", 64, 32, {255, 0, 0, 255}, {255, 0, 0, 255}), "image/png"));
  srv.Get("/white.png", serve(encode_image("png", 64, 64, {255, 255, 255, 255}, {255, 255, 255, 255}), "image/png"));
  srv.Get("/half.png", serve(encode_image("png", 64, 64, {0, 255, 0, 0}, {255, 0, 0, 255}), "image/png"));
  srv.Get("/blue.jpg", serve(encode_image("mjpeg", 48, 96, {0, 0, 255, 255}, {0, 0, 255, 255}), "image/jpeg"));
  srv.Get("/text", serve("<html><body>" + std::string(4000, 'x') + "</body></html>", "text/html"));
  srv.Get("/slow", [this](const httplib::Request&, httplib::Response& res) {
    ++hits_;
    http_.stall(10);
    res.set_content("late", "text/plain");
  });
  srv.Get("/to-file", [this](const httplib::Request&, httplib::Response& res) {
    ++hits_;
    res.set_redirect("file:///etc/passwd");
  });
  http_.start();
}

}  // namespace loopcast::test
