// A Controller that records calls and returns configurable results, for the API and file-protocol
// unit tests (the real Supervisor is exercised by the integration tests).
#pragma once
#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "control/status/stream_part.hpp"
#include "control/stream/controller.hpp"

namespace loopcast::test {

struct FakeController : Controller {
  Status start() override { return call("start"); }
  Status stop() override { return call("stop"); }
  Status restart() override { return call("restart"); }
  Result<SwitchWait> switch_loop(const std::string& loop) override { return waited(call("switch:" + loop)); }
  Result<SwitchWait> track_changed(const TrackInfo& t) override {
    std::lock_guard lk(mu);
    tracks.push_back(t);
    calls.push_back("track");
    return next ? Result<SwitchWait>(wait) : Result<SwitchWait>(next.forward());
  }
  Status reload_mapping() override { return call("reload"); }
  // As a Stream merges the parts beside it (feed, watch, files) into its status.
  void attach(const StreamPart* part) {
    std::lock_guard lk(mu);
    parts.push_back(part);
  }
  StatusSnapshot status() const override {
    StatusSnapshot s;
    std::vector<const StreamPart*> beside;
    {
      std::lock_guard lk(mu);
      s = snapshot;
      beside = parts;
    }
    for (const auto* p : beside) p->into(s);
    return s;
  }
  TapShot preview() const override {
    std::lock_guard lk(mu);
    return shot;
  }
  std::vector<EngineEvent> recent_events(uint64_t after_seq) const override { return event_log.recent(after_seq); }
  std::shared_ptr<LoopCache> splice_cache() const override { return nullptr; }
  std::vector<ScheduleChange> schedule_changes(int days) const override {
    std::lock_guard lk(mu);
    schedule_days = days;
    return changes;
  }
  Status call(const std::string& what) {
    std::lock_guard lk(mu);
    calls.push_back(what);
    return next;
  }
  Result<SwitchWait> waited(const Status& st) {
    std::lock_guard lk(mu);
    return st ? Result<SwitchWait>(wait) : Result<SwitchWait>(st.forward());
  }
  std::vector<std::string> calls_copy() const {
    std::lock_guard lk(mu);
    return calls;
  }

  mutable std::mutex mu;
  Status next;  // what every call returns
  SwitchWait wait;  // what a successful switch or track call hands back (null: nothing queued)
  std::vector<std::string> calls;
  std::vector<TrackInfo> tracks;
  std::vector<const StreamPart*> parts;  // attach()ed: must outlive every status() call
  StatusSnapshot snapshot;
  std::vector<ScheduleChange> changes;  // what schedule_changes returns
  TapShot shot;                         // what preview returns
  EventLog event_log;                   // what recent_events reads
  mutable int schedule_days = 0;        // the last days asked for
};

}  // namespace loopcast::test
