// Reconnect schedule shared by every input and output that retries.
#pragma once

namespace loopcast {

// Reconnect schedule: first delay, growth factor, cap (seconds); attempts 0 = unlimited.
struct Backoff {
  double initial = 1.0;
  double factor = 1.5;
  double max = 30.0;
  int attempts = 0;
  double delay(int attempt) const;  // attempt 0 → initial, ×factor each; ±10 % jitter; never above max
};

}  // namespace loopcast
