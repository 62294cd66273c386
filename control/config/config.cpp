#include "control/config/config.hpp"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>

#include "base/json_text.hpp"
#include "base/redact.hpp"
#include "base/url.hpp"
#include "engine/video/yuv_color.hpp"

namespace loopcast {
namespace {

enum class Kind { str, integer, number, number_or_off, boolean, bitrate, size, output, backoff, flag_true, flag_false, json };

constexpr double kNoMax = std::numeric_limits<double>::infinity();

// One setting: its JSON key (flag = "--" + key with '_' → '-'), how to read it, where it goes,
// and what --help says of it. Its default and range live here and nowhere else: --help shows them,
// validate() checks the range on the final config (file, flags and environment alike).
struct Key {
  const char* name;
  Kind kind;
  std::function<Status(AppConfig&, const std::string&)> set;  // value as text (CLI form)
  const char* help;
  const char* default_text;  // as --help shows it; the unit test holds it to AppConfig's defaults
  ConfigRange range{};       // numeric keys with bounds; cross-field rules stay in validate()
};

ConfigRange range(std::function<double(const AppConfig&)> value, double min, double max, const char* text, bool min_open = false) {
  return ConfigRange{std::move(value), min, max, min_open, text};
}

Error bad(const std::string& key, const std::string& value, const std::string& why) {
  return Error{fmt::format("{}: invalid value '{}': {}", key, value, why), Errc::invalid};
}

Result<double> parse_number(const std::string& key, const std::string& v) {
  char* end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || !std::isfinite(d)) return bad(key, v, "not a number");
  return d;
}

Result<int64_t> parse_int(const std::string& key, const std::string& v) {
  char* end = nullptr;
  long long d = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0') return bad(key, v, "not an integer");
  return static_cast<int64_t>(d);
}

// "2500k", "2.5M", "128000"
Result<int64_t> parse_bitrate(const std::string& key, const std::string& v) {
  if (v.empty()) return bad(key, v, "empty");
  double mult = 1;
  std::string num = v;
  const char last = static_cast<char>(std::tolower(v.back()));
  if (last == 'k') mult = 1e3;
  if (last == 'm') mult = 1e6;
  if (mult != 1) num.pop_back();
  char* end = nullptr;
  double d = std::strtod(num.c_str(), &end);
  // Bounded before the integer conversion: an absurd value is an error, not undefined behaviour.
  if (num.empty() || *end != '\0' || !(d > 0) || d * mult > 1e12) return bad(key, v, "expected bits per second like 2500k or 2.5M");
  return static_cast<int64_t>(d * mult);
}

Result<bool> parse_bool(const std::string& key, const std::string& v) {
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  return bad(key, v, "expected true or false");
}

template <class T>
Status assign(Result<T> r, T& out) {
  if (!r) return Error{r.error(), r.code()};
  out = *r;
  return Status::ok();
}

Status set_int(Result<int64_t> r, int& out) {
  if (!r) return Error{r.error(), r.code()};
  out = static_cast<int>(*r);
  return Status::ok();
}

const std::vector<Key>& keys() {
  static const std::vector<Key> k = {
      {"config", Kind::str, [](AppConfig& c, const std::string& v) { return apply_config_file(c, v); }, "JSON config file (applied first)", "none"},
      {"loop", Kind::str, [](AppConfig& c, const std::string& v) { c.engine.loop = v; return Status::ok(); }, "first loop video", "a loop from the loops dir"},
      {"audio", Kind::str, [](AppConfig& c, const std::string& v) { c.engine.audio = v; return Status::ok(); }, "station stream URL or audio file", "a generated tone"},
      {"fallback_audio", Kind::str, [](AppConfig& c, const std::string& v) { c.engine.fallback_audio = v; return Status::ok(); }, "audio file played while the station is down", "silence"},
      {"output", Kind::output, [](AppConfig& c, const std::string& v) { c.engine.outputs.push_back(v); return Status::ok(); }, "rtmp(s):// URL or .flv file; repeatable ({key} = $LOOPCAST_STREAM_KEY)", "YouTube's ingest with $LOOPCAST_STREAM_KEY"},
      {"size", Kind::size, [](AppConfig& c, const std::string& v) -> Status {
         int w = 0, h = 0;
         char x = 0, extra = 0;
         if (std::sscanf(v.c_str(), "%d%c%d%c", &w, &x, &h, &extra) != 3 || (x != 'x' && x != 'X'))
           return bad("size", v, "expected WIDTHxHEIGHT like 1280x720");
         c.engine.width = w;
         c.engine.height = h;
         return Status::ok();
       }, "output size, even, 16x16..3840x2160", "1280x720"},
      {"fit", Kind::str, [](AppConfig& c, const std::string& v) -> Status {
         const auto mode = parse_fit_mode(v);
         if (!mode) return bad("fit", v, "expected contain|cover|stretch");
         c.engine.fit = *mode;
         return Status::ok();
       }, "contain|cover|stretch: a loop of another shape (4:3, anamorphic, portrait) is shown whole with black bars, fills the frame cropped at the centre, or is stretched; pixel aspect and rotation are honoured", "contain"},
      {"fps", Kind::integer, [](AppConfig& c, const std::string& v) { return set_int(parse_int("fps", v), c.engine.fps); }, "output frame rate", "30", range([](const AppConfig& c) { return static_cast<double>(c.engine.fps); }, 1, 60, "1..60")},
      {"vbitrate", Kind::bitrate, [](AppConfig& c, const std::string& v) { return assign(parse_bitrate("vbitrate", v), c.engine.video_bitrate); }, "video bitrate, CBR", "2500k", range([](const AppConfig& c) { return static_cast<double>(c.engine.video_bitrate); }, 100000, 20000000, "100k..20M")},
      {"abitrate", Kind::bitrate, [](AppConfig& c, const std::string& v) { return assign(parse_bitrate("abitrate", v), c.engine.audio_bitrate); }, "AAC bitrate", "128k", range([](const AppConfig& c) { return static_cast<double>(c.engine.audio_bitrate); }, 32000, 320000, "32k..320k")},
      {"sample_rate", Kind::integer, [](AppConfig& c, const std::string& v) { return set_int(parse_int("sample_rate", v), c.engine.sample_rate); }, "44100 or 48000", "44100"},
      {"preset", Kind::str, [](AppConfig& c, const std::string& v) { c.engine.preset = v; return Status::ok(); }, "x264 preset", "veryfast"},
      {"keyframe_interval", Kind::number, [](AppConfig& c, const std::string& v) { return assign(parse_number("keyframe_interval", v), c.engine.keyframe_interval); }, "seconds between keyframes", "2", range([](const AppConfig& c) { return static_cast<double>(c.engine.keyframe_interval); }, 0.5, 4, "0.5..4 s (YouTube)")},
      {"x264_threads", Kind::integer, [](AppConfig& c, const std::string& v) { return set_int(parse_int("x264_threads", v), c.engine.x264_threads); }, "encoder threads, 0 = auto", "0"},
      {"io_timeout", Kind::number, [](AppConfig& c, const std::string& v) { return assign(parse_number("io_timeout", v), c.engine.io_timeout); }, "seconds before a stalled network read/write fails", "10", range([](const AppConfig& c) { return static_cast<double>(c.engine.io_timeout); }, 0, 300, "(0, 300] s", true)},
      {"audio_buffer", Kind::number, [](AppConfig& c, const std::string& v) { return assign(parse_number("audio_buffer", v), c.engine.audio_buffer); }, "live audio jitter buffer, seconds", "0.5", range([](const AppConfig& c) { return static_cast<double>(c.engine.audio_buffer); }, 0.05, 10, "0.05..10 s")},
      {"loudness_target", Kind::number_or_off, [](AppConfig& c, const std::string& v) -> Status {
         if (v == "off") {
           c.engine.loudness_target.reset();
           return Status::ok();
         }
         auto lufs = parse_number("loudness_target", v);
         if (!lufs) return Error{lufs.error(), lufs.code()};
         if (*lufs < -30 || *lufs > -5) return bad("loudness_target", v, "expected -30..-5 LUFS or off");
         c.engine.loudness_target = *lufs;
         return Status::ok();
       }, "even the station out to this loudness, LUFS (YouTube plays at about -14): a slow gain and a true-peak limiter (-1 dBTP after AAC); -30..-5 or off. Loudness is measured and shown either way", "off"},
      {"crossfade", Kind::number, [](AppConfig& c, const std::string& v) { return assign(parse_number("crossfade", v), c.engine.crossfade); }, "seconds of blend between loops on a switch", "0", range([](const AppConfig& c) { return static_cast<double>(c.engine.crossfade); }, 0, 5, "0..5 s")},
      {"realtime", Kind::boolean, [](AppConfig& c, const std::string& v) { return assign(parse_bool("realtime", v), c.engine.realtime); }, "pace against the wall clock", "true"},
      {"no_realtime", Kind::flag_false, [](AppConfig& c, const std::string&) { c.engine.realtime = false; return Status::ok(); }, "encode as fast as possible (files, tests)", "off"},
      {"speed", Kind::number, [](AppConfig& c, const std::string& v) { return assign(parse_number("speed", v), c.engine.speed); }, "media seconds per wall second when pacing (soaks)", "1", range([](const AppConfig& c) { return c.engine.speed; }, 1, 1000, "1..1000")},
      {"duration", Kind::number, [](AppConfig& c, const std::string& v) { return assign(parse_number("duration", v), c.engine.duration); }, "stop after this many seconds, 0 = forever", "0", range([](const AppConfig& c) { return static_cast<double>(c.engine.duration); }, 0, kNoMax, ">= 0")},
      {"overlay", Kind::boolean, [](AppConfig& c, const std::string& v) { return assign(parse_bool("overlay", v), c.engine.overlay.enabled); }, "draw 'Artist \u2013 Title' on the video", "false"},
      {"overlay_font", Kind::str, [](AppConfig& c, const std::string& v) { c.engine.overlay.font = v; return Status::ok(); }, "overlay TTF font file", "DejaVu Sans Bold"},
      {"overlay_size", Kind::integer, [](AppConfig& c, const std::string& v) { return set_int(parse_int("overlay_size", v), c.engine.overlay.size); }, "overlay font size in pixels", "36", range([](const AppConfig& c) { return static_cast<double>(c.engine.overlay.size); }, 8, 200, "8..200 px")},
      {"overlay_position", Kind::str, [](AppConfig& c, const std::string& v) { c.engine.overlay.position = v; return Status::ok(); }, "bottom-left|bottom-right|top-left|top-right", "bottom-left"},
      {"overlay_art", Kind::boolean, [](AppConfig& c, const std::string& v) { return assign(parse_bool("overlay_art", v), c.engine.overlay.art); }, "show the webhook's cover art (song.art) beside the text", "false"},
      {"overlay_art_size", Kind::integer, [](AppConfig& c, const std::string& v) { return set_int(parse_int("overlay_art_size", v), c.engine.overlay.art_size); }, "cover art square in pixels, 16..half the picture height", "160"},
      {"visualizer", Kind::str, [](AppConfig& c, const std::string& v) -> Status {
         if (v != "bars" && v != "wave" && v != "spectrum" && v != "off" && !v.empty()) return bad("visualizer", v, "expected bars|wave|spectrum|off");
         c.engine.visualizer.mode = v == "off" ? "" : v;
         return Status::ok();
       }, "bars|wave|spectrum|off: draw the audio over the loop (encode mode)", "off"},
      {"visualizer_position", Kind::str, [](AppConfig& c, const std::string& v) { c.engine.visualizer.position = v; return Status::ok(); }, "bottom|top|center", "bottom"},
      {"visualizer_width", Kind::integer, [](AppConfig& c, const std::string& v) { return set_int(parse_int("visualizer_width", v), c.engine.visualizer.width); }, "visualiser width in pixels, 0 = the picture's, up to the picture's", "0"},
      {"visualizer_height", Kind::integer, [](AppConfig& c, const std::string& v) { return set_int(parse_int("visualizer_height", v), c.engine.visualizer.height); }, "visualiser height in pixels, 16..the picture's", "120"},
      {"visualizer_color", Kind::str, [](AppConfig& c, const std::string& v) { c.engine.visualizer.color = v; return Status::ok(); }, "visualiser colour: a name or #rrggbb", "white"},
      {"visualizer_opacity", Kind::number, [](AppConfig& c, const std::string& v) { return assign(parse_number("visualizer_opacity", v), c.engine.visualizer.opacity); }, "visualiser opacity", "0.7", range([](const AppConfig& c) { return c.engine.visualizer.opacity; }, 0, 1, "0..1")},
      {"background", Kind::str, [](AppConfig& c, const std::string& v) -> Status {
         if (v != "loop" && v != "art") return bad("background", v, "expected loop|art");
         c.engine.background = v;
         return Status::ok();
       }, "loop|art: art = the song's cover (blurred, full frame) with the sharp cover and its text; no art = the loop", "loop"},
      {"video_mode", Kind::str, [](AppConfig& c, const std::string& v) -> Status {
         if (v != "encode" && v != "splice" && v != "auto") return bad("video_mode", v, "expected encode|splice|auto");
         c.engine.video_mode = v;
         return Status::ok();
       }, "encode|splice|auto: splice copies pre-encoded loops (auto: when no overlay/crossfade)", "encode"},
      {"cache_dir", Kind::str, [](AppConfig& c, const std::string& v) { c.engine.cache_dir = v; return Status::ok(); }, "pre-encoded loop cache for splice mode", "~/.cache/loopcast"},
      {"http_bind", Kind::str, [](AppConfig& c, const std::string& v) { c.control.http_bind = v; return Status::ok(); }, "HTTP API address", "127.0.0.1"},
      {"http_port", Kind::integer, [](AppConfig& c, const std::string& v) { return set_int(parse_int("http_port", v), c.control.http_port); }, "HTTP API port, 0 = off", "8080", range([](const AppConfig& c) { return static_cast<double>(c.control.http_port); }, 0, 65535, "0..65535")},
      {"https_cert", Kind::str, [](AppConfig& c, const std::string& v) { c.control.https_cert = v; return Status::ok(); }, "PEM certificate (chain) file: serve the API and dashboard over HTTPS; with --https-key; reloaded on SIGHUP", "none: plain HTTP"},
      {"https_key", Kind::str, [](AppConfig& c, const std::string& v) { c.control.https_key = v; return Status::ok(); }, "PEM private key file of --https-cert", "none"},
      {"api_token", Kind::str, [](AppConfig& c, const std::string& v) { c.control.api_token = v; register_secret(v); return Status::ok(); }, "bearer token for mutating API calls (prefer $LOOPCAST_API_TOKEN)", "none: no auth"},
      {"webhook_user", Kind::str, [](AppConfig& c, const std::string& v) { c.control.webhook_user = v; return Status::ok(); }, "Basic-auth user for /webhook/azuracast", "none: no auth"},
      {"webhook_password", Kind::str, [](AppConfig& c, const std::string& v) { c.control.webhook_password = v; register_secret(v); return Status::ok(); }, "Basic-auth password (prefer $LOOPCAST_WEBHOOK_PASSWORD)", "none"},
      {"control_dir", Kind::str, [](AppConfig& c, const std::string& v) { c.control.control_dir = v; return Status::ok(); }, "directory for status.json/control.json", "off"},
      {"loops_dir", Kind::str, [](AppConfig& c, const std::string& v) { c.control.loops_dir = v; return Status::ok(); }, "where loop names resolve", "assets/loops"},
      {"mapping", Kind::str, [](AppConfig& c, const std::string& v) { c.control.mapping_file = v; return Status::ok(); }, "track → loop rules, JSON (reload: SIGHUP or API)", "none: the default loop only"},
      {"switch_delay", Kind::number, [](AppConfig& c, const std::string& v) { return assign(parse_number("switch_delay", v), c.control.switch_delay); }, "seconds from webhook to picture change", "0", range([](const AppConfig& c) { return static_cast<double>(c.control.switch_delay); }, 0, 120, "0..120 s")},
      {"azuracast", Kind::str, [](AppConfig& c, const std::string& v) -> Status {
         const auto scheme = v.find("://");
         const bool web = v.rfind("http://", 0) == 0 || v.rfind("https://", 0) == 0;
         if (!web || scheme + 3 >= v.size() || v[scheme + 3] == '/') return bad("azuracast", redact_url(v), "expected http(s)://HOST[:PORT][/PATH]");
         c.control.azuracast_url = v.substr(0, v.find_last_not_of('/') + 1);
         return Status::ok();
       }, "AzuraCast base URL: follow its now-playing feed (needs --station)", "off"},
      {"station", Kind::str, [](AppConfig& c, const std::string& v) -> Status {
         const bool slug = !v.empty() && v.size() <= 100 && std::all_of(v.begin(), v.end(), [](unsigned char ch) { return std::isalnum(ch) || ch == '_' || ch == '-'; });
         if (!slug) return bad("station", v, "expected the station's shortcode (letters, digits, '_', '-')");
         c.control.station = v;
         return Status::ok();
       }, "AzuraCast station shortcode for --azuracast", "none"},
      {"icy_switch", Kind::flag_true, [](AppConfig& c, const std::string&) { c.control.icy_switch = true; return Status::ok(); }, "switch loops on in-band ICY StreamTitle changes", "off"},
      {"watchdog", Kind::number, [](AppConfig& c, const std::string& v) { return assign(parse_number("watchdog", v), c.control.watchdog_timeout); }, "restart when no packet for N s, 0 = off", "30", range([](const AppConfig& c) { return static_cast<double>(c.control.watchdog_timeout); }, 0, kNoMax, ">= 0")},
      {"autostart", Kind::boolean, [](AppConfig& c, const std::string& v) { return assign(parse_bool("autostart", v), c.control.autostart); }, "start streaming at launch", "true"},
      {"no_autostart", Kind::flag_false, [](AppConfig& c, const std::string&) { c.control.autostart = false; return Status::ok(); }, "wait for a start command", "off: autostart"},
      {"ca_file", Kind::str, [](AppConfig& c, const std::string& v) { c.control.tls.ca_file = v; return Status::ok(); }, "PEM CA bundle for TLS peers (ingest, station, art, AzuraCast) instead of the system's", "the system's"},
      {"tls_insecure", Kind::flag_true, [](AppConfig& c, const std::string&) { c.control.tls.verify = false; return Status::ok(); }, "do NOT verify TLS certificates (tests only: the stream key may go to anyone)", "off: verify"},
      {"log_level", Kind::str, [](AppConfig& c, const std::string& v) -> Status {
         if (v != "debug" && v != "info" && v != "warn" && v != "error") return bad("log_level", v, "expected debug|info|warn|error");
         c.control.log_level = v;
         return Status::ok();
       }, "debug|info|warn|error", "info"},
      {"timezone", Kind::str, [](AppConfig& c, const std::string& v) -> Status {
         if (auto z = TimeZone::locate(v); !z) return bad("timezone", v, z.error());
         c.control.timezone = v;
         return Status::ok();
       }, "IANA zone for time rules and the schedule, e.g. Europe/Berlin", "the system's"},
      {"schedule", Kind::json, [](AppConfig& c, const std::string& v) -> Status {
         auto w = parse_windows(v);
         if (!w) return Error{w.error(), w.code()};
         c.control.schedule = std::move(*w);
         return Status::ok();
       }, "stream windows: 'mon-fri 06:00-23:00; sat,sun 08:00-12:00' or a JSON list", "always on"},
      {"shard", Kind::str, [](AppConfig& c, const std::string& v) { c.control.shard = v; return Status::ok(); }, "INDEX/COUNT or auto: run only the streams that rendezvous hashing of their id gives this replica (auto: INDEX from LOOPCAST_SHARD_INDEX or the pod name's -N, COUNT from --replicas)", "none: every stream"},
      {"replicas", Kind::integer, [](AppConfig& c, const std::string& v) { return set_int(parse_int("replicas", v), c.control.replicas); }, "how many replicas share the streams, for --shard auto; 0 = LOOPCAST_REPLICAS", "0", range([](const AppConfig& c) { return static_cast<double>(c.control.replicas); }, 0, 1000, "0..1000")},
      {"peer_url", Kind::str, [](AppConfig& c, const std::string& v) { c.control.peer_url = v; return Status::ok(); }, "each replica's API, {index} = its ordinal, e.g. http://loopcast-{index}.loopcast:8080: any replica answers for every stream", "none: this replica's streams only"},
      {"youtube", Kind::boolean, [](AppConfig& c, const std::string& v) { return assign(parse_bool("youtube", v), c.control.youtube.enabled); }, "watch the YouTube broadcast of this stream's key and put a new one on air when YouTube ends it (needs LOOPCAST_YOUTUBE_*)", "false"},
      {"youtube_title", Kind::str, [](AppConfig& c, const std::string& v) { c.control.youtube.title = v; return Status::ok(); }, "title of a broadcast loopcast creates: {station}, {date}, {song}", "'{station} \u2013 24/7'"},
      {"youtube_privacy", Kind::str, [](AppConfig& c, const std::string& v) -> Status {
         if (v != "public" && v != "unlisted" && v != "private") return bad("youtube_privacy", v, "expected public|unlisted|private");
         c.control.youtube.privacy = v;
         return Status::ok();
       }, "public|unlisted|private for a broadcast loopcast creates (unlisted: nothing goes public unless you say so)", "unlisted"},
      {"youtube_song_title", Kind::boolean, [](AppConfig& c, const std::string& v) { return assign(parse_bool("youtube_song_title", v), c.control.youtube.song_title); }, "the live broadcast's title follows the song (50 quota units each)", "false"},
      {"youtube_song_interval", Kind::number, [](AppConfig& c, const std::string& v) { return assign(parse_number("youtube_song_interval", v), c.control.youtube.song_interval); }, "seconds between two song-title updates at least", "300", range([](const AppConfig& c) { return c.control.youtube.song_interval; }, 10, 86400, "10..86400 s")},
      {"youtube_auto_start", Kind::boolean, [](AppConfig& c, const std::string& v) { return assign(parse_bool("youtube_auto_start", v), c.control.youtube.auto_start); }, "a created broadcast starts itself (enableAutoStart); false: loopcast makes it live", "false"},
      {"youtube_auto_stop", Kind::boolean, [](AppConfig& c, const std::string& v) { return assign(parse_bool("youtube_auto_stop", v), c.control.youtube.auto_stop); }, "a created broadcast ends when the ingest stops (enableAutoStop)", "false"},
      {"youtube_latency", Kind::str, [](AppConfig& c, const std::string& v) -> Status {
         if (v != "normal" && v != "low" && v != "ultraLow") return bad("youtube_latency", v, "expected normal|low|ultraLow");
         c.control.youtube.latency = v;
         return Status::ok();
       }, "normal|low|ultraLow latency of a created broadcast", "normal"},
      {"youtube_quota", Kind::integer, [](AppConfig& c, const std::string& v) { return set_int(parse_int("youtube_quota", v), c.control.youtube.quota); }, "YouTube Data API units per day (resets at midnight Pacific time)", "10000", range([](const AppConfig& c) { return static_cast<double>(c.control.youtube.quota); }, 200, 100000000, "200..100000000")},
      {"youtube_poll", Kind::number, [](AppConfig& c, const std::string& v) { return assign(parse_number("youtube_poll", v), c.control.youtube.poll); }, "seconds between two looks at YouTube (about 2.3 units each)", "30", range([](const AppConfig& c) { return c.control.youtube.poll; }, 0.2, 3600, "0.2..3600 s")},
      {"youtube_api_url", Kind::str, [](AppConfig& c, const std::string& v) { c.control.youtube.api_url = v; return Status::ok(); }, "YouTube Data API v3 base URL (tests: a fake on loopback)", "https://www.googleapis.com/youtube/v3"},
      {"youtube_oauth_url", Kind::str, [](AppConfig& c, const std::string& v) { c.control.youtube.oauth_url = v; return Status::ok(); }, "Google OAuth base URL (its /device/code and /token)", "https://oauth2.googleapis.com"},
      {"youtube_client_id", Kind::str, [](AppConfig& c, const std::string& v) { c.control.youtube.client_id = v; return Status::ok(); }, "OAuth client id (or LOOPCAST_YOUTUBE_CLIENT_ID)", "$LOOPCAST_YOUTUBE_CLIENT_ID"},
      {"youtube_client_secret", Kind::str, [](AppConfig& c, const std::string& v) { c.control.youtube.client_secret = v; return Status::ok(); }, "OAuth client secret (or LOOPCAST_YOUTUBE_CLIENT_SECRET; redacted)", "$LOOPCAST_YOUTUBE_CLIENT_SECRET"},
      {"youtube_refresh_token", Kind::str, [](AppConfig& c, const std::string& v) { c.control.youtube.refresh_token = v; return Status::ok(); }, "OAuth refresh token from `loopcast youtube-auth` (or LOOPCAST_YOUTUBE_REFRESH_TOKEN; redacted)", "$LOOPCAST_YOUTUBE_REFRESH_TOKEN"},
  };
  return k;
}

const Key* find_key(const std::string& name) {
  for (const auto& k : keys())
    if (name == k.name) return &k;
  return nullptr;
}

std::string flag_name(const char* key) {
  std::string f = std::string("--") + key;
  std::replace(f.begin(), f.end(), '_', '-');
  return f;
}

Status apply_backoff(Backoff& b, const rapidjson::Value& v, const std::string& key) {
  if (!v.IsObject()) return Error{fmt::format("{}: expected an object {{initial, factor, max, attempts}}", key), Errc::invalid};
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    const std::string name = it->name.GetString();
    if (name == "attempts" && it->value.IsInt()) b.attempts = it->value.GetInt();
    else if (name != "attempts" && it->value.IsNumber() && (name == "initial" || name == "factor" || name == "max"))
      (name == "initial" ? b.initial : name == "factor" ? b.factor : b.max) = it->value.GetDouble();
    else return Error{fmt::format("{}.{}: unknown key or wrong type", key, name), Errc::invalid};
  }
  return Status::ok();
}

// A JSON value in the text form the CLI setter takes, or an error naming the key.
Result<std::string> json_as_text(const Key& k, const rapidjson::Value& v) {
  auto wrong = [&](const char* want) {
    return Error{fmt::format("config key '{}': expected {}", k.name, want), Errc::invalid};
  };
  switch (k.kind) {
    case Kind::str:
    case Kind::size:
    case Kind::output:
      if (!v.IsString()) return wrong("a string");
      return std::string(v.GetString(), v.GetStringLength());
    case Kind::integer:
      if (!v.IsInt()) return wrong("an integer");
      return std::to_string(v.GetInt());
    case Kind::number:
      if (!v.IsNumber()) return wrong("a number");
      return fmt::format("{}", v.GetDouble());
    case Kind::number_or_off:
      if (v.IsNumber()) return fmt::format("{}", v.GetDouble());
      if (v.IsString() && std::string(v.GetString()) == "off") return std::string("off");
      return wrong("a number or \"off\"");
    case Kind::bitrate:
      if (v.IsString()) return std::string(v.GetString());
      if (v.IsInt64()) return std::to_string(v.GetInt64());
      return wrong("a bitrate like \"2500k\" or a number of bits per second");
    case Kind::boolean:
    case Kind::flag_true:
    case Kind::flag_false:
      if (!v.IsBool()) return wrong("true or false");
      return std::string(v.GetBool() ? "true" : "false");
    case Kind::json: {
      if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
      rapidjson::StringBuffer sb;
      rapidjson::Writer<rapidjson::StringBuffer> w(sb);
      v.Accept(w);
      return std::string(sb.GetString(), sb.GetSize());
    }
    case Kind::backoff:
      break;
  }
  return wrong("a value");
}
}  // namespace

Status apply_config_json(AppConfig& cfg, const std::string& json_text) {
  rapidjson::Document doc;
  if (Status st = parse_json(doc, json_text, "config"); !st) return st;
  if (!doc.IsObject()) return Error{"config: the top level must be a JSON object", Errc::invalid};
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    const std::string name = it->name.GetString();
    if (name == "input_backoff" || name == "output_backoff") {
      if (Status st = apply_backoff(name == "input_backoff" ? cfg.engine.input_backoff : cfg.engine.output_backoff, it->value, name); !st) return st;
      continue;
    }
    if (name == "config") return Error{"config: 'config' cannot be nested", Errc::invalid};
    const Key* k = find_key(name);
    if (!k) return Error{fmt::format("unknown config key '{}'", name), Errc::invalid};
    if (k->kind == Kind::output && it->value.IsArray()) {
      cfg.engine.outputs.clear();
      for (const auto& o : it->value.GetArray()) {
        if (!o.IsString()) return Error{"config key 'output': expected strings", Errc::invalid};
        cfg.engine.outputs.emplace_back(o.GetString());
      }
      continue;
    }
    if (k->kind == Kind::output) cfg.engine.outputs.clear();  // a file's single output replaces
    auto text = json_as_text(*k, it->value);
    if (!text) return Error{text.error(), text.code()};
    if ((k->kind == Kind::flag_true || k->kind == Kind::flag_false) && *text == "false") {
      if (name == "icy_switch") cfg.control.icy_switch = false;
      if (name == "no_realtime") cfg.engine.realtime = true;
      if (name == "no_autostart") cfg.control.autostart = true;
      continue;
    }
    if (Status st = k->set(cfg, *text); !st) return st;
  }
  return Status::ok();
}

Status apply_config_file(AppConfig& cfg, const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{fmt::format("config file '{}': cannot open", path), Errc::not_found};
  std::stringstream ss;
  ss << in.rdbuf();
  Status st = apply_config_json(cfg, ss.str());
  if (!st) return Error{fmt::format("{}: {}", path, st.error()), st.code()};
  return st;
}

Status apply_cli_flags(AppConfig& cfg, const std::vector<std::string>& args) {
  // --config first, wherever it is, so the other flags override the file.
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    if (a.rfind("--config=", 0) == 0) {
      if (Status st = apply_config_file(cfg, a.substr(9)); !st) return st;
    } else if (a == "--config") {
      if (i + 1 >= args.size()) return Error{"--config: missing value", Errc::invalid};
      if (Status st = apply_config_file(cfg, args[i + 1]); !st) return st;
    }
  }
  bool outputs_from_flags = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) != 0) return Error{fmt::format("unexpected argument '{}'", a), Errc::invalid};
    std::string name = a.substr(2), value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    std::replace(name.begin(), name.end(), '-', '_');
    const Key* k = find_key(name);
    if (!k) return Error{fmt::format("unknown flag '{}'", a.substr(0, a.find('='))), Errc::invalid};
    const bool is_switch = k->kind == Kind::flag_true || k->kind == Kind::flag_false;
    if (!is_switch && !has_value) {
      if (i + 1 >= args.size()) return Error{fmt::format("{}: missing value", flag_name(k->name)), Errc::invalid};
      value = args[++i];
    }
    if (name == "config") continue;
    if (k->kind == Kind::output && !outputs_from_flags) {
      cfg.engine.outputs.clear();  // flags replace the file's outputs
      outputs_from_flags = true;
    }
    if (Status st = k->set(cfg, value); !st) return Error{fmt::format("{}: {}", flag_name(k->name), st.error()), st.code()};
  }
  return Status::ok();
}

void apply_environment(AppConfig& cfg) {
  auto env = [](const char* n) -> std::string {
    const char* v = std::getenv(n);
    return v ? v : "";
  };
  if (auto v = env("LOOPCAST_API_TOKEN"); !v.empty()) cfg.control.api_token = v;
  if (auto v = env("LOOPCAST_WEBHOOK_USER"); !v.empty()) cfg.control.webhook_user = v;
  if (auto v = env("LOOPCAST_WEBHOOK_PASSWORD"); !v.empty()) cfg.control.webhook_password = v;
  if (auto v = env("LOOPCAST_CONTROL_DIR"); !v.empty()) cfg.control.control_dir = v;
  if (auto v = env("LOOPCAST_HTTP_PORT"); !v.empty()) cfg.control.http_port = std::atoi(v.c_str());
  if (auto v = env("LOOPCAST_OUTPUT"); !v.empty()) cfg.engine.outputs = {v};
  register_secret(cfg.control.api_token);
  register_secret(cfg.control.webhook_password);
  register_secret(env("LOOPCAST_STREAM_KEY"));
  auto& yt = cfg.control.youtube;
  if (auto v = env("LOOPCAST_YOUTUBE_CLIENT_ID"); !v.empty()) yt.client_id = v;
  if (auto v = env("LOOPCAST_YOUTUBE_CLIENT_SECRET"); !v.empty()) yt.client_secret = v;
  if (auto v = env("LOOPCAST_YOUTUBE_REFRESH_TOKEN"); !v.empty()) yt.refresh_token = v;
  register_secret(yt.client_secret);
  register_secret(yt.refresh_token);
}

void resolve_stream_key(AppConfig& cfg) {
  const char* key_env = std::getenv("LOOPCAST_STREAM_KEY");
  const std::string key = key_env ? key_env : "";
  if (!key.empty()) {
    register_secret(key);
    if (cfg.engine.outputs.empty()) cfg.engine.outputs = {"rtmps://a.rtmps.youtube.com:443/live2/{key}"};
    for (auto& o : cfg.engine.outputs)
      for (auto pos = o.find("{key}"); pos != std::string::npos; pos = o.find("{key}")) o.replace(pos, 5, key);
  }
}

std::vector<std::string> stream_secrets(const AppConfig& cfg) {
  // A stream entry's own YouTube credentials (the environment's are process-wide secrets).
  std::vector<std::string> out = {cfg.control.youtube.client_secret, cfg.control.youtube.refresh_token};
  // Credentials and signed queries of the other URLs (a network loop, the station, the AzuraCast
  // feed) are hidden in every log line however a message quotes them.
  for (const std::string* u : {&cfg.engine.loop, &cfg.engine.audio, &cfg.engine.fallback_audio, &cfg.control.azuracast_url})
    if (is_network_url(*u))
      for (auto& s : url_secrets(*u)) out.push_back(std::move(s));
  // Whatever ends an ingest URL is a key: keep it out of every log line.
  for (const auto& o : cfg.engine.outputs) {
    if (!is_network_url(o)) continue;
    for (auto& s : url_secrets(o)) out.push_back(std::move(s));
    std::string_view u = o;
    while (u.size() > 1 && u.back() == '/') u.remove_suffix(1);  // ".../live2/KEY/": KEY
    if (auto slash = u.rfind('/'); slash != std::string_view::npos && slash + 1 < u.size()) out.emplace_back(u.substr(slash + 1));
  }
  return out;
}

Status check_key_template_hosts(const AppConfig& cfg) {
  for (const auto& o : cfg.engine.outputs) {
    if (o.find("{key}") == std::string::npos) continue;
    const std::string host = url_host(o);
    const bool youtube = host == "youtube.com" || (host.size() > 12 && host.compare(host.size() - 12, 12, ".youtube.com") == 0);
    if (!youtube)
      return Error{fmt::format("output '{}': {{key}} is filled in only on YouTube's ingest for a stream sent through the API (it would hand "
                               "the stream key to '{}'); name that output in the config file instead",
                               redact_url(o, true), host),
                   Errc::invalid};
  }
  return Status::ok();
}

namespace {
// https://, or http:// to this machine only (the test suite's fake): tokens never cross a network in clear.
bool api_url_ok(const std::string& url) {
  if (url.rfind("https://", 0) == 0) return url.size() > 8;
  const std::string host = url_host(url);
  return url.rfind("http://", 0) == 0 && (host == "127.0.0.1" || host == "localhost" || host == "[::1]");
}

Status validate_youtube(const YouTubeConfig& y) {
  if (!y.enabled) return Status::ok();
  auto invalid = [](std::string m) { return Error{std::move(m), Errc::invalid}; };
  for (const auto* u : {&y.api_url, &y.oauth_url})
    if (!api_url_ok(*u))
      return invalid(fmt::format("youtube_{}_url '{}': expected https:// (http:// only to 127.0.0.1 or localhost)", u == &y.api_url ? "api" : "oauth",
                                 redact_url(*u)));
  if (y.title.empty()) return invalid("youtube_title: empty");
  if (y.client_id.empty() || y.client_secret.empty() || y.refresh_token.empty())
    return invalid("youtube: needs LOOPCAST_YOUTUBE_CLIENT_ID, LOOPCAST_YOUTUBE_CLIENT_SECRET and LOOPCAST_YOUTUBE_REFRESH_TOKEN "
                   "(or youtube_client_id/_secret/_refresh_token in the stream's entry; `loopcast youtube-auth` makes the token)");
  return Status::ok();
}
}  // namespace

Status validate(const AppConfig& cfg) {
  const auto& e = cfg.engine;
  auto invalid = [](std::string m) { return Error{std::move(m), Errc::invalid}; };
  if (e.width < 16 || e.width > 3840 || e.height < 16 || e.height > 2160 || e.width % 2 || e.height % 2)
    return invalid(fmt::format("size {}x{}: width and height must be even, 16..3840 x 16..2160", e.width, e.height));
  for (const auto& k : keys()) {  // every key's own range, from its row of the table
    if (!k.range.value) continue;
    if (const double v = k.range.value(cfg); !k.range.holds(v)) return invalid(fmt::format("{} {}: must be {}", k.name, v, k.range.text));
  }
  if (e.sample_rate != 44100 && e.sample_rate != 48000) return invalid(fmt::format("sample_rate {}: must be 44100 or 48000", e.sample_rate));
  static const char* presets[] = {"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo"};
  if (std::none_of(std::begin(presets), std::end(presets), [&](const char* p) { return e.preset == p; }))
    return invalid(fmt::format("preset '{}': not an x264 preset (ultrafast..placebo)", e.preset));
  if (e.video_mode == "splice" && (e.overlay.enabled || e.crossfade > 0))
    return invalid("video_mode splice: the overlay and crossfade draw on every frame; use encode or auto");
  if (e.video_mode == "splice" && (e.visualizer.enabled() || e.background == "art"))
    return invalid("video_mode splice: the visualizer and the art background draw the picture; use encode or auto");
  if (const auto& vz = e.visualizer; vz.enabled()) {
    if (vz.position != "bottom" && vz.position != "top" && vz.position != "center")
      return invalid(fmt::format("visualizer_position '{}': must be bottom, top or center", vz.position));
    if (vz.width < 0 || vz.width > e.width) return invalid(fmt::format("visualizer_width {}: must be 0..{} px", vz.width, e.width));
    if (vz.height < 16 || vz.height > e.height) return invalid(fmt::format("visualizer_height {}: must be 16..{} px", vz.height, e.height));
    if (vz.opacity < 0 || vz.opacity > 1) return invalid(fmt::format("visualizer_opacity {}: must be 0..1", vz.opacity));
    uint8_t yuv[3], alpha;
    if (!parse_yuv_color(vz.color, yuv, &alpha)) return invalid(fmt::format("visualizer_color '{}': not a colour (a name or #rrggbb)", vz.color));
  }
  const auto& ov = e.overlay;
  static const char* corners[] = {"bottom-left", "bottom-right", "top-left", "top-right"};
  if (std::none_of(std::begin(corners), std::end(corners), [&](const char* c) { return ov.position == c; }))
    return invalid(fmt::format("overlay_position '{}': must be bottom-left, bottom-right, top-left or top-right", ov.position));
  if (ov.art && (ov.art_size < 16 || ov.art_size > e.height / 2))
    return invalid(fmt::format("overlay_art_size {}: must be 16..{} px (half the picture height)", ov.art_size, e.height / 2));
  if (!cfg.control.tls.ca_file.empty() && !std::ifstream(cfg.control.tls.ca_file).good())
    return invalid(fmt::format("ca_file '{}': cannot be read", cfg.control.tls.ca_file));
  if (e.loop.empty()) return invalid("no loop video: give --loop or put loops in the loops directory");
  if (e.outputs.empty()) return invalid("no output: give --output (rtmp://, rtmps:// or a .flv file) or set LOOPCAST_STREAM_KEY");
  for (const auto& o : e.outputs) {
    const bool rtmp = o.rfind("rtmp://", 0) == 0 || o.rfind("rtmps://", 0) == 0;
    const bool flv = o.find("://") == std::string::npos && o.size() > 4 && o.substr(o.size() - 4) == ".flv";
    if (!rtmp && !flv) return invalid(fmt::format("output '{}': expected rtmp://, rtmps:// or a path ending in .flv", redact_url(o, true)));
    if (o.find("{key}") != std::string::npos) return invalid("output contains {key} but LOOPCAST_STREAM_KEY is not set");
  }
  const auto& c = cfg.control;
  if (c.azuracast_url.empty() != c.station.empty()) return invalid("azuracast and station go together: give both or neither");
  if (c.https_cert.empty() != c.https_key.empty()) return invalid("https_cert and https_key go together: give both or neither");
  // Both must be PEM files this process can read; whether they make a pair, OpenSSL says when the
  // server starts (api/http/tls_context.cpp), with the same key names in its message.
  for (const auto& [key, path] : {std::pair{"https_cert", c.https_cert}, {"https_key", c.https_key}}) {
    if (path.empty()) continue;
    std::ifstream in(path);
    if (!in) return invalid(fmt::format("{} '{}': cannot be read", key, path));
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.find("-----BEGIN ") == std::string::npos)
      return invalid(fmt::format("{} '{}': not a PEM file (no -----BEGIN line)", key, path));
  }
  return validate_youtube(c.youtube);
}

std::vector<std::string> config_key_names() {
  std::vector<std::string> names;
  for (const auto& k : keys()) names.emplace_back(k.name);
  return names;
}

std::vector<ConfigKeyInfo> config_keys() {
  std::vector<ConfigKeyInfo> out;
  for (const auto& k : keys())
    out.push_back(ConfigKeyInfo{k.name, k.help, k.default_text, k.range, k.kind != Kind::flag_true && k.kind != Kind::flag_false});
  return out;
}

const std::vector<EnvVarInfo>& config_environment() {
  static const std::vector<EnvVarInfo> vars = {
      {"LOOPCAST_STREAM_KEY", "the ingest's stream key: fills `{key}` in outputs; alone, selects YouTube's primary RTMPS ingest"},
      {"LOOPCAST_OUTPUT", "one output URL or .flv path (as `--output`)"},
      {"LOOPCAST_API_TOKEN", "bearer token for mutating API calls (as `--api-token`)"},
      {"LOOPCAST_WEBHOOK_USER", "Basic-auth user for the AzuraCast webhook (as `--webhook-user`)"},
      {"LOOPCAST_WEBHOOK_PASSWORD", "its password (as `--webhook-password`)"},
      {"LOOPCAST_CONTROL_DIR", "directory of status.json / control.json (as `--control-dir`)"},
      {"LOOPCAST_HTTP_PORT", "HTTP API port (as `--http-port`)"},
      {"LOOPCAST_SHARD_INDEX", "this replica's index for `--shard auto` (Kubernetes: the `apps.kubernetes.io/pod-index` label)"},
      {"POD_NAME", "for `--shard auto` without LOOPCAST_SHARD_INDEX: the index is the name's -N suffix (else HOSTNAME's)"},
      {"LOOPCAST_REPLICAS", "the replica count for `--shard auto` without `--replicas`"},
      {"LOOPCAST_YOUTUBE_CLIENT_ID", "OAuth client id for `--youtube` (as `youtube_client_id`)"},
      {"LOOPCAST_YOUTUBE_CLIENT_SECRET", "its client secret (as `youtube_client_secret`)"},
      {"LOOPCAST_YOUTUBE_REFRESH_TOKEN", "the refresh token `loopcast youtube-auth` stored (as `youtube_refresh_token`)"},
  };
  return vars;
}

std::string cli_usage() {
  std::string s = "loopcast run flags (a JSON config file takes the same keys with '_'):\n";
  for (const auto& k : keys()) {
    std::string flag = flag_name(k.name);
    const bool is_switch = k.kind == Kind::flag_true || k.kind == Kind::flag_false;
    if (!is_switch) flag += " V";
    const std::string bounds = k.range.value ? fmt::format(", {}", k.range.text) : std::string();
    s += fmt::format("  {:<24} {}{} (default: {})\n", flag, k.help, bounds, k.default_text);
  }
  s += "environment:";
  for (const auto& v : config_environment()) s += fmt::format(" {}", v.name);
  s += "\n";
  return s;
}

}  // namespace loopcast
