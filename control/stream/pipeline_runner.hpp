// The one owner of a stream's running pipeline: start, stop and restart (serialised), the
// watchdog's verdicts acted on (fault restarts, a calm retry after a failed one, the end of a set
// duration), and what a running pipeline adds to the status (uptime, restarts, rates, outputs).
// It does not decide what to start: `Opening` asks the stream for the loop and song of the moment.
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "base/thread_annotations.hpp"
#include "control/status/event_log.hpp"
#include "control/status/rate_meter.hpp"
#include <optional>

#include "control/stream/feed_watch.hpp"
#include "control/stream/lifecycle.hpp"
#include "control/stream/watchdog.hpp"
#include "engine/picture/title_card.hpp"
#include "engine/pipeline.hpp"
#include "engine/splice/card_slot.hpp"
#include "engine/splice/loop_cache.hpp"

namespace loopcast {

// What a new pipeline opens with: the loop on air and the song shown over it.
struct Opening {
  std::string loop;  // a file or network loop (a scene starts on the configured loop)
  std::string text;  // the song's text, "" when none
  ArtPtr art;        // its cover art, may be null
  // A song that went on air while no pipeline ran (a start, a restart) still gets its title card
  // over the session's first seconds: the card composed ahead (splice), or the text to draw (encode).
  std::shared_ptr<CardSlot> card;
  std::optional<CardText> draw_card;
};

class PipelineRunner {
 public:
  using OpeningFn = std::function<Opening()>;
  using IcyFn = std::function<void(const std::string& title, double heard_in_s)>;
  PipelineRunner(const EngineConfig& cfg, LoopCache* cache, EventLog& events, Lifecycle& life, double watchdog_timeout,
                 OpeningFn opening, IcyFn icy);
  ~PipelineRunner();

  Status start() EXCLUDES(life_mu_);  // conflict when running
  Status stop() EXCLUDES(life_mu_);   // conflict when stopped (also cancels a pending retry)
  Status restart() EXCLUDES(life_mu_);
  // The housekeeping thread's turn: acts on the watchdog's verdict (never waits for a start or
  // stop in progress) and, once a second, samples rates and the outputs' changes.
  void watch() EXCLUDES(life_mu_, mu_);
  void retry_later() { watchdog_.retry_later(); }  // a scheduled start failed

  std::shared_ptr<Pipeline> pipeline() const EXCLUDES(mu_);  // null when stopped
  void set_error(const std::string& e) EXCLUDES(mu_);        // logged, an event, last_error
  void set_warning(const std::string& e) EXCLUDES(mu_);      // the same, logged as a warning
  void into(StatusSnapshot& s) const EXCLUDES(mu_);
  bool finished() const { return finished_; }

 private:
  using Clock = std::chrono::steady_clock;
  Status start_locked() REQUIRES(life_mu_);
  void stop_locked() REQUIRES(life_mu_);
  void restart_after_fault(const std::string& why) REQUIRES(life_mu_);
  void watch_health() EXCLUDES(life_mu_);
  void measure_rates() EXCLUDES(mu_);
  void keep_error(const std::string& e) EXCLUDES(mu_);

  const EngineConfig& cfg_;
  LoopCache* const cache_;  // splice and auto modes; may be null
  EventLog& events_;
  Lifecycle& life_;
  Watchdog watchdog_;  // internally locked
  const OpeningFn opening_;
  const IcyFn icy_;

  Mutex life_mu_ ACQUIRED_BEFORE(mu_);  // serialises start/stop/restart (may block on I/O)
  mutable Mutex mu_;                    // state below; never held across blocking calls
  std::shared_ptr<Pipeline> pipeline_ GUARDED_BY(mu_);  // replaced only with life_mu_ held; readers copy it
  std::string last_error_ GUARDED_BY(mu_);
  Clock::time_point started_ GUARDED_BY(mu_);
  std::string started_at_ GUARDED_BY(mu_);
  uint64_t restarts_ GUARDED_BY(mu_) = 0;
  uint64_t switches_before_ GUARDED_BY(mu_) = 0;  // switches done by earlier pipelines
  Rates rates_ GUARDED_BY(mu_);
  RateMeter meter_;       // watch()'s thread only
  FeedWatch feed_watch_;  // watch()'s thread only: outputs' and station's changes → events_
  Clock::time_point last_sample_;  // watch()'s thread only
  std::atomic<bool> finished_{false};
};

}  // namespace loopcast
