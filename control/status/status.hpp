// A consistent, copyable picture of the engine at one instant: what the HTTP API, the metrics,
// and status.json all report, so the three views can never disagree.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/enum_words.hpp"
#include "control/mapping/track.hpp"
#include "engine/audio/loudness_status.hpp"
#include "engine/input/audio_feed.hpp"
#include "engine/output/output_status.hpp"
#include "engine/splice/card_slot.hpp"

namespace loopcast {


// A coming change of the schedule (control/stream/schedule_runner.hpp).
struct ScheduleChange {
  std::string at;    // ISO-8601 local time with its UTC offset
  std::string what;  // start | stop | loop:NAME
};

// The AzuraCast feed: off (none, or stopped), connecting (never up yet), live (the live feed is
// up), polling (it is down, REST answers), reconnecting (both failing).
enum class TriggerState { off, connecting, live, polling, reconnecting };
inline const char* to_string(TriggerState s) {
  constexpr EnumWord<TriggerState> kWords[] = {{TriggerState::off, "off"},
                                               {TriggerState::connecting, "connecting"},
                                               {TriggerState::live, "live"},
                                               {TriggerState::polling, "polling"},
                                               {TriggerState::reconnecting, "reconnecting"}};
  return enum_to_word(kWords, s);
}

// The AzuraCast now-playing feed (REST + live SSE) that follows the station without a webhook.
struct TriggerStatus {
  std::string source;         // "azuracast" when a feed is configured; empty: webhook/API only
  std::string url;            // the AzuraCast base URL, redacted
  std::string station;        // station shortcode
  TriggerState state = TriggerState::off;
  std::string last_update;    // ISO-8601 UTC of the last now-playing data received
  std::string last_error;     // redacted; kept after recovery (it is the *last* error)
  uint64_t updates = 0;       // now-playing objects received (REST and live)
  int reconnects = 0;         // live-feed sessions that ended and were retried
};

// YouTube's side of the stream (api/youtube): the liveStream the ingest feeds, the broadcast bound
// to it, and the watch that keeps one live. Empty state "off" when --youtube is not set.
struct YouTubeIssue {
  std::string type, severity, reason, description;  // liveStream configurationIssues[]
};
struct YouTubeStatus {
  std::string state = "off";  // off | starting | ok | recovering | error | quota_exhausted
  std::string stream_status;  // liveStream status.streamStatus: active | inactive | ready | error | created
  std::string health;         // status.healthStatus.status: good | ok | bad | noData
  std::vector<YouTubeIssue> issues;
  std::string broadcast_id;   // the broadcast bound to the stream (or the one that just ended)
  std::string lifecycle;      // its status.lifeCycleStatus; "none" when no broadcast is bound
  std::string title;
  int64_t viewers = -1;       // concurrentViewers of the live broadcast; -1 = unknown
  int quota_used = 0;         // units spent today (Pacific day)
  int quota_budget = 0;
  std::string quota_reset;    // ISO-8601 UTC of the next reset (midnight Pacific)
  uint64_t recoveries = 0;    // broadcasts put back on air (inserted or transitioned) by the watch
  std::string last_recovery;  // ISO-8601 UTC when the last one went live
  double last_recovery_seconds = 0;  // from seeing no live broadcast to seeing it live again
  uint64_t title_updates = 0;        // song titles written to the broadcast
  uint64_t skipped_updates = 0;      // song titles skipped to keep the quota the watch needs
  std::string last_error;     // redacted; kept after recovery (it is the *last* error)
};

struct CommandAck {
  std::string id;       // control.json "id" (or generated)
  std::string command;  // start | stop | restart | switch
  std::string result;   // ok | error: ...
  std::string at;       // ISO-8601 UTC
};

// The shared-file protocol's own health: status.json that cannot be written (disk full, read-only
// volume) must show somewhere, so it shows in the API's status and metrics.
struct FilesHealth {
  std::string write_error;      // last status.json write error; empty while writes succeed
  uint64_t write_failures = 0;  // status.json writes that failed since start
};

// The stream's lifecycle (Supervisor): "state" in status.json, loopcast_running in metrics.
enum class StreamState { stopped, starting, running, stopping, error };

// The one spelling of each state: status.json, metrics and logs all use it.
inline std::string to_string(StreamState s) {
  switch (s) {
    case StreamState::stopped: return "stopped";
    case StreamState::starting: return "starting";
    case StreamState::running: return "running";
    case StreamState::stopping: return "stopping";
    case StreamState::error: return "error";
  }
  return "unknown";
}

// The station logo in effect (engine/picture/logo.hpp), as configured and as sized on the picture.
struct LogoStatus {
  std::string file;      // the PNG's file name (no directory)
  std::string position;  // top-left | top-right | bottom-left | bottom-right
  int width = 0, height = 0;
  double opacity = 1;
};

struct StatusSnapshot {
  std::string stream;  // the stream's id (channels); empty only outside the registry
  StreamState state = StreamState::stopped;
  int pid = 0;
  double uptime = 0;              // seconds since the pipeline started (0 when stopped)
  std::string started_at;         // ISO-8601 UTC, empty when stopped
  TrackInfo track;                // last track seen
  std::string loop;               // loop file currently on air
  std::string video_mode;         // encode | splice (running), else the configured mode
  std::optional<LogoStatus> logo; // none: no logo (status.json: null)
  std::optional<CardStats> title_cards;  // none: no title cards (off, or not splicing)
  std::string pending_loop;       // loop waiting for its switch delay
  double pending_in = 0;          // seconds until the pending switch
  std::string timezone;                     // the schedule's zone
  std::optional<ScheduleChange> next_change;  // none: nothing scheduled
  uint64_t switches = 0;
  uint64_t track_changes = 0;     // new songs accepted (repeats of the same song are not counted)
  uint64_t video_frames = 0;
  uint64_t audio_frames = 0;
  uint64_t dropped_frames = 0;    // video frames dropped to keep up with the clock
  uint64_t duplicated_frames = 0; // loop frames shown twice (loop fps < output fps)
  uint64_t bytes_sent = 0;
  double output_seconds = 0;      // media time produced
  double fps = 0;                 // measured over the last seconds
  double bitrate_kbps = 0;        // measured over the last seconds
  double speed = 0;               // media seconds per wall second (1.0 in real time)
  std::optional<AudioState> audio_state;  // none while stopped (status.json: "", metrics: stopped)
  std::string audio_source;       // redacted
  int audio_reconnects = 0;
  uint64_t audio_underruns = 0;
  double audio_buffer = 0;        // seconds in the jitter buffer
  std::string icy_title;
  std::optional<LoudnessStatus> loudness;  // none while stopped
  TriggerStatus trigger;          // the AzuraCast feed (status.json: "trigger")
  YouTubeStatus youtube;          // YouTube's side (status.json: "youtube", the last key; absent while "off")
  std::vector<OutputStatus> outputs;
  uint64_t restarts = 0;          // pipeline restarts (API, control file, watchdog)
  std::string last_error;
  CommandAck last_command;
  std::vector<CommandAck> commands;  // the last kCommandHistory acknowledgements, oldest first
  FilesHealth files;
};

constexpr size_t kCommandHistory = 20;

}  // namespace loopcast
