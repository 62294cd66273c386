// Where the pipeline's audio comes from: the station (network or file, on its own thread) or a
// generated tone. The pipeline pulls fixed-size planar-float chunks and never waits.
#pragma once
#include <cstdint>
#include <string>

namespace loopcast {

struct AudioFeedStatus {
  std::string state;   // tone | connecting | connected | reconnecting | silence | fallback
  std::string source;  // redacted URL or path
  int reconnects = 0;
  uint64_t underruns = 0;
  double buffer = 0;   // seconds buffered
  std::string last_error;
  std::string icy_title;
};

class AudioFeed {
 public:
  virtual ~AudioFeed() = default;
  virtual void start() {}
  virtual void stop() {}
  // Fill `samples` samples of stereo planar float at the output rate (silence where none).
  virtual void read(uint8_t* const* planes, int samples) = 0;
  virtual AudioFeedStatus status() const = 0;
};

}  // namespace loopcast
