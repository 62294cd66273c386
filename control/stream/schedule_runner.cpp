#include "control/stream/schedule_runner.hpp"

#include <algorithm>
#include <filesystem>

namespace loopcast {
namespace chr = std::chrono;

ScheduleRunner::ScheduleRunner(std::vector<TimeWindow> stream_windows, TimeZone zone, Actions actions, chr::seconds lead)
    : stream_(std::move(stream_windows)), zone_(std::move(zone)), act_(std::move(actions)), lead_(lead) {}

void ScheduleRunner::set_map(std::shared_ptr<const TrackMap> map) {
  MutexLock lk(mu_);
  map_ = std::move(map);
  map_changed_ = stale_ = true;
}

void ScheduleRunner::invalidate() {
  MutexLock lk(mu_);
  stale_ = true;
}

bool ScheduleRunner::stream_on(SysSeconds t) const { return stream_.empty() || inside(stream_, zone_, t); }

void ScheduleRunner::tick(SysSeconds now) {
  std::shared_ptr<const TrackMap> map;
  bool recompute;
  {
    MutexLock lk(mu_);
    map = map_;
    if (map_changed_) loop_edge_.reset(), loop_prepared_ = false;
    map_changed_ = false;
    recompute = stale_ || now >= next_change_due_;
    stale_ = false;
  }
  tick_stream(now);
  if (map) tick_loop(now, map);
  if (!recompute) return;
  auto next = changes(now, chr::days(31));
  // Valid until the next raw edge (an edge that changes nothing moves nothing but this).
  SysSeconds due = now + chr::hours(24);
  for (auto e : {stream_edge_, loop_edge_})
    if (e && *e < due) due = *e;
  next_change_due_ = due;
  MutexLock lk(mu_);
  next_change_ = next.empty() ? std::nullopt : std::optional<ScheduleChange>(next.front());
}

void ScheduleRunner::tick_stream(SysSeconds now) {
  if (stream_.empty()) return;
  if (!stream_edge_) stream_edge_ = next_edge(stream_, zone_, now);
  if (!stream_edge_ || now < *stream_edge_) return;
  // At (or past) an edge: the windows say what the stream does now; a manual start/stop before
  // this edge is overridden, one after it holds until the next edge.
  if (inside(stream_, zone_, now)) act_.start();
  else act_.stop();
  stream_edge_ = next_edge(stream_, zone_, now);
}

void ScheduleRunner::tick_loop(SysSeconds now, const std::shared_ptr<const TrackMap>& map) {
  if (!loop_edge_) loop_edge_ = map->next_edge(now);
  if (!loop_edge_) return;
  const SysSeconds edge = *loop_edge_;
  if (!loop_prepared_ && now >= edge - lead_) {
    act_.loop_edge(edge);  // queued now, prepared before the edge, on air at the edge
    loop_prepared_ = true;
  }
  if (now < edge) return;
  act_.loop_edge(edge);  // again: a song or a manual switch may have superseded it meanwhile
  loop_prepared_ = false;
  loop_edge_ = map->next_edge(edge);
}

std::vector<ScheduleChange> ScheduleRunner::changes(SysSeconds now, chr::days days) const {
  std::shared_ptr<const TrackMap> map;
  {
    MutexLock lk(mu_);
    map = map_;
  }
  const SysSeconds end = now + days;
  std::vector<std::pair<SysSeconds, std::string>> out;
  if (!stream_.empty()) {
    for (const auto& iv : openings(stream_, zone_, now, end)) {
      if (iv.open > now && iv.open <= end) out.emplace_back(iv.open, "start");
      if (iv.close > now && iv.close <= end) out.emplace_back(iv.close, "stop");
    }
  }
  if (map) {
    const TrackInfo track = act_.track ? act_.track() : TrackInfo{};
    std::string prev = map->resolve(track, now);
    for (auto e = map->next_edge(now, days + chr::days(1)); e && *e <= end; e = map->next_edge(*e, days + chr::days(1))) {
      std::string loop = map->resolve(track, *e);
      if (loop != prev) out.emplace_back(*e, "loop:" + std::filesystem::path(loop).filename().string());
      prev = std::move(loop);
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<ScheduleChange> result;
  for (const auto& [at, what] : out) result.push_back({zone_.iso(at), what});
  return result;
}

std::optional<ScheduleChange> ScheduleRunner::next_change() const {
  MutexLock lk(mu_);
  return next_change_;
}

}  // namespace loopcast
