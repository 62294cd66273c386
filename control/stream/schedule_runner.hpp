// The station's week in action: starts and stops the stream at the edges of its windows, and
// re-applies the track map at the edges of its time rules (asked `lead` ahead, so the switch is
// prepared, then again at the edge to check it happened). Edge-triggered: a manual start or stop
// holds until the next window edge. Time comes in through tick(), so tests run a week in ms.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/thread_annotations.hpp"
#include "control/status/status.hpp"
#include "control/time/time_window.hpp"
#include "control/mapping/track_map.hpp"

namespace loopcast {

class ScheduleRunner {
 public:
  struct Actions {
    std::function<void()> start, stop;               // a stream window opens / closes
    std::function<void(SysSeconds edge)> loop_edge;  // a time rule starts or stops holding at `edge`
    std::function<TrackInfo()> track;                // the song on air (names the loop in changes)
  };
  ScheduleRunner(std::vector<TimeWindow> stream_windows, TimeZone zone, Actions actions,
                 std::chrono::seconds lead = std::chrono::seconds(3));

  void set_map(std::shared_ptr<const TrackMap> map);  // edges follow the new map
  void invalidate();                                  // the song changed: next_change is recomputed
  void tick(SysSeconds now);                          // acts on every edge at or before `now`

  bool has_stream_windows() const { return !stream_.empty(); }
  bool stream_on(SysSeconds t) const;  // inside a stream window, or no stream windows at all
  const TimeZone& zone() const { return zone_; }
  // What happens in (now, now + days], in order: "start", "stop", "loop:NAME" (loop changes only).
  std::vector<ScheduleChange> changes(SysSeconds now, std::chrono::days days) const;
  std::optional<ScheduleChange> next_change() const;  // as of the last tick

 private:
  void tick_stream(SysSeconds now);
  void tick_loop(SysSeconds now, const std::shared_ptr<const TrackMap>& map);

  const std::vector<TimeWindow> stream_;
  const TimeZone zone_;
  const Actions act_;
  const std::chrono::seconds lead_;
  // Touched by tick() only (one thread).
  std::optional<SysSeconds> stream_edge_, loop_edge_;
  bool loop_prepared_ = false;
  SysSeconds next_change_due_{};  // recompute next_change_ from here on

  mutable Mutex mu_;  // guards the members below
  std::shared_ptr<const TrackMap> map_ GUARDED_BY(mu_);
  bool map_changed_ GUARDED_BY(mu_) = false;
  bool stale_ GUARDED_BY(mu_) = true;
  std::optional<ScheduleChange> next_change_ GUARDED_BY(mu_);
};

}  // namespace loopcast
