// What a stream's companions report for its status: the AzuraCast feed's state, YouTube's side,
// the status.json writer's health, and the shared-file commands' acknowledgements. Kept here, not
// in the supervisor: none of it changes what the stream does. Internally locked.
#pragma once
#include <deque>

#include "base/thread_annotations.hpp"
#include "control/status/status.hpp"

namespace loopcast {

class Reports {
 public:
  void trigger(const TriggerStatus& t) EXCLUDES(mu_) {
    MutexLock lk(mu_);
    trigger_ = t;
  }
  void youtube(const YouTubeStatus& y) EXCLUDES(mu_) {
    MutexLock lk(mu_);
    youtube_ = y;
  }
  void files(const FilesHealth& f) EXCLUDES(mu_) {
    MutexLock lk(mu_);
    files_ = f;
  }
  // A control.json / control.d acknowledgement: the last one, and the last kCommandHistory.
  void command(const CommandAck& ack) EXCLUDES(mu_) {
    MutexLock lk(mu_);
    last_command_ = ack;
    commands_.push_back(ack);
    if (commands_.size() > kCommandHistory) commands_.pop_front();
  }
  // Fills the snapshot's report fields.
  void into(StatusSnapshot& s) const EXCLUDES(mu_) {
    MutexLock lk(mu_);
    s.trigger = trigger_;
    s.youtube = youtube_;
    s.files = files_;
    s.last_command = last_command_;
    s.commands.assign(commands_.begin(), commands_.end());
  }

 private:
  mutable Mutex mu_;
  TriggerStatus trigger_ GUARDED_BY(mu_);
  YouTubeStatus youtube_ GUARDED_BY(mu_);
  FilesHealth files_ GUARDED_BY(mu_);
  CommandAck last_command_ GUARDED_BY(mu_);
  std::deque<CommandAck> commands_ GUARDED_BY(mu_);
};

}  // namespace loopcast
