// A stream's state and its legal moves, in one place: every change goes through to(), which
// refuses a move the state machine does not have (naming both states) and puts the start, stop and
// error events on the log. Internally locked; never held across blocking calls.
//
//   stopped → starting → running → stopping → stopped
//                 ↓ ↑                             ↑
//                error ───────────────────────────┘
#pragma once
#include <string>

#include "base/result.hpp"
#include "base/thread_annotations.hpp"
#include "control/status/event_log.hpp"
#include "control/status/status.hpp"

namespace loopcast {

class Lifecycle {
 public:
  explicit Lifecycle(EventLog& events) : events_(events) {}

  // Moves to `next` when that move exists; conflict otherwise, and nothing changes. A non-empty
  // `event` is logged with the move's kind (running: "start", stopped: "stop", error: "error").
  Status to(StreamState next, const std::string& event = {}) EXCLUDES(mu_);
  StreamState state() const EXCLUDES(mu_);
  static bool legal(StreamState from, StreamState to);

 private:
  EventLog& events_;
  mutable Mutex mu_;
  StreamState state_ GUARDED_BY(mu_) = StreamState::stopped;
};

}  // namespace loopcast
