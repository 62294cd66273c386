// The encoder of a segment composed per song (title card, cover scene): the fast segment tuning
// when its SPS/PPS come out identical to the cached loops' (checked on the encoder's own headers
// before a frame is encoded), else the cache's own slower tuning, which always matches.
#pragma once
#include <cstdint>
#include <vector>

#include "base/av.hpp"
#include "base/result.hpp"
#include "engine/encoder.hpp"
#include "engine/engine_config.hpp"

namespace loopcast {

// The parameter set NAL units (H.264: SPS, PPS; HEVC: VPS, SPS, PPS) of extradata, in order, from
// avcC / hvcC (as the MP4 cache stores it) or Annex B (as libx264 and libx265 give it); empty when
// it is neither.
std::vector<std::vector<uint8_t>> parameter_sets(const uint8_t* data, int size, AVCodecID codec = AV_CODEC_ID_H264);

// `loop_extradata`: a cached loop's (any of them: they share one).
Result<Encoder> segment_encoder(const EngineConfig& cfg, const std::vector<uint8_t>& loop_extradata);

}  // namespace loopcast
