// The stream's lifecycle facade and the one owner of the running pipeline: start/stop/restart,
// switches applied, the watchdog's verdicts acted on. The parts decide, this class acts: which loop
// a song gets is SongSwitches', switch timing the SwitchScheduler's (prepared by the LoopOpener),
// state moves the Lifecycle's, stall judgement the Watchdog's, rates the RateMeter's.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <string>
#include <thread>

#include "base/thread_annotations.hpp"
#include "control/config/config.hpp"
#include "control/mapping/track_map.hpp"
#include "control/status/event_log.hpp"
#include "control/status/rate_meter.hpp"
#include "control/status/reports.hpp"
#include "control/stream/controller.hpp"
#include "control/stream/feed_watch.hpp"
#include "control/stream/lifecycle.hpp"
#include "control/stream/loop_opener.hpp"
#include "control/stream/schedule_runner.hpp"
#include "control/stream/song_switches.hpp"
#include "control/stream/switch_scheduler.hpp"
#include "control/stream/watchdog.hpp"
#include "engine/pipeline.hpp"
#include "engine/splice/loop_cache.hpp"

namespace loopcast {

class Supervisor final : public Controller {
 public:
  explicit Supervisor(AppConfig cfg);
  ~Supervisor() override;

  Status start() override;
  Status stop() override;
  Status restart() override;
  Result<SwitchWait> switch_loop(const std::string& loop_name) override;
  Result<SwitchWait> track_changed(const TrackInfo& track) override;
  Status reload_mapping() override;
  void report_trigger(const TriggerStatus& t) override { reports_.trigger(t); }
  void report_youtube(const YouTubeStatus& y) override { reports_.youtube(y); }
  void record_command(const CommandAck& ack) override { reports_.command(ack); }
  void report_files(const FilesHealth& health) override { reports_.files(health); }
  StatusSnapshot status() const override;
  std::vector<ScheduleChange> schedule_changes(int days) const override;
  TapShot preview() const override;
  std::vector<EngineEvent> recent_events(uint64_t after_seq) const override { return events_.recent(after_seq); }
  // Inside a stream window now (always true without a schedule): whether autostart starts.
  bool scheduled_on() const;
  // True once a pipeline with a set duration has ended by itself (the CLI then exits).
  bool finished() const { return finished_; }

 private:
  using Clock = std::chrono::steady_clock;

  void run();  // housekeeping thread: the schedule, switches, the watchdog, rates
  void process_switches() EXCLUDES(mu_);
  void watch_pipeline();
  void measure_rates() EXCLUDES(mu_);
  Status start_locked() REQUIRES(life_mu_);
  void stop_locked() REQUIRES(life_mu_);
  void restart_after_fault(const std::string& why) REQUIRES(life_mu_);
  std::shared_ptr<Pipeline> pipeline() const EXCLUDES(mu_);
  SwitchWait queue_switch(const SwitchRequest& r);
  void on_icy_title(const std::string& title, double heard_in_s);  // heard that many seconds from now
  void set_error(const std::string& e);
  std::unique_ptr<ScheduleRunner> make_schedule();
  void apply_loop_edge(SysSeconds edge);  // a time rule edge: queue the loop it asks for

  AppConfig cfg_;
  TimeZone zone_;                             // the configured zone (time rules, schedule)
  std::unique_ptr<ScheduleRunner> schedule_;  // ticked by run(); internally locked
  Mutex life_mu_ ACQUIRED_BEFORE(mu_);        // serialises start/stop/restart (may block on I/O)

  // Set by the constructor, read-only after. The cache: splice and auto modes.
  std::shared_ptr<LoopCache> cache_;
  std::unique_ptr<LoopOpener> opener_;         // prepares the switches; outlives switches_
  std::unique_ptr<SwitchScheduler> switches_;  // internally locked
  Watchdog watchdog_;                          // internally locked
  EventLog events_;                            // what the dashboard lists (internally locked)
  Lifecycle life_{events_};                    // the state and its moves (internally locked)
  Reports reports_;                            // the companions' reports (internally locked)
  SongSwitches songs_;                         // the mapping and the song on air (internally locked)

  mutable Mutex mu_;  // state below; never held across blocking calls
  std::shared_ptr<Pipeline> pipeline_ GUARDED_BY(mu_);  // replaced only with life_mu_ held; readers copy it
  std::condition_variable cv_;
  ArtPtr art_ GUARDED_BY(mu_);  // cover art on air (shown again after a restart)
  std::string last_error_ GUARDED_BY(mu_);
  Clock::time_point started_ GUARDED_BY(mu_);
  std::string started_at_ GUARDED_BY(mu_);
  uint64_t restarts_ GUARDED_BY(mu_) = 0;
  uint64_t switches_before_ GUARDED_BY(mu_) = 0;  // switches done by earlier pipelines
  Rates rates_ GUARDED_BY(mu_);
  RateMeter meter_;        // run()'s thread only
  FeedWatch feed_watch_;   // run()'s thread only: outputs' and station's changes → events_
  std::atomic<bool> finished_{false};
  std::atomic<bool> quit_{false};
  std::thread thread_;
};

}  // namespace loopcast
