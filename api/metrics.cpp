#include "api/metrics.hpp"

#include <fmt/format.h>

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
}  // namespace

std::string render_metrics(const StatusSnapshot& s, const ApiStats& api) {
  std::string o;
  const auto [fds, threads] = fds_and_threads();
  metric(o, "loopcast_open_fds", "gauge", "Open file descriptors of the process.", fds);
  metric(o, "loopcast_threads", "gauge", "Threads of the process.", threads);
  metric(o, "loopcast_http_refused_connections_total", "counter", "Connections refused: over the per-address limit.", static_cast<double>(api.refused_connections));
  metric(o, "loopcast_event_clients", "gauge", "Server-Sent Events listeners connected.", static_cast<double>(api.event_clients));
  metric(o, "loopcast_event_clients_dropped_total", "counter", "Event listeners dropped for not reading.", static_cast<double>(api.event_clients_dropped));
  metric(o, "loopcast_status_file_ok", "gauge", "1 while status.json is written successfully.", s.files.write_error.empty() ? 1 : 0);
  metric(o, "loopcast_status_file_write_failures_total", "counter", "status.json writes that failed (disk full, read-only).", static_cast<double>(s.files.write_failures));
  metric(o, "loopcast_up", "gauge", "The loopcast process is up.", 1);
  o += fmt::format("# HELP loopcast_build_info The running loopcast's version.\n# TYPE loopcast_build_info gauge\nloopcast_build_info{{version=\"{}\"}} 1\n", version());
  metric(o, "loopcast_running", "gauge", "1 while the pipeline streams.", s.state == StreamState::running ? 1 : 0);
  metric(o, "loopcast_uptime_seconds", "gauge", "Seconds since the pipeline started.", s.uptime);
  metric(o, "loopcast_video_frames_total", "counter", "Video frames encoded.", static_cast<double>(s.video_frames));
  metric(o, "loopcast_audio_frames_total", "counter", "AAC frames encoded.", static_cast<double>(s.audio_frames));
  metric(o, "loopcast_dropped_frames_total", "counter", "Video frames dropped to keep real time.", static_cast<double>(s.dropped_frames));
  metric(o, "loopcast_bytes_sent_total", "counter", "Bytes written to all outputs.", static_cast<double>(s.bytes_sent));
  metric(o, "loopcast_output_bitrate_kbps", "gauge", "Encoded bitrate over the last second.", s.bitrate_kbps);
  metric(o, "loopcast_fps", "gauge", "Video frames per second over the last second.", s.fps);
  metric(o, "loopcast_speed", "gauge", "Media seconds produced per wall second (encoder speed).", s.speed);
  metric(o, "loopcast_switches_total", "counter", "Background loop switches.", static_cast<double>(s.switches));
  metric(o, "loopcast_track_changes_total", "counter", "New songs accepted (repeats ignored).", static_cast<double>(s.track_changes));
  metric(o, "loopcast_restarts_total", "counter", "Pipeline restarts (API, control file, watchdog).", static_cast<double>(s.restarts));
  metric(o, "loopcast_audio_reconnects_total", "counter", "Station input reconnection attempts.", static_cast<double>(s.audio_reconnects));
  metric(o, "loopcast_audio_underruns_total", "counter", "Times the audio buffer ran dry (silence).", static_cast<double>(s.audio_underruns));
  metric(o, "loopcast_audio_buffer_seconds", "gauge", "Seconds of station audio buffered.", s.audio_buffer);
  o += "# HELP loopcast_video_mode Video path of the stream (1 for the current one): encode or splice.\n# TYPE loopcast_video_mode gauge\n";
  o += fmt::format("loopcast_video_mode{{mode=\"{}\"}} 1\n", label(s.video_mode.empty() ? "encode" : s.video_mode));
  o += "# HELP loopcast_input_state Station input state (1 for the current one).\n# TYPE loopcast_input_state gauge\n";
  o += fmt::format("loopcast_input_state{{state=\"{}\"}} 1\n", label(s.audio_state ? to_string(*s.audio_state) : "stopped"));
  if (!s.trigger.source.empty()) {  // the AzuraCast feed, when one is configured
    o += "# HELP loopcast_trigger_state AzuraCast feed state (1 for the current one).\n# TYPE loopcast_trigger_state gauge\n";
    o += fmt::format("loopcast_trigger_state{{state=\"{}\"}} 1\n", label(s.trigger.state));
    metric(o, "loopcast_trigger_updates_total", "counter", "Now-playing objects received from AzuraCast.", static_cast<double>(s.trigger.updates));
    metric(o, "loopcast_trigger_reconnects_total", "counter", "AzuraCast live-feed sessions retried.", s.trigger.reconnects);
  }
  // Per-output series: one HELP/TYPE header, one line per output, labelled by the redacted URL.
  auto per_output = [&](const char* name, const char* type, const char* help, auto value) {
    o += fmt::format("# HELP {0} {1}\n# TYPE {0} {2}\n", name, help, type);
    for (const auto& out : s.outputs) o += fmt::format("{}{{output=\"{}\"}} {}\n", name, label(out.url), value(out));
  };
  per_output("loopcast_output_up", "gauge", "1 while the output is connected.", [](const OutputStatus& x) { return x.state == OutputState::live ? 1 : 0; });
  per_output("loopcast_output_reconnects_total", "counter", "Completed reconnections per output.", [](const OutputStatus& x) { return x.reconnects; });
  per_output("loopcast_output_bytes_total", "counter", "Bytes written per output.", [](const OutputStatus& x) { return x.bytes; });
  per_output("loopcast_output_dropped_packets_total", "counter", "Packets the backlog policy dropped per output.", [](const OutputStatus& x) { return x.dropped_packets; });
  per_output("loopcast_output_backlog_seconds", "gauge", "Media time queued and not yet written per output.", [](const OutputStatus& x) { return x.backlog_seconds; });
  return o;
}

}  // namespace loopcast
