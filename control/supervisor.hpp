// The stream's lifecycle facade and the one owner of the running pipeline and of the state every
// view reports: start/stop/restart, track → loop mapping, rates. Switch timing is the
// SwitchScheduler's, stall judgement the Watchdog's; this class acts on what they decide.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "base/thread_annotations.hpp"
#include "control/config.hpp"
#include "control/controller.hpp"
#include "control/event_log.hpp"
#include "control/feed_watch.hpp"
#include "control/schedule_runner.hpp"
#include "control/switch_scheduler.hpp"
#include "control/track_map.hpp"
#include "control/watchdog.hpp"
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
  Status switch_loop(const std::string& loop_name) override;
  Status track_changed(const TrackInfo& track) override;
  void report_trigger(const TriggerStatus& t) override;
  void report_youtube(const YouTubeStatus& y) override;
  Status reload_mapping() override;
  void record_command(const CommandAck& ack) override;
  void report_files(const FilesHealth& health) override;
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

  void run();  // housekeeping thread: prepare and apply switches, measure rates, watchdog
  void process_switches() EXCLUDES(mu_);
  // The switch scheduler's prepare job: a detached thread opens the loop (or loads its cache,
  // splice) and fetches the art, so a loop on a hung mount blocks nothing but itself.
  void start_prepare(std::shared_ptr<SwitchScheduler::Prepared> prep, const std::string& path,
                     const std::string& art_url, bool splice, const TrackInfo& track) const;
  std::string scene_for(std::string loop, const TrackInfo& track) const;
  // The start loop's cache when this session can splice; null: the session encodes.
  std::unique_ptr<CachedLoop> cached_for_start(const std::string& loop);
  void watch_pipeline();
  Status start_locked() REQUIRES(life_mu_);
  void stop_locked() REQUIRES(life_mu_);
  void restart_after_fault(const std::string& why) REQUIRES(life_mu_);
  std::shared_ptr<Pipeline> pipeline() const EXCLUDES(mu_);
  Status queue_switch(const std::string& loop, const TrackInfo& track, double delay);
  void on_icy_title(const std::string& title, double heard_in_s);  // heard that many seconds from now
  void set_error(const std::string& e);
  std::unique_ptr<ScheduleRunner> make_schedule();
  void apply_loop_edge(SysSeconds edge);  // a time rule edge: queue the loop it asks for

  AppConfig cfg_;
  TimeZone zone_;                            // the configured zone (time rules, schedule)
  std::unique_ptr<ScheduleRunner> schedule_;  // ticked by run(); internally locked
  Mutex life_mu_ ACQUIRED_BEFORE(mu_);  // serialises start/stop/restart (may block on I/O)

  // Set by the constructor, read-only after: splice and auto modes; shared with prepare threads.
  std::shared_ptr<LoopCache> cache_;
  std::unique_ptr<SwitchScheduler> switches_;  // set by the constructor; internally locked
  Watchdog watchdog_;                          // internally locked

  mutable Mutex mu_;  // state below; never held across blocking calls
  std::shared_ptr<Pipeline> pipeline_ GUARDED_BY(mu_);  // replaced only with life_mu_ held; readers copy it
  std::shared_ptr<const TrackMap> map_ GUARDED_BY(mu_);
  std::condition_variable cv_;
  StreamState state_ GUARDED_BY(mu_) = StreamState::stopped;
  TrackInfo track_ GUARDED_BY(mu_);
  TriggerStatus trigger_ GUARDED_BY(mu_);    // the AzuraCast feed's state, as it last reported it
  YouTubeStatus youtube_ GUARDED_BY(mu_);    // the YouTube watch's state, as it last reported it
  ArtPtr art_ GUARDED_BY(mu_);               // cover art on air (shown again after a restart)
  std::string last_error_ GUARDED_BY(mu_);
  CommandAck last_command_ GUARDED_BY(mu_);
  std::deque<CommandAck> commands_ GUARDED_BY(mu_);  // the last kCommandHistory acknowledgements
  FilesHealth files_ GUARDED_BY(mu_);
  Clock::time_point started_ GUARDED_BY(mu_);
  std::string started_at_ GUARDED_BY(mu_);
  uint64_t restarts_ GUARDED_BY(mu_) = 0;
  uint64_t switches_before_ GUARDED_BY(mu_) = 0;  // switches done by earlier pipelines
  uint64_t track_changes_ GUARDED_BY(mu_) = 0;    // new songs accepted by track_changed()
  double fps_ GUARDED_BY(mu_) = 0;
  double kbps_ GUARDED_BY(mu_) = 0;
  double speed_ GUARDED_BY(mu_) = 0;
  EventLog events_;        // what the dashboard lists (internally locked)
  FeedWatch feed_watch_;   // run()'s thread only: outputs' and station's changes → events_
  std::atomic<bool> finished_{false};
  std::atomic<bool> quit_{false};
  std::thread thread_;
};

}  // namespace loopcast
