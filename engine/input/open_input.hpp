// Opening an input (a loop file or URL, the station, a cover-art URL, a cache file) in one place:
// the format context, the caller's options, and one deadline (base/interrupt.hpp) on every
// blocking step, so no open can hang a thread and a stalled peer reads the same everywhere.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/av.hpp"
#include "base/interrupt.hpp"
#include "base/result.hpp"

namespace loopcast {

struct InputOptions {
  double timeout_s = 0;  // deadline of each blocking step (open, then probe); <= 0: none
  bool probe = true;     // read ahead to learn the streams (avformat_find_stream_info)
  bool tls = false;      // apply the TLS policy (base/tls.hpp): an https peer must be verified
  std::vector<std::pair<std::string, std::string>> options;  // demuxer and protocol options
  // Probing limits for a live mount (0: libav's defaults, made for files).
  int64_t format_probesize = 0;
  int64_t probesize = 0;
  int64_t max_analyze_duration_us = 0;
};

// The context reads through `deadline`, which must outlive it; arm it before each later read. A
// caller that reads on without re-arming stays inside the last step's deadline (one deadline for a
// whole fetch). Errors say why, without the URL (the caller adds it, redacted): not_found (no such
// file), unavailable (no answer within the deadline, or stopped), invalid (anything else).
Result<InputPtr> open_input(const std::string& url, IoDeadline& deadline, const InputOptions& opt = {});

}  // namespace loopcast
