// What the HTTP API and the shared-file protocol may ask of the engine. Implemented by the
// Supervisor; every call is thread-safe and returns quickly (heavy work happens off the caller).
#pragma once
#include <string>
#include <vector>

#include "control/status/event_log.hpp"
#include "control/status/status.hpp"
#include "control/mapping/track.hpp"
#include "control/stream/switch_ticket.hpp"
#include "base/result.hpp"
#include "engine/video/frame_tap.hpp"

namespace loopcast {

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
  // A control.json / control.d acknowledgement: becomes last_command and joins `commands`.
  virtual void record_command(const CommandAck& ack) = 0;
  virtual void report_files(const FilesHealth& health) = 0;  // status.json writer's health
  virtual StatusSnapshot status() const = 0;
  // Every method is pure: a forwarding Controller (StreamHandle) that missed one would otherwise
  // compile and silently answer nothing.
  // The schedule's coming changes over `days` (stream windows and loop windows).
  virtual std::vector<ScheduleChange> schedule_changes(int days) const = 0;
  // The AzuraCast feed's state, shown as status "trigger".
  virtual void report_trigger(const TriggerStatus&) = 0;
  // The YouTube watch's state (api/youtube), shown as status "youtube".
  virtual void report_youtube(const YouTubeStatus&) = 0;
  // The dashboard: the last on-air keyframe the pipeline kept (empty when not streaming), and the
  // recent events (starts, stops, switches, reconnects, errors) after `after_seq`, oldest first.
  virtual TapShot preview() const = 0;
  virtual std::vector<EngineEvent> recent_events(uint64_t after_seq = 0) const = 0;
};

}  // namespace loopcast
