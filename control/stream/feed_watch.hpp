// Turns the outputs' and the station's status, sampled about once a second, into events: an
// output that starts reconnecting or is live again, a station that drops or comes back. The
// engine keeps its own threads free of control-layer callbacks; this looks at what they report.
#pragma once
#include <string>
#include <vector>

#include "control/status/event_log.hpp"
#include "engine/input/audio_feed.hpp"
#include "engine/output/output_status.hpp"

namespace loopcast {

class FeedWatch {
 public:
  // Adds an event per change since the last call (the first call after reset() only records).
  void observe(const std::vector<OutputStatus>& outputs, const AudioFeedStatus& audio, EventLog& log);
  void reset() {
    seen_ = false;
    audio_lost_ = false;
  }  // a new pipeline: its outputs start afresh

 private:
  bool seen_ = false;
  std::vector<OutputState> outputs_;
  AudioState audio_state_ = AudioState::connecting;
  int audio_reconnects_ = 0;
  bool audio_lost_ = false;  // a loss was reported; its recovery is not yet
};

}  // namespace loopcast
