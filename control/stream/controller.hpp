// What the HTTP API and the shared-file protocol may ask of a stream: commands and queries, nothing
// else (the parts beside a stream keep their own state: control/status/stream_part.hpp).
// Implemented by the Supervisor and by the Stream around it; every call is thread-safe and returns
// quickly (heavy work happens off the caller).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "control/status/event_log.hpp"
#include "control/status/status.hpp"
#include "control/mapping/track.hpp"
#include "control/stream/switch_ticket.hpp"
#include "base/result.hpp"
#include "engine/video/frame_tap.hpp"

namespace loopcast {

class LoopCache;

class Controller {
 public:
  virtual ~Controller() = default;
  virtual Status start() = 0;    // conflict when already running
  virtual Status stop() = 0;     // conflict when already stopped
  virtual Status restart() = 0;
  // Manual switch to a loop by name (file name in the loops directory, with or without extension).
  // The answer can be waited on until the switch is on air (null: that loop is on air already).
  virtual Result<SwitchWait> switch_loop(const std::string& loop_name) = 0;
  // A new track (webhook, ICY, API): mapped to a loop, applied after the switch delay.
  // Repeats of the current track are accepted and ignored (idempotent; a null wait).
  virtual Result<SwitchWait> track_changed(const TrackInfo& track) = 0;
  virtual Status reload_mapping() = 0;
  virtual StatusSnapshot status() const = 0;
  // Every method is pure: a forwarding Controller (StreamHandle) that missed one would otherwise
  // compile and silently answer nothing.
  // The schedule's coming changes over `days` (stream windows and loop windows).
  virtual std::vector<ScheduleChange> schedule_changes(int days) const = 0;
  // The dashboard: the last on-air keyframe the pipeline kept (empty when not streaming), and the
  // recent events (starts, stops, switches, reconnects, errors) after `after_seq`, oldest first.
  virtual TapShot preview() const = 0;
  virtual std::vector<EngineEvent> recent_events(uint64_t after_seq = 0) const = 0;
  // The stream's splice cache (splice and auto modes), for the console's "prepared" flag and its
  // prepare progress; null when the stream never splices.
  virtual std::shared_ptr<LoopCache> splice_cache() const = 0;
};

}  // namespace loopcast
