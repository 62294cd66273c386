#include "engine/video/frame_tap.hpp"

#include <fmt/format.h>

namespace loopcast {
namespace {
struct ParamsDeleter {
  void operator()(AVCodecParameters* p) const { avcodec_parameters_free(&p); }
};
struct SharedPacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
}  // namespace

void FrameTap::set_stream(const AVCodecContext* video) {
  std::shared_ptr<AVCodecParameters> par(avcodec_parameters_alloc(), ParamsDeleter{});
  if (!par || avcodec_parameters_from_context(par.get(), video) < 0) return;  // no preview, never a failed stream
  MutexLock lk(mu_);
  stream_ = std::move(par);
}

void FrameTap::offer(const AVPacket* pkt) {
  if (!(pkt->flags & AV_PKT_FLAG_KEY)) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_taken_ < min_interval_) return;
  std::shared_ptr<const AVPacket> ref(av_packet_alloc(), SharedPacketDeleter{});
  if (!ref || av_packet_ref(const_cast<AVPacket*>(ref.get()), pkt) < 0) return;
  last_taken_ = now;
  {
    MutexLock lk(mu_);
    keyframe_.swap(ref);
    ++seq_;
  }
  // `ref` now holds the previous keyframe: released here, outside the lock.
}

TapShot FrameTap::latest() const {
  MutexLock lk(mu_);
  return TapShot{keyframe_, stream_, seq_};
}

Result<FramePtr> decode_shot(const TapShot& shot) {
  if (!shot.keyframe || !shot.stream) return Error{"no picture on air yet", Errc::unavailable};
  const AVCodec* codec = avcodec_find_decoder(shot.stream->codec_id);
  if (!codec) return Error{fmt::format("preview: no decoder for {}", avcodec_get_name(shot.stream->codec_id))};
  CodecCtxPtr dec(avcodec_alloc_context3(codec));
  if (!dec) return Error{"preview: allocate decoder"};
  int err = avcodec_parameters_to_context(dec.get(), shot.stream.get());
  dec->thread_count = 1;  // one picture: threads would only add start-up cost
  if (err >= 0) err = avcodec_open2(dec.get(), codec, nullptr);
  if (err < 0) return Error{fmt::format("preview: open {} decoder: {}", codec->name, av_error_string(err))};
  // Send the keyframe, then drain: a decoder with a reorder delay gives its picture on flush.
  PacketPtr pkt = make_packet();
  if (!pkt || av_packet_ref(pkt.get(), shot.keyframe.get()) < 0) return Error{"preview: reference the keyframe"};
  err = avcodec_send_packet(dec.get(), pkt.get());
  if (err >= 0) err = avcodec_send_packet(dec.get(), nullptr);
  if (err < 0) return Error{fmt::format("preview: decode keyframe: {}", av_error_string(err))};
  FramePtr frame = make_frame();
  if (!frame) return Error{"preview: allocate frame"};
  err = avcodec_receive_frame(dec.get(), frame.get());
  if (err < 0) return Error{fmt::format("preview: decode keyframe: {}", av_error_string(err))};
  return frame;
}

}  // namespace loopcast
