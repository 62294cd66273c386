// The one owner of the running pipeline and of the engine state that every view reports:
// start/stop/restart, track → loop mapping, delayed and prepared switches, the watchdog.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <map>
#include <optional>
#include <string>
#include <thread>

#include "control/config.hpp"
#include "control/controller.hpp"
#include "control/schedule_runner.hpp"
#include "control/track_map.hpp"
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
  Status reload_mapping() override;
  void record_command(const CommandAck& ack) override;
  void report_files(const FilesHealth& health) override;
  StatusSnapshot status() const override;
  std::vector<ScheduleChange> schedule_changes(int days) const override;
  // Inside a stream window now (always true without a schedule): whether autostart starts.
  bool scheduled_on() const;

  // True once a pipeline with a set duration has ended by itself (the CLI then exits).
  bool finished() const { return finished_; }

 private:
  // Filled by a detached prepare thread, so a loop on a hung mount can block nothing but itself.
  struct Prepared {
    std::mutex mu;
    bool done = false;
    std::unique_ptr<LoopSource> src;  // null when the job keeps the loop on air
    std::unique_ptr<CachedLoop> cached;  // instead of src when the stream splices
    std::string error;                // the loop could not be opened: the switch is refused
    ArtPtr art;                       // null: no art wanted, or it failed (art_error)
    std::string art_error;
  };
  struct SwitchJob {
    std::string loop;
    TrackInfo track;
    std::chrono::steady_clock::time_point due;
    std::shared_ptr<Prepared> prep;  // null for a same-loop job without cover art
  };
  using Clock = std::chrono::steady_clock;

  void run();  // housekeeping thread: prepare and apply switches, measure rates, watchdog
  void process_switches();
  // mu_ held; splice: load (or build) the loop's cache instead of opening it for encoding.
  std::shared_ptr<Prepared> prepare(const std::string& path, const std::string& art_url, bool splice);
  // The start loop's cache when this session can splice; null: the session encodes.
  std::unique_ptr<CachedLoop> cached_for_start(const std::string& loop);
  void watch_pipeline();
  Status start_locked();  // life_mu_ held
  void stop_locked();
  void restart_after_fault(const std::string& why);  // life_mu_ held
  std::shared_ptr<Pipeline> pipeline() const;
  Status queue_switch(const std::string& loop, const TrackInfo& track, double delay);
  void on_icy_title(const std::string& title);
  void set_error(const std::string& e);
  std::unique_ptr<ScheduleRunner> make_schedule();
  void apply_loop_edge(SysSeconds edge);  // a time rule edge: queue the loop it asks for

  AppConfig cfg_;
  TimeZone zone_;                            // the configured zone (time rules, schedule)
  std::unique_ptr<ScheduleRunner> schedule_;  // ticked by run(); internally locked
  std::mutex life_mu_;  // serialises start/stop/restart (may block on I/O)

  mutable std::mutex mu_;  // state below; never held across blocking calls
  std::shared_ptr<Pipeline> pipeline_;  // replaced only with life_mu_ held; readers copy it
  std::shared_ptr<const TrackMap> map_;
  std::shared_ptr<LoopCache> cache_;  // splice and auto modes; shared with prepare threads
  std::condition_variable cv_;
  std::string state_ = "stopped";
  std::string loop_;         // on air (or to be used at the next start)
  TrackInfo track_;
  TriggerStatus trigger_;    // the AzuraCast feed's state, as it last reported it
  ArtPtr art_;               // cover art on air (shown again after a restart)
  std::deque<SwitchJob> jobs_;
  // Recent prepares by loop + art URL, running or ready and not yet on air (kept kPrepareReuse):
  // a flood of requests alternating between a few loops reuses them instead of opening the same
  // file again on every tick.
  std::map<std::string, std::pair<std::shared_ptr<Prepared>, Clock::time_point>> prepared_;
  Clock::time_point last_switch_{};  // switches apply at most once per kMinSwitchInterval
  std::string last_error_;
  CommandAck last_command_;
  std::deque<CommandAck> commands_;  // the last kCommandHistory acknowledgements
  FilesHealth files_;
  Clock::time_point started_;
  std::string started_at_;
  uint64_t restarts_ = 0;
  Clock::time_point next_retry_{};  // after a failed automatic restart
  uint64_t switches_before_ = 0;  // switches done by earlier pipelines
  uint64_t track_changes_ = 0;    // new songs accepted by track_changed()
  double fps_ = 0, kbps_ = 0, speed_ = 0;
  std::atomic<bool> finished_{false};
  std::atomic<bool> quit_{false};
  std::thread thread_;
};

}  // namespace loopcast
