#include "engine/input/decoder.hpp"

#include <fmt/format.h>

namespace loopcast {

Result<Decoder> open_decoder(AVFormatContext* in, AVMediaType type, int threads) {
  const char* kind = av_get_media_type_string(type);
  const int index = av_find_best_stream(in, type, -1, -1, nullptr, 0);
  if (index < 0) return Error{fmt::format("no {} stream", kind ? kind : "usable"), Errc::not_found};
  // Only this stream is read: the loop's audio, a feed's cover picture are skipped by the demuxer.
  for (unsigned i = 0; i < in->nb_streams; ++i)
    if (static_cast<int>(i) != index) in->streams[i]->discard = AVDISCARD_ALL;
  const AVCodecParameters* par = in->streams[index]->codecpar;
  const AVCodec* codec = avcodec_find_decoder(par->codec_id);
  if (!codec) return Error{fmt::format("no decoder for {}", avcodec_get_name(par->codec_id)), Errc::invalid};
  Decoder d;
  d.stream = index;
  d.ctx.reset(avcodec_alloc_context3(codec));
  if (!d.ctx) return Error{"open decoder: out of memory", Errc::invalid};
  if (int err = avcodec_parameters_to_context(d.ctx.get(), par); err < 0)
    return Error{fmt::format("open decoder: {}", av_error_string(err)), Errc::invalid};
  if (threads > 0) d.ctx->thread_count = threads;
  if (int err = avcodec_open2(d.ctx.get(), codec, nullptr); err < 0)
    return Error{fmt::format("open decoder {}: {}", codec->name, av_error_string(err)), Errc::invalid};
  return d;
}

}  // namespace loopcast
