#include "engine/picture/logo.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <filesystem>

#include "base/av.hpp"
#include "engine/picture/logo_stamp.hpp"

extern "C" {
#include <libavutil/pixdesc.h>
}

namespace loopcast {
namespace {

// The first picture of a PNG file, as decoded (any of the PNG decoder's pixel formats).
Result<FramePtr> decode_png(const std::string& file) {
  // Only a regular file: a FIFO or a device named by mistake would block the start or never end.
  std::error_code ec;
  const auto type = std::filesystem::status(file, ec).type();
  if (type == std::filesystem::file_type::not_found) return Error{"no such file", Errc::not_found};
  if (type != std::filesystem::file_type::regular) return Error{"not a regular file", Errc::invalid};
  AVFormatContext* raw = nullptr;
  int err = avformat_open_input(&raw, file.c_str(), nullptr, nullptr);
  if (err == AVERROR(ENOENT)) return Error{"no such file", Errc::not_found};
  if (err < 0) return Error{fmt::format("not an image ({})", av_error_string(err)), Errc::invalid};
  InputPtr in(raw);
  if ((err = avformat_find_stream_info(in.get(), nullptr)) < 0)
    return Error{fmt::format("not an image ({})", av_error_string(err)), Errc::invalid};
  const int index = av_find_best_stream(in.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (index < 0) return Error{"not an image", Errc::invalid};
  const AVCodecParameters* par = in->streams[index]->codecpar;
  if (par->codec_id != AV_CODEC_ID_PNG)
    return Error{fmt::format("not a PNG image (it is {})", avcodec_get_name(par->codec_id)), Errc::invalid};
  if (par->width > kMaxLogoSide || par->height > kMaxLogoSide)
    return Error{fmt::format("{}x{} is too large (at most {} px a side)", par->width, par->height, kMaxLogoSide), Errc::invalid};
  const AVCodec* codec = avcodec_find_decoder(par->codec_id);
  CodecCtxPtr dec(avcodec_alloc_context3(codec));
  if (!codec || !dec) return Error{"no PNG decoder in libavcodec", Errc::unavailable};
  dec->thread_count = 1;
  if ((err = avcodec_parameters_to_context(dec.get(), par)) < 0 || (err = avcodec_open2(dec.get(), codec, nullptr)) < 0)
    return Error{fmt::format("PNG decoder: {}", av_error_string(err)), Errc::internal};
  PacketPtr pkt = make_packet();
  FramePtr frame = make_frame();
  while ((err = av_read_frame(in.get(), pkt.get())) >= 0) {
    const bool ours = pkt->stream_index == index;
    if (ours) err = avcodec_send_packet(dec.get(), pkt.get());
    av_packet_unref(pkt.get());
    if (!ours) continue;
    if (err < 0) break;
    if ((err = avcodec_receive_frame(dec.get(), frame.get())) >= 0) return frame;
    if (err != AVERROR(EAGAIN)) break;
  }
  return Error{fmt::format("not a PNG image ({})", av_error_string(err)), Errc::invalid};
}

}  // namespace

Result<std::shared_ptr<const Logo>> read_logo(const std::string& file, int width) {
  auto fail = [&](const Error& e) { return Error{fmt::format("logo '{}': {}", file, e.message), e.code}; };
  auto frame = decode_png(file);
  if (!frame) return fail(Error{frame.error(), frame.code()});
  const AVFrame* f = frame->get();
  const auto fmt = static_cast<AVPixelFormat>(f->format);
  const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(fmt);
  // Straight alpha is the point of a logo: a PNG without it would cover the loop with a rectangle.
  if (!desc || !(desc->flags & AV_PIX_FMT_FLAG_ALPHA))
    return fail(Error{fmt::format("no alpha channel ({}): a logo needs a PNG with transparency", desc ? desc->name : "?"), Errc::invalid});
  if (width < 2 || f->width < 1 || f->height < 1) return fail(Error{fmt::format("width {} px: too small", width), Errc::invalid});
  auto logo = std::make_shared<Logo>();
  logo->width = width / 2 * 2;
  logo->height = std::max(2, static_cast<int>(std::lround(static_cast<double>(width) * f->height / f->width / 2)) * 2);
  if (logo->height > kMaxLogoSide)
    return fail(Error{fmt::format("{} px high at {} px wide: too large", logo->height, logo->width), Errc::invalid});
  // Straight alpha is scaled as is: colour and alpha each interpolate, as every PNG viewer does.
  SwsPtr sws(sws_getContext(f->width, f->height, fmt, logo->width, logo->height, AV_PIX_FMT_RGBA, SWS_BICUBIC | SWS_ACCURATE_RND,
                            nullptr, nullptr, nullptr));
  if (!sws) return fail(Error{"cannot convert its pixels to RGBA", Errc::internal});
  logo->rgba.assign(static_cast<size_t>(logo->width) * logo->height * 4, 0);
  uint8_t* dst[4] = {logo->rgba.data(), nullptr, nullptr, nullptr};
  const int dst_stride[4] = {logo->width * 4, 0, 0, 0};
  if (sws_scale(sws.get(), f->data, f->linesize, 0, f->height, dst, dst_stride) != logo->height)
    return fail(Error{"scaling failed", Errc::internal});
  return std::shared_ptr<const Logo>(std::move(logo));
}

Status load_logo(LogoConfig& cfg, int frame_width, int frame_height) {
  if (!cfg.enabled()) return Status::ok();
  if (!cfg.image) {
    auto logo = read_logo(cfg.file, cfg.size);
    if (!logo) return logo.forward();
    cfg.image = std::move(*logo);
  }
  const int margin = logo_margin(frame_height);
  if (cfg.image->width > frame_width - 2 * margin || cfg.image->height > frame_height - 2 * margin)
    return Error{fmt::format("logo '{}': {}x{} px does not fit a {}x{} picture inside its {} px margins (logo_size)", cfg.file,
                             cfg.image->width, cfg.image->height, frame_width, frame_height, margin),
                 Errc::invalid};
  return Status::ok();
}

}  // namespace loopcast
