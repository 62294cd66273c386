// The true peak of the audio as a listener's decoder rebuilds it: the AAC packets the encoder
// made are decoded again and measured (BS.1770 4× oversampling). Lossy coding adds its own error
// to every band, so the decoded peak can stand dBs above the limiter's ceiling — on hard
// transients FFmpeg's AAC at 128 kb/s was measured 1–3.5 dB over. Decoding AAC costs about a
// hundredth of encoding it.
#pragma once
#include <array>

#include "base/av.hpp"
#include "base/result.hpp"
#include "engine/audio/true_peak.hpp"

namespace loopcast {

class EncodedPeak {
 public:
  // A decoder for what `encoder` (an open AAC encoder with its global header) produces.
  static Result<EncodedPeak> open(const AVCodecContext* encoder);
  // Decodes one packet; the highest true peak (linear, ≥ 0) of the samples it gave, 0 for none.
  // A packet the decoder refuses is skipped (measuring must never stop the stream).
  float feed(const AVPacket* packet);

 private:
  CodecCtxPtr dec_;
  FramePtr frame_;
  std::array<TruePeak, 2> detect_;
};

}  // namespace loopcast
