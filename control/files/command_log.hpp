// The acknowledgements of the shared-file commands (control.json and control.d): the last one and
// the last kCommandHistory, shown in status.json and the stream's status as last_command and
// commands. Internally locked: the polling thread adds, any status reader copies.
#pragma once
#include <cstdint>
#include <deque>
#include <vector>

#include "base/thread_annotations.hpp"
#include "control/status/status.hpp"

namespace loopcast {

class CommandLog {
 public:
  void add(const CommandAck& ack) EXCLUDES(mu_) {
    MutexLock lk(mu_);
    ++count_;
    recent_.push_back(ack);
    if (recent_.size() > kCommandHistory) recent_.pop_front();
  }
  std::vector<CommandAck> recent() const EXCLUDES(mu_) {  // oldest first
    MutexLock lk(mu_);
    return {recent_.begin(), recent_.end()};
  }
  uint64_t count() const EXCLUDES(mu_) {  // every acknowledgement so far
    MutexLock lk(mu_);
    return count_;
  }
  void into(StatusSnapshot& s) const EXCLUDES(mu_) {
    MutexLock lk(mu_);
    if (recent_.empty()) return;
    s.last_command = recent_.back();
    s.commands.assign(recent_.begin(), recent_.end());
  }

 private:
  mutable Mutex mu_;
  std::deque<CommandAck> recent_ GUARDED_BY(mu_);
  uint64_t count_ GUARDED_BY(mu_) = 0;
};

}  // namespace loopcast
