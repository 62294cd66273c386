// A Controller that forwards to a stream found at each call and stamps the stream's id on its
// status, so every view of it (status.json, API, SSE) says which stream it is. The registry's
// "first stream" handle resolves anew on every call: the single-stream routes and root files
// follow whichever stream is first now, across replacements.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "control/stream/controller.hpp"

namespace loopcast {

class StreamHandle final : public Controller {
 public:
  // (id, controller); a null controller: the stream is gone (calls answer not_found).
  using Resolve = std::function<std::pair<std::string, std::shared_ptr<Controller>>()>;
  explicit StreamHandle(Resolve resolve) : resolve_(std::move(resolve)) {}

  Status start() override { return call([](Controller& c) { return c.start(); }); }
  Status stop() override { return call([](Controller& c) { return c.stop(); }); }
  Status restart() override { return call([](Controller& c) { return c.restart(); }); }
  Result<SwitchWait> switch_loop(const std::string& l) override {
    return call<Result<SwitchWait>>([&](Controller& c) { return c.switch_loop(l); });
  }
  Result<SwitchWait> track_changed(const TrackInfo& t) override {
    return call<Result<SwitchWait>>([&](Controller& c) { return c.track_changed(t); });
  }
  Status reload_mapping() override { return call([](Controller& c) { return c.reload_mapping(); }); }
  StatusSnapshot status() const override {
    auto [id, c] = resolve_();
    StatusSnapshot s;
    if (c) s = c->status();
    else s.last_error = "no such stream";
    s.stream = id;
    return s;
  }
  std::vector<ScheduleChange> schedule_changes(int days) const override {
    auto [id, c] = resolve_();
    return c ? c->schedule_changes(days) : std::vector<ScheduleChange>{};
  }
  TapShot preview() const override {
    auto [id, c] = resolve_();
    return c ? c->preview() : TapShot{};
  }
  std::vector<EngineEvent> recent_events(uint64_t after_seq) const override {
    auto [id, c] = resolve_();
    return c ? c->recent_events(after_seq) : std::vector<EngineEvent>{};
  }
  std::shared_ptr<LoopCache> splice_cache() const override {
    auto [id, c] = resolve_();
    return c ? c->splice_cache() : nullptr;
  }

 private:
  template <class R = Status, class F>
  R call(F f) {
    auto [id, c] = resolve_();
    if (!c) return Error{"no such stream" + (id.empty() ? std::string() : " '" + id + "'"), Errc::not_found};
    return f(*c);
  }
  Resolve resolve_;
};

}  // namespace loopcast
