#include "control/status/status_json.hpp"

#include <cmath>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace loopcast {
namespace {
using W = rapidjson::Writer<rapidjson::StringBuffer>;

void kv(W& w, const char* k, const std::string& v) { w.Key(k); w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size())); }
void kv(W& w, const char* k, double v) { w.Key(k); w.Double(v); }
void kv(W& w, const char* k, uint64_t v) { w.Key(k); w.Uint64(v); }
void kv(W& w, const char* k, int64_t v) { w.Key(k); w.Int64(v); }
void kv(W& w, const char* k, int v) { w.Key(k); w.Int(v); }
void kv(W& w, const char* k, bool v) { w.Key(k); w.Bool(v); }

// LUFS and dB to a tenth (what a meter shows); null where there is nothing to measure (silence).
void level(W& w, const char* k, double v) {
  w.Key(k);
  if (std::isfinite(v)) w.Double(std::round(v * 10) / 10);
  else w.Null();
}

void write_loudness(W& w, const LoudnessStatus& l) {
  w.StartObject();
  level(w, "momentary", l.sent.momentary);
  level(w, "short_term", l.sent.short_term);
  level(w, "integrated", l.sent.integrated);
  level(w, "range", l.sent.range);
  level(w, "true_peak", l.sent.true_peak);
  level(w, "true_peak_max", l.sent.true_peak_max);
  level(w, "target", l.target ? *l.target : NAN);
  level(w, "gain_db", l.gain_db);
  level(w, "limiter_db", l.limiter_db);
  level(w, "ceiling", l.ceiling);
  level(w, "encoded_true_peak_max", l.encoded_true_peak_max);
  w.EndObject();
}

void write_ack(W& w, const CommandAck& a) {
  w.StartObject();
  kv(w, "id", a.id);
  kv(w, "command", a.command);
  kv(w, "result", a.result);
  kv(w, "at", a.at);
  w.EndObject();
}

void write_track(W& w, const TrackInfo& t) {
  w.StartObject();
  kv(w, "song_id", t.song_id);
  kv(w, "artist", t.artist);
  kv(w, "title", t.title);
  kv(w, "text", t.text);
  kv(w, "album", t.album);
  kv(w, "playlist", t.playlist);
  kv(w, "art", t.art);
  kv(w, "sh_id", t.sh_id);
  kv(w, "played_at", t.played_at);
  kv(w, "source", to_string(t.source));
  w.Key("custom_fields");
  w.StartObject();
  for (const auto& [k, v] : t.custom_fields) kv(w, k.c_str(), v);
  w.EndObject();
  w.EndObject();
}
void write_change(W& w, const ScheduleChange& c) {
  w.StartObject();
  kv(w, "at", c.at);
  kv(w, "what", c.what);
  w.EndObject();
}

void write_trigger(W& w, const TriggerStatus& t) {
  w.Key("trigger");
  w.StartObject();
  kv(w, "source", t.source);
  kv(w, "url", t.url);
  kv(w, "station", t.station);
  kv(w, "state", std::string(to_string(t.state)));
  kv(w, "last_update", t.last_update);
  kv(w, "last_error", t.last_error);
  kv(w, "updates", t.updates);
  kv(w, "reconnects", t.reconnects);
  w.EndObject();
}
void write_youtube(W& w, const YouTubeStatus& y) {
  w.Key("youtube");
  w.StartObject();
  kv(w, "state", y.state);
  kv(w, "stream_status", y.stream_status);
  kv(w, "health", y.health);
  w.Key("issues");
  w.StartArray();
  for (const auto& i : y.issues) {
    w.StartObject();
    kv(w, "type", i.type);
    kv(w, "severity", i.severity);
    kv(w, "reason", i.reason);
    kv(w, "description", i.description);
    w.EndObject();
  }
  w.EndArray();
  kv(w, "broadcast_id", y.broadcast_id);
  kv(w, "lifecycle", y.lifecycle);
  kv(w, "title", y.title);
  w.Key("viewers");
  if (y.viewers >= 0) w.Int64(y.viewers);
  else w.Null();
  kv(w, "quota_used", y.quota_used);
  kv(w, "quota_budget", y.quota_budget);
  kv(w, "quota_reset", y.quota_reset);
  kv(w, "recoveries", y.recoveries);
  kv(w, "last_recovery", y.last_recovery);
  kv(w, "last_recovery_seconds", y.last_recovery_seconds);
  kv(w, "title_updates", y.title_updates);
  kv(w, "skipped_updates", y.skipped_updates);
  kv(w, "last_error", y.last_error);
  w.EndObject();
}
}  // namespace

std::string schedule_to_json(const std::string& timezone, int days, const std::vector<ScheduleChange>& changes) {
  rapidjson::StringBuffer sb;
  W w(sb);
  w.StartObject();
  kv(w, "timezone", timezone);
  kv(w, "days", days);
  w.Key("changes");
  w.StartArray();
  for (const auto& c : changes) write_change(w, c);
  w.EndArray();
  w.EndObject();
  return sb.GetString();
}

std::string track_to_json(const TrackInfo& t) {
  rapidjson::StringBuffer sb;
  W w(sb);
  write_track(w, t);
  return sb.GetString();
}

std::string status_to_json(const StatusSnapshot& s) {
  rapidjson::StringBuffer sb;
  W w(sb);
  w.StartObject();
  if (!s.stream.empty()) kv(w, "stream", s.stream);
  kv(w, "state", to_string(s.state));
  kv(w, "running", s.state == StreamState::running);
  kv(w, "pid", s.pid);
  kv(w, "uptime", s.uptime);
  kv(w, "started_at", s.started_at);
  w.Key("track");
  write_track(w, s.track);
  kv(w, "loop", s.loop);
  kv(w, "video_mode", s.video_mode);
  w.Key("logo");
  if (s.logo) {
    w.StartObject();
    kv(w, "file", s.logo->file);
    kv(w, "position", s.logo->position);
    kv(w, "width", s.logo->width);
    kv(w, "height", s.logo->height);
    kv(w, "opacity", s.logo->opacity);
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("title_cards");
  if (const auto& c = s.title_cards) {
    w.StartObject();
    kv(w, "composed", c->composed);
    kv(w, "shown", c->shown);
    kv(w, "late", c->late);
    kv(w, "skipped", c->skipped);
    kv(w, "last_prepare_s", c->last_prepare_s);
    w.EndObject();
  } else {
    w.Null();
  }
  kv(w, "pending_loop", s.pending_loop);
  kv(w, "pending_in", s.pending_in);
  kv(w, "switches", s.switches);
  kv(w, "track_changes", s.track_changes);
  kv(w, "video_frames", s.video_frames);
  kv(w, "audio_frames", s.audio_frames);
  kv(w, "dropped_frames", s.dropped_frames);
  kv(w, "duplicated_frames", s.duplicated_frames);
  kv(w, "bytes_sent", s.bytes_sent);
  kv(w, "output_seconds", s.output_seconds);
  kv(w, "fps", s.fps);
  kv(w, "bitrate_kbps", s.bitrate_kbps);
  kv(w, "speed", s.speed);
  w.Key("audio");
  w.StartObject();
  kv(w, "state", s.audio_state ? to_string(*s.audio_state) : std::string());
  kv(w, "source", s.audio_source);
  kv(w, "reconnects", s.audio_reconnects);
  kv(w, "underruns", s.audio_underruns);
  kv(w, "buffer_seconds", s.audio_buffer);
  kv(w, "icy_title", s.icy_title);
  w.EndObject();
  w.Key("loudness");
  if (s.loudness) write_loudness(w, *s.loudness);
  else w.Null();
  w.Key("outputs");
  w.StartArray();
  for (const auto& o : s.outputs) {
    w.StartObject();
    kv(w, "url", o.url);
    kv(w, "state", to_string(o.state));
    kv(w, "reconnects", o.reconnects);
    kv(w, "attempt", o.attempt);
    kv(w, "bytes", o.bytes);
    kv(w, "packets", o.packets);
    kv(w, "dropped_packets", o.dropped_packets);
    kv(w, "last_error", o.last_error);
    kv(w, "backlog_seconds", o.backlog_seconds);
    kv(w, "dropped_disposable_packets", o.dropped_disposable_packets);
    kv(w, "dropped_segments", o.dropped_segments);
    kv(w, "dropped_audio_packets", o.dropped_audio_packets);
    w.EndObject();
  }
  w.EndArray();
  kv(w, "restarts", s.restarts);
  kv(w, "last_error", s.last_error);
  w.Key("last_command");
  write_ack(w, s.last_command);
  w.Key("commands");
  w.StartArray();
  for (const auto& a : s.commands) write_ack(w, a);
  w.EndArray();
  w.Key("files");
  w.StartObject();
  kv(w, "status_json", s.files.write_error.empty() ? std::string("ok") : "error: " + s.files.write_error);
  kv(w, "write_failures", s.files.write_failures);
  w.EndObject();
  w.Key("schedule");
  w.StartObject();
  kv(w, "timezone", s.timezone);
  w.Key("next_change");
  if (s.next_change) write_change(w, *s.next_change);
  else w.Null();
  w.EndObject();
  write_trigger(w, s.trigger);
  // Only for a stream whose broadcast is watched: the document of every other stream stays as it was.
  if (s.youtube.state != "off") write_youtube(w, s.youtube);
  w.EndObject();
  return sb.GetString();
}

}  // namespace loopcast
