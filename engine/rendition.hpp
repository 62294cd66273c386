// One encoder of the stream's picture for the outputs that share a profile
// (engine/output/output_profile.hpp): the composed picture, scaled to the profile's size when it
// differs from the stream's, encoded with the profile's codec and bitrate and the stream's clock
// and keyframe interval.
#pragma once
#include "base/av.hpp"
#include "base/result.hpp"
#include "engine/encoder.hpp"
#include "engine/engine_config.hpp"
#include "engine/output/output_profile.hpp"

namespace loopcast {

class Rendition {
 public:
  static Result<Rendition> open(const EngineConfig& stream, const OutputProfile& profile);

  // `picture`: the stream-size composed frame with its pts. Not kept after the call.
  Status encode(const AVFrame* picture, bool idr, const PacketSink& sink);
  Status flush(const PacketSink& sink) { return enc_.encode(nullptr, false, sink); }
  const AVCodecContext* ctx() const { return enc_.ctx(); }

 private:
  Encoder enc_;
  SwsPtr sws_;  // null: the stream's own size, no scaling
  FramePtr frame_ = make_frame();
};

}  // namespace loopcast
