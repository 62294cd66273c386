// Where a title card being composed ahead meets the splice path: the composer fills it (or says
// why not) on its worker; the pipeline thread polls it at each frame and never waits for it.
#pragma once
#include <atomic>
#include <memory>
#include <string>

#include "base/thread_annotations.hpp"
#include "engine/splice/card_segment.hpp"

namespace loopcast {

// Counters of the cards of one stream (status and metrics).
struct CardStats {
  uint64_t composed = 0;        // segments made (or found in the card cache)
  uint64_t shown = 0;           // entered on air, repeats included
  uint64_t late = 0;            // not ready when their song went on air
  uint64_t skipped = 0;         // late beyond the card's own length, or failed: never shown
  double last_prepare_s = 0;    // compose time of the last one (0 when it came from the card cache)
};

class CardSlot {
 public:
  explicit CardSlot(std::string label) : label_(std::move(label)) {}
  const std::string& label() const { return label_; }  // the song, for the log

  void fulfil(std::shared_ptr<const CardSegment> seg, double prepare_s) EXCLUDES(mu_) {
    MutexLock lk(mu_);
    segment_ = std::move(seg);
    prepare_s_ = prepare_s;
    done_ = true;
  }
  void fail(std::string why) EXCLUDES(mu_) {
    MutexLock lk(mu_);
    error_ = std::move(why);
    done_ = true;
  }
  bool done() const EXCLUDES(mu_) {
    MutexLock lk(mu_);
    return done_;
  }
  std::shared_ptr<const CardSegment> segment() const EXCLUDES(mu_) {
    MutexLock lk(mu_);
    return segment_;
  }
  std::string error() const EXCLUDES(mu_) {
    MutexLock lk(mu_);
    return error_;
  }
  double prepare_seconds() const EXCLUDES(mu_) {
    MutexLock lk(mu_);
    return prepare_s_;
  }

 private:
  const std::string label_;
  mutable Mutex mu_;
  bool done_ GUARDED_BY(mu_) = false;
  std::shared_ptr<const CardSegment> segment_ GUARDED_BY(mu_);
  std::string error_ GUARDED_BY(mu_);
  double prepare_s_ GUARDED_BY(mu_) = 0;
};

}  // namespace loopcast
