// Where the pipeline's audio comes from: the station (network or file, on its own thread) or a
// generated tone. The pipeline pulls fixed-size planar-float chunks and never waits.
#pragma once
#include <cstdint>
#include <string>

namespace loopcast {

enum class AudioState {
  tone,          // a generated tone, no station
  connecting,    // not connected yet (first attempt, or every attempt so far failed)
  connected,     // the station plays
  reconnecting,  // lost after it had played; retrying with backoff
  silence,       // connected, but nothing buffered to play (listeners hear silence)
  fallback,      // the station is silent or gone; the fallback file plays
  failed,        // gave up after the configured attempts
};

// The one spelling of each state: status.json, metrics and logs all use it.
inline std::string to_string(AudioState s) {
  switch (s) {
    case AudioState::tone: return "tone";
    case AudioState::connecting: return "connecting";
    case AudioState::connected: return "connected";
    case AudioState::reconnecting: return "reconnecting";
    case AudioState::silence: return "silence";
    case AudioState::fallback: return "fallback";
    case AudioState::failed: return "failed";
  }
  return "unknown";
}

struct AudioFeedStatus {
  AudioState state = AudioState::connecting;
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
