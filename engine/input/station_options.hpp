// What a station feed needs of the engine's settings: these four, not every picture and output
// setting. EngineConfig::station() fills it; the defaults live there, once.
#pragma once
#include "base/backoff.hpp"

namespace loopcast {

struct StationOptions {
  int sample_rate = 0;        // output rate the feed resamples to
  double io_timeout = 0;      // seconds without progress before a network read fails
  double audio_buffer = 0;    // target jitter-buffer level for live audio, seconds
  Backoff backoff{};          // between reconnects to a station that is down
};

}  // namespace loopcast
