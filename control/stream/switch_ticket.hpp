// What a caller of a switch request gets to wait on: the request's outcome, told by the switch
// scheduler when it hands the switch over, refuses it, or drops it for a newer request. (Before,
// callers polled the status every 20 ms to see a switch land.)
#pragma once
#include <chrono>
#include <condition_variable>
#include <memory>
#include <string>

#include "base/result.hpp"
#include "base/thread_annotations.hpp"

namespace loopcast {

class SwitchTicket {
 public:
  enum class Outcome {
    pending,     // waiting for its time or its prepare
    on_air,      // handed to the pipeline (or, while stopped, the loop the next start uses)
    refused,     // the loop could not be opened: the loop on air stays (detail says why)
    superseded,  // a newer request replaced it before it was due
  };

  explicit SwitchTicket(bool delayed) : delayed_(delayed) {}

  // The first outcome other than pending wins; later ones are ignored.
  void settle(Outcome o, std::string detail = {}) EXCLUDES(mu_) {
    {
      MutexLock lk(mu_);
      if (outcome_ != Outcome::pending || o == Outcome::pending) return;
      outcome_ = o;
      detail_ = std::move(detail);
    }
    cv_.notify_all();
  }
  // Until settled or `timeout` passed: pending means it timed out.
  Outcome wait(std::chrono::duration<double> timeout) const EXCLUDES(mu_) {
    MutexLock lk(mu_);
    cv_.wait_for(lk.native(), timeout, [this]() NO_THREAD_SAFETY_ANALYSIS { return outcome_ != Outcome::pending; });
    return outcome_;
  }
  Outcome outcome() const EXCLUDES(mu_) {
    MutexLock lk(mu_);
    return outcome_;
  }
  std::string detail() const EXCLUDES(mu_) {
    MutexLock lk(mu_);
    return detail_;
  }
  // Due later than at once (a switch delay): waiting for it means waiting that long.
  bool delayed() const { return delayed_; }

 private:
  const bool delayed_;
  mutable Mutex mu_;
  mutable std::condition_variable cv_;
  Outcome outcome_ GUARDED_BY(mu_) = Outcome::pending;
  std::string detail_ GUARDED_BY(mu_);
};

// Null when nothing was queued (the loop asked for is on air already, or the song is a repeat).
using SwitchWait = std::shared_ptr<const SwitchTicket>;

// For callers that only answer whether the request was taken.
inline Status taken(const Result<SwitchWait>& r) { return r ? Status::ok() : Status(r.forward()); }

}  // namespace loopcast
