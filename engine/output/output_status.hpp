// What one output reports about itself (status API, metrics, status.json).
#pragma once
#include <cstdint>
#include <string>

namespace loopcast {

struct OutputStatus {
  std::string url;          // redacted
  std::string state;        // connecting | live | reconnecting | stopped | failed
  int reconnects = 0;       // completed reconnections
  int attempt = 0;          // current reconnect attempt (0 when live)
  uint64_t bytes = 0;       // bytes written to this output
  uint64_t packets = 0;
  uint64_t dropped_packets = 0;
  std::string last_error;
};

}  // namespace loopcast
