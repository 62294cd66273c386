// RAII ownership for every libav* type loopcast touches, plus error-string helpers.
// One place for the deleters so no code path frees by hand.
#pragma once
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}
#include <memory>
#include <string>

namespace loopcast {

struct FormatInputDeleter { void operator()(AVFormatContext* c) const { avformat_close_input(&c); } };
// An output context owns its AVIOContext unless the format writes no file (AVFMT_NOFILE).
struct FormatOutputDeleter {
  void operator()(AVFormatContext* c) const {
    if (c->oformat && !(c->oformat->flags & AVFMT_NOFILE)) avio_closep(&c->pb);
    avformat_free_context(c);
  }
};
struct CodecCtxDeleter { void operator()(AVCodecContext* c) const { avcodec_free_context(&c); } };
struct FrameDeleter { void operator()(AVFrame* f) const { av_frame_free(&f); } };
struct PacketDeleter { void operator()(AVPacket* p) const { av_packet_free(&p); } };
struct SwsDeleter { void operator()(SwsContext* c) const { sws_freeContext(c); } };
struct SwrDeleter { void operator()(SwrContext* c) const { swr_free(&c); } };
struct AudioFifoDeleter { void operator()(AVAudioFifo* f) const { av_audio_fifo_free(f); } };
struct DictDeleter { void operator()(AVDictionary* d) const { av_dict_free(&d); } };

using InputPtr = std::unique_ptr<AVFormatContext, FormatInputDeleter>;
using OutputCtxPtr = std::unique_ptr<AVFormatContext, FormatOutputDeleter>;
using CodecCtxPtr = std::unique_ptr<AVCodecContext, CodecCtxDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;
using SwrPtr = std::unique_ptr<SwrContext, SwrDeleter>;
using AudioFifoPtr = std::unique_ptr<AVAudioFifo, AudioFifoDeleter>;

inline FramePtr make_frame() { return FramePtr(av_frame_alloc()); }
inline PacketPtr make_packet() { return PacketPtr(av_packet_alloc()); }

// "No such file or directory" for an AVERROR code.
inline std::string av_error_string(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(err, buf, sizeof buf);
  return buf;
}

}  // namespace loopcast
