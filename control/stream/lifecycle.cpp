#include "control/stream/lifecycle.hpp"

#include <fmt/format.h>

namespace loopcast {

bool Lifecycle::legal(StreamState from, StreamState to) {
  using S = StreamState;
  switch (from) {
    case S::stopped: return to == S::starting;
    case S::starting: return to == S::running || to == S::error;
    case S::running: return to == S::stopping;
    case S::stopping: return to == S::stopped;
    case S::error: return to == S::starting || to == S::stopped;
  }
  return false;
}

Status Lifecycle::to(StreamState next, const std::string& event) {
  {
    MutexLock lk(mu_);
    if (!legal(state_, next))
      return Error{fmt::format("the stream cannot go from {} to {}", to_string(state_), to_string(next)), Errc::conflict};
    state_ = next;
  }
  if (event.empty()) return Status::ok();
  const EventKind kind = next == StreamState::running ? EventKind::start : next == StreamState::stopped ? EventKind::stop : EventKind::error;
  events_.add(kind, event);
  return Status::ok();
}

StreamState Lifecycle::state() const {
  MutexLock lk(mu_);
  return state_;
}

}  // namespace loopcast
