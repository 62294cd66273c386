// The encoders of the stream: H.264 (libx264, YouTube ingest settings) or HEVC (libx265), and AAC. Each turns
// frames into packets handed to a sink; packets carry the encoder's time base.
#pragma once
#include <functional>
#include <string>

#include "base/av.hpp"
#include "engine/engine_config.hpp"
#include "base/result.hpp"

namespace loopcast {

using PacketSink = std::function<void(AVPacket* pkt)>;

// What differs between the live encode and the one-off cache encode (engine/splice).
struct VideoTuning {
  std::string preset;
  std::string params;  // x264-params (H.264) or x265-params (HEVC, after loopcast's own GOP settings)
  int max_b_frames = 2;
  int threads = 0;  // 0 = the encoder's choice (x264; x265 takes `pools=` in params)
};

// The picture parameters every video stream of loopcast declares, H.264 or HEVC (size, rate, SAR
// 1:1, BT.709 TV range, yuv420p, bitrate), whether it is encoded live or spliced from the cache.
void set_stream_picture(AVCodecContext* c, const EngineConfig& cfg);

class Encoder {
 public:
  // H.264: CBR-like (bitrate = maxrate, 2 s VBV), fixed GOP of keyframe_interval, closed GOP,
  // no scene-cut keyframes, yuv420p, global header for FLV.
  static Result<Encoder> video(const EngineConfig& cfg);
  // HEVC (libx265, --codec hevc): the same stream settings, closed GOPs, and the parameter sets
  // (VPS/SPS/PPS) repeated at every keyframe, so each HLS segment or SRT join decodes on its own.
  static Result<Encoder> hevc(const EngineConfig& cfg);
  // The same stream settings (size, rate, CBR, GOP, colour, global header) with other tuning, in
  // cfg.codec.
  static Result<Encoder> tuned(const EngineConfig& cfg, const VideoTuning& tuning);
  static Result<Encoder> h264(const EngineConfig& cfg, const VideoTuning& tuning);
  static Result<Encoder> hevc(const EngineConfig& cfg, const VideoTuning& tuning);
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
