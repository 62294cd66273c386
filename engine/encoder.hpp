// The two encoders of the stream: H.264 (libx264, YouTube ingest settings) and AAC. Each turns
// frames into packets handed to a sink; packets carry the encoder's time base.
#pragma once
#include <functional>

#include "base/av.hpp"
#include "engine/engine_config.hpp"
#include "base/result.hpp"

namespace loopcast {

using PacketSink = std::function<void(AVPacket* pkt)>;

class Encoder {
 public:
  // H.264: CBR-like (bitrate = maxrate, 2 s VBV), fixed GOP of keyframe_interval, closed GOP,
  // no scene-cut keyframes, yuv420p, global header for FLV.
  static Result<Encoder> video(const EngineConfig& cfg);
  // AAC-LC stereo at cfg.sample_rate, planar float in.
  static Result<Encoder> audio(const EngineConfig& cfg);

  // Encode one frame (nullptr flushes). force_idr makes this frame an IDR (switch, reconnect).
  Status encode(AVFrame* frame, bool force_idr, const PacketSink& sink);

  AVCodecContext* ctx() const { return ctx_.get(); }
  int frame_size() const { return ctx_->frame_size; }

 private:
  CodecCtxPtr ctx_;
  PacketPtr pkt_ = make_packet();
};

}  // namespace loopcast
