// One stream: its lifecycle (the Supervisor; any Controller in tests) and the parts that run
// beside it (feed, YouTube watch, files), one status merged from all of them and stamped with
// the stream's id. Commands go to the lifecycle; the parts keep their own state, so Controller
// is commands and queries only. Closing stops everything in order: the parts that close before
// the pipeline, the pipeline, then the others.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/thread_annotations.hpp"
#include "control/status/stream_part.hpp"
#include "control/stream/controller.hpp"

namespace loopcast {

class Stream final : public Controller {
 public:
  // `finished`: a set --duration has ended (may be empty: never).
  Stream(std::string id, std::shared_ptr<Controller> lifecycle, std::function<bool()> finished = {});
  ~Stream() override;
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  void add(std::shared_ptr<StreamPart> part) EXCLUDES(mu_);
  void close() EXCLUDES(mu_);  // idempotent; the stream answers status ("stopped") after it
  bool finished() const { return finished_ && finished_(); }
  const std::string& id() const { return id_; }

  Status start() override { return core_->start(); }
  Status stop() override { return core_->stop(); }
  Status restart() override { return core_->restart(); }
  Result<SwitchWait> switch_loop(const std::string& loop) override { return core_->switch_loop(loop); }
  Result<SwitchWait> track_changed(const TrackInfo& t) override { return core_->track_changed(t); }
  Status reload_mapping() override { return core_->reload_mapping(); }
  StatusSnapshot status() const override EXCLUDES(mu_);
  std::vector<ScheduleChange> schedule_changes(int days) const override { return core_->schedule_changes(days); }
  TapShot preview() const override { return core_->preview(); }
  std::vector<EngineEvent> recent_events(uint64_t after_seq) const override { return core_->recent_events(after_seq); }
  std::shared_ptr<LoopCache> splice_cache() const override { return core_->splice_cache(); }

 private:
  std::vector<std::shared_ptr<StreamPart>> parts() const EXCLUDES(mu_);

  const std::string id_;
  const std::shared_ptr<Controller> core_;
  const std::function<bool()> finished_;
  mutable Mutex mu_;  // the list only: never held while a part is asked or closed
  std::vector<std::shared_ptr<StreamPart>> parts_ GUARDED_BY(mu_);
  bool closed_ GUARDED_BY(mu_) = false;
};

}  // namespace loopcast
