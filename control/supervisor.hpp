// The one owner of the running pipeline and of the engine state that every view reports:
// start/stop/restart, track → loop mapping, delayed and prepared switches, the watchdog.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "control/config.hpp"
#include "control/controller.hpp"
#include "control/track_map.hpp"
#include "engine/pipeline.hpp"

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
  Status reload_mapping() override;
  void record_command(const CommandAck& ack) override;
  StatusSnapshot status() const override;

  // True once a pipeline with a set duration has ended by itself (the CLI then exits).
  bool finished() const { return finished_; }

 private:
  // Filled by a detached prepare thread, so a loop on a hung mount can block nothing but itself.
  struct Prepared {
    std::mutex mu;
    bool done = false;
    std::unique_ptr<LoopSource> src;  // null when the job keeps the loop on air
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
  void watch_pipeline();
  Status start_locked();  // life_mu_ held
  void stop_locked();
  void restart_after_fault(const std::string& why);  // life_mu_ held
  std::shared_ptr<Pipeline> pipeline() const;
  Status queue_switch(const std::string& loop, const TrackInfo& track, double delay);
  void on_icy_title(const std::string& title);
  void set_error(const std::string& e);

  AppConfig cfg_;
  std::mutex life_mu_;  // serialises start/stop/restart (may block on I/O)

  mutable std::mutex mu_;  // state below; never held across blocking calls
  std::shared_ptr<Pipeline> pipeline_;  // replaced only with life_mu_ held; readers copy it
  std::shared_ptr<const TrackMap> map_;
  std::condition_variable cv_;
  std::string state_ = "stopped";
  std::string loop_;         // on air (or to be used at the next start)
  TrackInfo track_;
  ArtPtr art_;               // cover art on air (shown again after a restart)
  std::deque<SwitchJob> jobs_;
  std::string last_error_;
  CommandAck last_command_;
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
