// The stream's lifecycle facade: commands and queries over the parts that decide and act. Which
// loop a song gets is SongSwitches', switch timing the SwitchScheduler's (prepared by the
// LoopOpener), state moves the Lifecycle's, the pipeline and its faults the PipelineRunner's, the
// stream windows and time rules the ScheduleRunner's. This class wires them and applies switches.
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
#include "control/stream/controller.hpp"
#include "control/stream/lifecycle.hpp"
#include "control/stream/loop_opener.hpp"
#include "control/stream/pipeline_runner.hpp"
#include "control/stream/schedule_runner.hpp"
#include "control/stream/song_switches.hpp"
#include "control/stream/switch_scheduler.hpp"
#include "control/stream/title_cards.hpp"
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
  StatusSnapshot status() const override;
  std::vector<ScheduleChange> schedule_changes(int days) const override;
  TapShot preview() const override;
  std::vector<EngineEvent> recent_events(uint64_t after_seq) const override { return events_.recent(after_seq); }
  std::shared_ptr<LoopCache> splice_cache() const override { return cache_; }
  // Inside a stream window now (always true without a schedule): whether autostart starts.
  bool scheduled_on() const;
  // True once a pipeline with a set duration has ended by itself (the CLI then exits).
  bool finished() const { return runner_->finished(); }

 private:
  using Clock = std::chrono::steady_clock;

  void run();  // housekeeping thread: the schedule, switches, the pipeline's health and rates
  void process_switches() EXCLUDES(mu_);
  SwitchWait queue_switch(const SwitchRequest& r);
  void compose_card(const SwitchRequest& r) EXCLUDES(mu_);
  void on_icy_title(const std::string& title, double heard_in_s);  // heard that many seconds from now
  Opening opening() EXCLUDES(mu_);                                 // what a new pipeline opens with
  std::unique_ptr<ScheduleRunner> make_schedule();
  void apply_loop_edge(SysSeconds edge);  // a time rule edge: queue the loop it asks for

  AppConfig cfg_;
  TimeZone zone_;                             // the configured zone (time rules, schedule)
  std::unique_ptr<ScheduleRunner> schedule_;  // ticked by run(); internally locked

  // Set by the constructor, read-only after. The cache: splice and auto modes.
  std::shared_ptr<LoopCache> cache_;
  EventLog events_;                            // what the dashboard lists (internally locked)
  Lifecycle life_{events_};                    // the state and its moves (internally locked)
  SongSwitches songs_;                         // the mapping and the song on air (internally locked)
  std::unique_ptr<PipelineRunner> runner_;     // the pipeline: start/stop, faults, its status
  std::unique_ptr<LoopOpener> opener_;         // prepares the switches; outlives switches_
  std::unique_ptr<SwitchScheduler> switches_;  // internally locked
  std::unique_ptr<TitleCards> cards_;          // splice streams with --title-card only

  mutable Mutex mu_;  // with cv_: wakes run(); guards art_ and the card awaiting its song
  std::condition_variable cv_;
  ArtPtr art_ GUARDED_BY(mu_);  // cover art on air (shown again after a restart)
  std::string card_song_ GUARDED_BY(mu_);           // the song text of card_
  std::shared_ptr<CardSlot> card_ GUARDED_BY(mu_);  // composing for the song waiting its switch
  std::string unshown_song_ GUARDED_BY(mu_);        // went on air while no pipeline ran: its card at the next start
  std::atomic<bool> quit_{false};
  std::thread thread_;
};

}  // namespace loopcast
