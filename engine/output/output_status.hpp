// What one output reports about itself (status API, metrics, status.json).
#pragma once
#include <cstdint>
#include <string>

namespace loopcast {

enum class OutputState { live, reconnecting, stopped, failed };

// The one spelling of each state: status.json, metrics and logs all use it.
inline std::string to_string(OutputState s) {
  switch (s) {
    case OutputState::live: return "live";
    case OutputState::reconnecting: return "reconnecting";
    case OutputState::stopped: return "stopped";
    case OutputState::failed: return "failed";
  }
  return "unknown";
}

struct OutputStatus {
  std::string url;          // redacted
  OutputState state = OutputState::stopped;
  int reconnects = 0;       // completed reconnections
  int attempt = 0;          // current reconnect attempt (0 when live)
  uint64_t bytes = 0;       // bytes written to this output
  uint64_t packets = 0;
  uint64_t dropped_packets = 0;             // every packet the backlog policy dropped
  std::string last_error;
  double backlog_seconds = 0.0;             // media time queued, not yet written (engine/output/backlog.hpp)
  uint64_t dropped_disposable_packets = 0;  // of dropped_packets: non-reference video frames
  uint64_t dropped_audio_packets = 0;       // of dropped_packets: audio (only past BacklogLimits::drop_all_s)
  uint64_t dropped_segments = 0;            // HLS uploads: segments the server never got (queue full, or refused)
};

}  // namespace loopcast
