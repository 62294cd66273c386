#include "engine/input/cover_art.hpp"

#include <fmt/format.h>

#include <atomic>

extern "C" {
#include <libavutil/pixdesc.h>
}

#include "base/interrupt.hpp"
#include "base/redact.hpp"
#include "base/version.hpp"
#include "engine/input/decoder.hpp"
#include "engine/input/open_input.hpp"
#include "engine/picture/colorspace.hpp"

namespace loopcast {
namespace {

constexpr int kMaxSide = 8192;  // a bigger "cover" is a mistake or an attack, not art
constexpr int kMaxPackets = 64; // an image is one packet; a stream posing as one is refused

Result<FramePtr> decode_first_picture(AVFormatContext* in) {
  auto opened = open_decoder(in, AVMEDIA_TYPE_VIDEO, 1);
  if (!opened) return Error{opened.code() == Errc::not_found ? "not an image" : opened.error()};
  const int index = opened->stream;
  CodecCtxPtr dec = std::move(opened->ctx);
  PacketPtr pkt = make_packet();
  FramePtr frame = make_frame();
  for (int n = 0; n < kMaxPackets; ++n) {
    int err = av_read_frame(in, pkt.get());
    if (err < 0) {
      avcodec_send_packet(dec.get(), nullptr);  // flush: a decoder may hold the only picture
    } else if (pkt->stream_index != index) {
      av_packet_unref(pkt.get());
      continue;
    } else {
      err = avcodec_send_packet(dec.get(), pkt.get());
      av_packet_unref(pkt.get());
      if (err < 0 && err != AVERROR(EAGAIN)) return Error{fmt::format("undecodable: {}", av_error_string(err))};
    }
    if (avcodec_receive_frame(dec.get(), frame.get()) >= 0) return frame;
    if (err < 0) break;
  }
  return Error{"no picture in it"};
}

}  // namespace

Result<ArtPtr> load_cover_art(const std::string& url, int box, double timeout_s) {
  const std::string shown = redact_url(url);
  auto fail = [&](const std::string& why) { return Error{fmt::format("cover art {}: {}", shown, why)}; };
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) return fail("only http:// and https:// URLs are fetched");
  if (box < 2) return fail("box too small");

  static const std::atomic<bool> never{false};
  IoDeadline deadline(never);
  InputOptions opt;
  opt.timeout_s = timeout_s;  // the whole fetch, not each read: the picture is decoded inside it too
  opt.probe = false;          // the first picture is all there is to read
  opt.tls = true;
  // Redirects stay on http(s): no file://, no concat/subfile tricks from a webhook body.
  opt.options = {{"protocol_whitelist", "http,https,tcp,tls"},
                 {"rw_timeout", std::to_string(static_cast<int64_t>(timeout_s * 1e6))},
                 {"user_agent", user_agent()}};
  // A read cut short by the deadline reports itself as "Immediate exit requested": say why.
  auto io_fail = [&](const std::string& why) { return fail(deadline.timed_out() ? fmt::format("no answer within {:g}s", timeout_s) : why); };
  auto in = open_input(url, deadline, opt);
  if (!in) return fail(in.error());
  auto pic = decode_first_picture(in->get());
  if (!pic) return io_fail(pic.error());
  const AVFrame* src = pic->get();
  if (src->width < 1 || src->height < 1 || src->width > kMaxSide || src->height > kMaxSide)
    return fail(fmt::format("{}x{} is not a usable picture size", src->width, src->height));

  // Fit the box, even sides (4:2:0), aspect kept.
  int w = box, h = box;
  if (src->width > src->height) h = static_cast<int>(static_cast<int64_t>(box) * src->height / src->width);
  else w = static_cast<int>(static_cast<int64_t>(box) * src->width / src->height);
  w = std::max(2, w & ~1);
  h = std::max(2, h & ~1);
  FramePtr out = make_frame();
  out->format = AV_PIX_FMT_YUVA420P;
  out->width = w;
  out->height = h;
  if (int err = av_frame_get_buffer(out.get(), 0); err < 0) return fail(av_error_string(err));
  // JPEG decodes to the deprecated full-range "yuvj" formats: name the range instead (the
  // conversion below takes it, and the BT.601 matrix JPEG uses, from the frame).
  auto in_fmt = static_cast<AVPixelFormat>(src->format);
  if (in_fmt == AV_PIX_FMT_YUVJ420P) in_fmt = AV_PIX_FMT_YUV420P;
  if (in_fmt == AV_PIX_FMT_YUVJ422P) in_fmt = AV_PIX_FMT_YUV422P;
  if (in_fmt == AV_PIX_FMT_YUVJ444P) in_fmt = AV_PIX_FMT_YUV444P;
  SwsPtr sws(sws_getContext(src->width, src->height, in_fmt, w, h, AV_PIX_FMT_YUVA420P, SWS_BICUBIC, nullptr, nullptr, nullptr));
  if (!sws) return fail(fmt::format("cannot convert from {}", av_get_pix_fmt_name(in_fmt)));
  convert_to_output_colorspace(sws.get(), src);
  if (int err = sws_scale(sws.get(), src->data, src->linesize, 0, src->height, out->data, out->linesize); err < 0)
    return fail(av_error_string(err));
  return ArtPtr(out.release(), FrameDeleter{});
}

}  // namespace loopcast
