#include "api/metrics.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <utility>

#include "base/version.hpp"

namespace loopcast {
namespace {
// Label values: backslash, double quote and newline must be escaped.
std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

// Open file descriptors and threads of this process (Linux /proc): a leak shows as growth here.
std::pair<double, double> fds_and_threads() {
  std::error_code ec;
  double fds = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec); !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) ++fds;
  double threads = 0;
  std::ifstream st("/proc/self/status");
  for (std::string line; std::getline(st, line);)
    if (line.rfind("Threads:", 0) == 0) threads = std::stod(line.substr(8));
  return {fds, threads};
}

void metric(std::string& out, const char* name, const char* type, const char* help, double value) {
  out += fmt::format("# HELP {0} {1}\n# TYPE {0} {2}\n{0} {3}\n", name, help, type, value);
}

// A sample value in the exposition format's spelling (+Inf, -Inf, NaN: silence has no loudness).
std::string sample(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

// `stream="id",` (or nothing outside the registry): the first label of every per-stream series.
std::string stream_label(const StatusSnapshot& s) { return s.stream.empty() ? "" : fmt::format("stream=\"{}\"", label(s.stream)); }

// One family, one line per stream: {stream="id"} (no braces outside the registry).
template <class F>
void per_stream(std::string& out, const std::vector<StatusSnapshot>& all, const char* name, const char* type, const char* help, F value) {
  out += fmt::format("# HELP {0} {1}\n# TYPE {0} {2}\n", name, help, type);
  for (const auto& s : all) {
    const std::string l = stream_label(s);
    out += fmt::format("{}{} {}\n", name, l.empty() ? "" : "{" + l + "}", sample(static_cast<double>(value(s))));
  }
}

// A state family: {stream="id",KEY="value"} 1 per stream.
template <class F>
void per_stream_state(std::string& out, const std::vector<StatusSnapshot>& all, const char* name, const char* help, const char* key, F value) {
  out += fmt::format("# HELP {0} {1}\n# TYPE {0} gauge\n", name, help);
  for (const auto& s : all) {
    const std::string l = stream_label(s);
    out += fmt::format("{}{{{}{}{}=\"{}\"}} 1\n", name, l, l.empty() ? "" : ",", key, label(value(s)));
  }
}
}  // namespace

std::string render_metrics(const StatusSnapshot& s, const ApiStats& api) { return render_metrics(std::vector<StatusSnapshot>{s}, api); }

std::string render_metrics(const std::vector<StatusSnapshot>& all, const ApiStats& api) {
  std::string o;
  const auto [fds, threads] = fds_and_threads();
  metric(o, "loopcast_open_fds", "gauge", "Open file descriptors of the process.", fds);
  metric(o, "loopcast_threads", "gauge", "Threads of the process.", threads);
  metric(o, "loopcast_http_open_connections", "gauge", "API connections open now.", static_cast<double>(api.open_connections));
  metric(o, "loopcast_http_max_connections", "gauge", "API connections allowed at once (below the file limit).",
         static_cast<double>(api.max_connections));
  metric(o, "loopcast_http_refused_connections_total", "counter", "API connections and requests answered 503 at once, all reasons.",
         static_cast<double>(api.refused()));
  o += "# HELP loopcast_http_refusals_total API connections and requests answered 503 at once, by reason.\n# TYPE "
       "loopcast_http_refusals_total counter\n";
  for (const auto& [reason, n] : {std::pair{"global_cap", api.refused_global},
                                  {"per_address", api.refused_per_address},
                                  {"busy", api.refused_busy},
                                  {"event_listeners", api.refused_event_listeners}})
    o += fmt::format("loopcast_http_refusals_total{{reason=\"{}\"}} {}\n", reason, n);
  o += "# HELP loopcast_http_timeouts_total API clients closed for being too slow: headers, body, reading the response.\n# TYPE "
       "loopcast_http_timeouts_total counter\n";
  for (const auto& [phase, n] : {std::pair{"header", api.header_timeouts}, {"body", api.body_timeouts}, {"write", api.write_timeouts}})
    o += fmt::format("loopcast_http_timeouts_total{{phase=\"{}\"}} {}\n", phase, n);
  metric(o, "loopcast_event_clients", "gauge", "Server-Sent Events listeners connected.", static_cast<double>(api.event_clients));
  metric(o, "loopcast_event_clients_dropped_total", "counter", "Event listeners dropped for not reading.", static_cast<double>(api.event_clients_dropped));
  metric(o, "loopcast_up", "gauge", "The loopcast process is up.", 1);
  o += fmt::format("# HELP loopcast_build_info The running loopcast's version.\n# TYPE loopcast_build_info gauge\nloopcast_build_info{{version=\"{}\"}} 1\n", version());
  using S = const StatusSnapshot&;
  per_stream(o, all, "loopcast_status_file_ok", "gauge", "1 while status.json is written successfully.", [](S s) { return s.files.write_error.empty() ? 1 : 0; });
  per_stream(o, all, "loopcast_status_file_write_failures_total", "counter", "status.json writes that failed (disk full, read-only).", [](S s) { return s.files.write_failures; });
  per_stream(o, all, "loopcast_running", "gauge", "1 while the pipeline streams.", [](S s) { return s.state == StreamState::running ? 1 : 0; });
  per_stream(o, all, "loopcast_uptime_seconds", "gauge", "Seconds since the pipeline started.", [](S s) { return s.uptime; });
  per_stream(o, all, "loopcast_video_frames_total", "counter", "Video frames encoded.", [](S s) { return s.video_frames; });
  per_stream(o, all, "loopcast_audio_frames_total", "counter", "AAC frames encoded.", [](S s) { return s.audio_frames; });
  per_stream(o, all, "loopcast_dropped_frames_total", "counter", "Video frames dropped to keep real time.", [](S s) { return s.dropped_frames; });
  per_stream(o, all, "loopcast_bytes_sent_total", "counter", "Bytes written to all outputs.", [](S s) { return s.bytes_sent; });
  per_stream(o, all, "loopcast_output_bitrate_kbps", "gauge", "Encoded bitrate over the last second.", [](S s) { return s.bitrate_kbps; });
  per_stream(o, all, "loopcast_fps", "gauge", "Video frames per second over the last second.", [](S s) { return s.fps; });
  per_stream(o, all, "loopcast_speed", "gauge", "Media seconds produced per wall second (encoder speed).", [](S s) { return s.speed; });
  per_stream(o, all, "loopcast_title_cards_shown_total", "counter", "Title cards on air (splice mode), repeats included.",
             [](S s) { return s.title_cards ? s.title_cards->shown : 0; });
  per_stream(o, all, "loopcast_title_cards_late_total", "counter", "Title cards not composed when their song went on air.",
             [](S s) { return s.title_cards ? s.title_cards->late : 0; });
  per_stream(o, all, "loopcast_title_cards_skipped_total", "counter", "Title cards never shown (too late or failed).",
             [](S s) { return s.title_cards ? s.title_cards->skipped : 0; });
  per_stream(o, all, "loopcast_switches_total", "counter", "Background loop switches.", [](S s) { return s.switches; });
  per_stream(o, all, "loopcast_track_changes_total", "counter", "New songs accepted (repeats ignored).", [](S s) { return s.track_changes; });
  per_stream(o, all, "loopcast_restarts_total", "counter", "Pipeline restarts (API, control file, watchdog).", [](S s) { return s.restarts; });
  per_stream(o, all, "loopcast_audio_reconnects_total", "counter", "Station input reconnection attempts.", [](S s) { return s.audio_reconnects; });
  per_stream(o, all, "loopcast_audio_underruns_total", "counter", "Times the audio buffer ran dry (silence).", [](S s) { return s.audio_underruns; });
  per_stream(o, all, "loopcast_audio_buffer_seconds", "gauge", "Seconds of station audio buffered.", [](S s) { return s.audio_buffer; });
  std::vector<StatusSnapshot> metered;  // running streams: loudness of the audio as sent (EBU R128)
  for (const auto& s : all)
    if (s.loudness) metered.push_back(s);
  if (!metered.empty()) {
    per_stream(o, metered, "loopcast_loudness_momentary_lufs", "gauge", "Loudness of the last 400 ms as sent (EBU R128 momentary).", [](S s) { return s.loudness->sent.momentary; });
    per_stream(o, metered, "loopcast_loudness_short_term_lufs", "gauge", "Loudness of the last 3 s as sent (EBU R128 short-term).", [](S s) { return s.loudness->sent.short_term; });
    per_stream(o, metered, "loopcast_loudness_integrated_lufs", "gauge", "Gated loudness since the stream started (EBU R128 integrated).", [](S s) { return s.loudness->sent.integrated; });
    per_stream(o, metered, "loopcast_loudness_range_lu", "gauge", "Loudness range (EBU R128 LRA).", [](S s) { return s.loudness->sent.range; });
    per_stream(o, metered, "loopcast_true_peak_dbtp", "gauge", "Highest true peak of the last 3 s as sent.", [](S s) { return s.loudness->sent.true_peak; });
    per_stream(o, metered, "loopcast_loudness_gain_db", "gauge", "Gain the loudness leveler applies (0 without --loudness-target).", [](S s) { return s.loudness->gain_db; });
    per_stream(o, metered, "loopcast_encoded_true_peak_max_dbtp", "gauge",
               "Highest true peak of the AAC as decoded since the stream started (measured with --loudness-target).",
               [](S s) { return s.loudness->encoded_true_peak_max; });
  }
  per_stream_state(o, all, "loopcast_video_mode", "Video path of the stream (1 for the current one): encode or splice.", "mode",
                   [](S s) { return s.video_mode.empty() ? std::string("encode") : s.video_mode; });
  per_stream_state(o, all, "loopcast_input_state", "Station input state (1 for the current one).", "state",
                   [](S s) { return s.audio_state ? std::string(to_string(*s.audio_state)) : std::string("stopped"); });
  std::vector<StatusSnapshot> fed;  // streams that follow an AzuraCast feed
  for (const auto& s : all)
    if (!s.trigger.source.empty()) fed.push_back(s);
  if (!fed.empty()) {
    per_stream_state(o, fed, "loopcast_trigger_state", "AzuraCast feed state (1 for the current one).", "state", [](S s) { return std::string(to_string(s.trigger.state)); });
    per_stream(o, fed, "loopcast_trigger_updates_total", "counter", "Now-playing objects received from AzuraCast.", [](S s) { return s.trigger.updates; });
    per_stream(o, fed, "loopcast_trigger_reconnects_total", "counter", "AzuraCast live-feed sessions retried.", [](S s) { return s.trigger.reconnects; });
  }
  std::vector<StatusSnapshot> watched;  // streams whose YouTube broadcast is watched
  for (const auto& s : all)
    if (s.youtube.state != "off") watched.push_back(s);
  if (!watched.empty()) {
    per_stream_state(o, watched, "loopcast_youtube_state", "YouTube watch state (1 for the current one).", "state",
                     [](S s) { return s.youtube.state; });
    per_stream_state(o, watched, "loopcast_youtube_health", "YouTube liveStream health (1 for the current one): good, ok, bad, noData.",
                     "health", [](S s) { return s.youtube.health.empty() ? std::string("unknown") : s.youtube.health; });
    per_stream_state(o, watched, "loopcast_youtube_lifecycle", "Lifecycle of the broadcast bound to the stream (1 for the current one).",
                     "lifecycle", [](S s) { return s.youtube.lifecycle.empty() ? std::string("unknown") : s.youtube.lifecycle; });
    per_stream(o, watched, "loopcast_youtube_viewers", "gauge", "Concurrent viewers of the live broadcast (-1 unknown).",
               [](S s) { return s.youtube.viewers; });
    per_stream(o, watched, "loopcast_youtube_quota_used", "gauge", "YouTube Data API units spent today (resets at midnight Pacific).",
               [](S s) { return s.youtube.quota_used; });
    per_stream(o, watched, "loopcast_youtube_quota_budget", "gauge", "YouTube Data API units allowed per day.",
               [](S s) { return s.youtube.quota_budget; });
    per_stream(o, watched, "loopcast_youtube_recoveries_total", "counter", "Broadcasts put back on air after YouTube ended one.",
               [](S s) { return s.youtube.recoveries; });
    per_stream(o, watched, "loopcast_youtube_title_updates_total", "counter", "Song titles written to the broadcast.",
               [](S s) { return s.youtube.title_updates; });
    per_stream(o, watched, "loopcast_youtube_skipped_updates_total", "counter", "Song titles skipped to keep the quota the watch needs.",
               [](S s) { return s.youtube.skipped_updates; });
  }
  // Per-output series: one HELP/TYPE header, one line per output, labelled by stream and the redacted URL.
  auto per_output = [&](const char* name, const char* type, const char* help, auto value) {
    o += fmt::format("# HELP {0} {1}\n# TYPE {0} {2}\n", name, help, type);
    for (const auto& s : all) {
      const std::string l = stream_label(s);
      for (const auto& out : s.outputs) o += fmt::format("{}{{{}{}output=\"{}\"}} {}\n", name, l, l.empty() ? "" : ",", label(out.url), value(out));
    }
  };
  per_output("loopcast_output_up", "gauge", "1 while the output is connected.", [](const OutputStatus& x) { return x.state == OutputState::live ? 1 : 0; });
  per_output("loopcast_output_reconnects_total", "counter", "Completed reconnections per output.", [](const OutputStatus& x) { return x.reconnects; });
  per_output("loopcast_output_bytes_total", "counter", "Bytes written per output.", [](const OutputStatus& x) { return x.bytes; });
  per_output("loopcast_output_dropped_packets_total", "counter", "Packets the backlog policy dropped per output.", [](const OutputStatus& x) { return x.dropped_packets; });
  per_output("loopcast_output_dropped_segments_total", "counter",
             "HLS segments an upload output's server never got (queue full or refused).",
             [](const OutputStatus& x) { return x.dropped_segments; });
  per_output("loopcast_output_backlog_seconds", "gauge", "Media time queued and not yet written per output.", [](const OutputStatus& x) { return x.backlog_seconds; });
  return o;
}

}  // namespace loopcast
