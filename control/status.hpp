// A consistent, copyable picture of the engine at one instant: what the HTTP API, the metrics,
// and status.json all report, so the three views can never disagree.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "control/track.hpp"
#include "engine/output/output_status.hpp"

namespace loopcast {


struct CommandAck {
  std::string id;       // control.json "id" (or generated)
  std::string command;  // start | stop | restart | switch
  std::string result;   // ok | error: ...
  std::string at;       // ISO-8601 UTC
};

struct StatusSnapshot {
  std::string state = "stopped";  // stopped | starting | running | stopping | error
  int pid = 0;
  double uptime = 0;              // seconds since the pipeline started (0 when stopped)
  std::string started_at;         // ISO-8601 UTC, empty when stopped
  TrackInfo track;                // last track seen
  std::string loop;               // loop file currently on air
  std::string pending_loop;       // loop waiting for its switch delay
  double pending_in = 0;          // seconds until the pending switch
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
  std::string audio_state;        // connecting | connected | reconnecting | silence | tone | fallback
  std::string audio_source;       // redacted
  int audio_reconnects = 0;
  uint64_t audio_underruns = 0;
  double audio_buffer = 0;        // seconds in the jitter buffer
  std::string icy_title;
  std::vector<OutputStatus> outputs;
  uint64_t restarts = 0;          // pipeline restarts (API, control file, watchdog)
  std::string last_error;
  CommandAck last_command;
};

}  // namespace loopcast
