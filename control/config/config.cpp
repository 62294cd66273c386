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
#include <type_traits>

#include "base/json_text.hpp"
#include "base/redact.hpp"
#include "base/url.hpp"
#include "control/mapping/loop_ref.hpp"
#include "control/mapping/track_map.hpp"
#include "base/bitrate.hpp"
#include "engine/output/output_kind.hpp"
#include "engine/output/output_profile.hpp"
#include "engine/output/platform.hpp"
#include "engine/video/yuv_color.hpp"

namespace loopcast {
namespace {

// How a key's JSON value is read (json_as_text); `flag` is a switch given without a value on the CLI.
enum class Kind { str, integer, number, number_or_off, boolean, bitrate, size, output, flag, json };

constexpr double kNoMax = std::numeric_limits<double>::infinity();

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

Result<int64_t> parse_bitrate(const std::string& key, const std::string& v) {
  if (v.empty()) return bad(key, v, "empty");
  if (auto bps = bitrate_from_text(v)) return *bps;
  return bad(key, v, "expected bits per second like 2500k or 2.5M");
}

Result<bool> parse_bool(const std::string& key, const std::string& v) {
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  return bad(key, v, "expected true or false");
}

template <class T>
Status assign(Result<T> r, T& out) {
  if (!r) return r.forward();
  out = *r;
  return Status::ok();
}

Status set_int(Result<int64_t> r, int& out) {
  if (!r) return r.forward();
  out = static_cast<int>(*r);
  return Status::ok();
}

// The part of AppConfig that holds a member, so a row names its field by a member pointer alone
// (&EngineConfig::fps, &YouTubeConfig::poll) and setter and range cannot point at different fields.
template <class Part, class Config>
auto& part_of(Config& c) {
  if constexpr (std::is_same_v<Part, EngineConfig>) return c.engine;
  else if constexpr (std::is_same_v<Part, OverlayConfig>) return c.engine.overlay;
  else if constexpr (std::is_same_v<Part, LogoConfig>) return c.engine.logo;
  else if constexpr (std::is_same_v<Part, TitleCardConfig>) return c.engine.title_card;
  else if constexpr (std::is_same_v<Part, VisualizerConfig>) return c.engine.visualizer;
  else if constexpr (std::is_same_v<Part, ControlConfig>) return c.control;
  else if constexpr (std::is_same_v<Part, YouTubeConfig>) return c.control.youtube;
  else {
    static_assert(std::is_same_v<Part, TlsPolicy>, "a part of AppConfig");
    return c.control.tls;
  }
}

// Reads a key's value (in its CLI text form) into the config; `key` names it in errors.
using Setter = std::function<Status(AppConfig&, const char* key, const std::string& value)>;
using SetterFn = Status (*)(AppConfig&, const char* key, const std::string& value);

// A number key's accepted values, as --help and the errors write them; no text = no bounds.
struct Bounds {
  double min = 0, max = 0;
  bool min_open = false;
  const char* text = nullptr;
};
Bounds in(double min, double max, const char* text) { return {min, max, false, text}; }
Bounds above(double min, double max, const char* text) { return {min, max, true, text}; }  // (min, max]
Bounds at_least(double min, const char* text) { return {min, kNoMax, false, text}; }

// How a key is read: its JSON kind, its setter and, for a bounded number, its range (checked by
// validate() on the final config, from file, flags and environment alike).
struct Parse {
  Kind kind;
  Setter set;
  ConfigRange range{};
};

template <class Part, class T>
ConfigRange range_of(T Part::*m, Bounds b) {
  if (!b.text) return {};
  return ConfigRange{[m](const AppConfig& c) { return static_cast<double>(part_of<Part>(c).*m); }, b.min, b.max, b.min_open, b.text};
}

template <class Part>
Parse text(std::string Part::*m) {
  return {Kind::str, [m](AppConfig& c, const char*, const std::string& v) {
            part_of<Part>(c).*m = v;
            return Status::ok();
          }};
}

// A password or token: hidden in every log line from the moment it is read.
template <class Part>
Parse secret(std::string Part::*m) {
  return {Kind::str, [m](AppConfig& c, const char*, const std::string& v) {
            part_of<Part>(c).*m = v;
            register_secret(v);
            return Status::ok();
          }};
}

// One value of an enum, read by the parse_x() beside it; `words` ("a|b|c") are named in the error.
template <class Part, class Enum>
Parse choice(Enum Part::*m, std::optional<Enum> (*parse)(std::string_view), const char* words) {
  const std::string expected = std::string("expected ") + words;
  return {Kind::str, [m, parse, expected](AppConfig& c, const char* key, const std::string& v) -> Status {
            const auto value = parse(v);
            if (!value) return bad(key, v, expected);
            part_of<Part>(c).*m = *value;
            return Status::ok();
          }};
}

// One of a fixed set of words, kept as text.
template <class Part>
Parse one_of(std::string Part::*m, std::vector<std::string> words) {
  std::string expected = "expected ";
  for (const auto& w : words) expected += (&w == &words.front() ? "" : "|") + w;
  return {Kind::str, [m, words, expected](AppConfig& c, const char* key, const std::string& v) -> Status {
            if (std::find(words.begin(), words.end(), v) == words.end()) return bad(key, v, expected);
            part_of<Part>(c).*m = v;
            return Status::ok();
          }};
}

template <class Part>
Parse integer(int Part::*m, Bounds b = {}) {
  auto set = [m](AppConfig& c, const char* key, const std::string& v) { return set_int(parse_int(key, v), part_of<Part>(c).*m); };
  return {Kind::integer, set, range_of(m, b)};
}

template <class Part>
Parse number(double Part::*m, Bounds b = {}) {
  auto set = [m](AppConfig& c, const char* key, const std::string& v) { return assign(parse_number(key, v), part_of<Part>(c).*m); };
  return {Kind::number, set, range_of(m, b)};
}

template <class Part>
Parse bitrate(int64_t Part::*m, Bounds b) {
  auto set = [m](AppConfig& c, const char* key, const std::string& v) { return assign(parse_bitrate(key, v), part_of<Part>(c).*m); };
  return {Kind::bitrate, set, range_of(m, b)};
}

template <class Part>
Parse boolean(bool Part::*m) {
  auto set = [m](AppConfig& c, const char* key, const std::string& v) { return assign(parse_bool(key, v), part_of<Part>(c).*m); };
  return {Kind::boolean, set};
}

// A switch (--no-realtime): given, it sets the member to `to`.
template <class Part>
Parse flag(bool Part::*m, bool to) {
  return {Kind::flag, [m, to](AppConfig& c, const char*, const std::string&) {
            part_of<Part>(c).*m = to;
            return Status::ok();
          }};
}

// A key with a parse function of its own (below).
Parse custom(Kind kind, SetterFn set) { return {kind, set}; }

Status set_config(AppConfig& c, const char*, const std::string& v) { return apply_config_file(c, v); }

Status add_output(AppConfig& c, const char*, const std::string& v) {
  c.engine.outputs.push_back(v);
  return Status::ok();
}

Status set_size(AppConfig& c, const char* key, const std::string& v) {
  auto size = parse_picture_size(v);
  if (!size) return bad(key, v, "expected WIDTHxHEIGHT like 1280x720");
  c.engine.width = size->width;
  c.engine.height = size->height;
  return Status::ok();
}

// Its range is part of the parse: "off" is a value too, and the table shows the range in the help.
Status set_loudness_target(AppConfig& c, const char* key, const std::string& v) {
  if (v == "off") {
    c.engine.loudness_target.reset();
    return Status::ok();
  }
  auto lufs = parse_number(key, v);
  if (!lufs) return lufs.forward();
  if (*lufs < -30 || *lufs > -5) return bad(key, v, "expected -30..-5 LUFS or off");
  c.engine.loudness_target = *lufs;
  return Status::ok();
}

Status set_azuracast(AppConfig& c, const char* key, const std::string& v) {
  const auto scheme = v.find("://");
  const bool web = v.rfind("http://", 0) == 0 || v.rfind("https://", 0) == 0;
  if (!web || scheme + 3 >= v.size() || v[scheme + 3] == '/') return bad(key, redact_url(v), "expected http(s)://HOST[:PORT][/PATH]");
  c.control.azuracast_url = v.substr(0, v.find_last_not_of('/') + 1);
  return Status::ok();
}

Status set_station(AppConfig& c, const char* key, const std::string& v) {
  auto slug_char = [](unsigned char ch) { return std::isalnum(ch) || ch == '_' || ch == '-'; };
  if (v.empty() || v.size() > 100 || !std::all_of(v.begin(), v.end(), slug_char))
    return bad(key, v, "expected the station's shortcode (letters, digits, '_', '-')");
  c.control.station = v;
  return Status::ok();
}

Status set_timezone(AppConfig& c, const char* key, const std::string& v) {
  if (auto z = TimeZone::locate(v); !z) return bad(key, v, z.error());
  c.control.timezone = v;
  return Status::ok();
}

Status set_schedule(AppConfig& c, const char*, const std::string& v) {
  auto w = parse_windows(v);
  if (!w) return w.forward();
  c.control.schedule = std::move(*w);
  return Status::ok();
}

// Help texts too long to sit in their row.
namespace help {
constexpr const char* fit =
    "contain|cover|stretch: a loop of another shape (4:3, anamorphic, portrait) is shown whole with black bars, fills the frame "
    "cropped at the centre, or is stretched; pixel aspect and rotation are honoured";
constexpr const char* loudness_target =
    "even the station out to this loudness, LUFS (YouTube plays at about -14): a slow gain and a true-peak limiter (-1 dBTP after AAC); "
    "-30..-5 or off. Loudness is measured and shown either way";
constexpr const char* output =
    "rtmp(s)://, youtube://KEY, twitch://KEY, facebook://KEY (checked against the platform's limits), srt://host:port, "
    "youtube-hls://KEY or hls+https://host/path/ URL, hls:DIR or .flv file; repeatable ({key} = $LOOPCAST_STREAM_KEY); "
    "#size=WxH&vbitrate=6000k&codec=hevc after it: that output's own encode (or splice cache)";
constexpr const char* overlay_position = "bottom-left|bottom-right|top-left|top-right";
constexpr const char* logo = "station logo, a PNG with transparency: drawn on every frame (encode), baked into cached loops (splice)";
constexpr const char* title_card =
    "seconds of 'Artist \u2013 Title' (and 'Up next') over each song, 0 = off: composed ahead and spliced, or drawn in encode mode";
constexpr const char* title_card_every =
    "show the song's title card again every N seconds of a long song (splice: at a loop pass start), 0 = once";
constexpr const char* logo_size = "logo width on the picture in pixels (the height keeps its aspect), within the picture's margins";
constexpr const char* visualizer = "bars|wave|spectrum|off: draw the audio over the loop (encode mode)";
constexpr const char* visualizer_width = "visualiser width in pixels, 0 = the picture's, up to the picture's";
constexpr const char* background =
    "loop|art: art = the song's cover (blurred, full frame) with the sharp cover and its text; no art = the loop";
constexpr const char* live_loop =
    "loop NAME (in the loops dir) or @live (the song's cover with 'Live: DJ') while AzuraCast says a DJ is live; "
    "the mapping resumes when they leave";
constexpr const char* codec =
    "h264|hevc: hevc (libx265, 3x the CPU of h264 live; in splice mode paid once per loop) only for hls:, youtube-hls, "
    "hls+https and srt outputs; an output's #codec= overrides it";
constexpr const char* video_mode = "encode|splice|auto: splice copies pre-encoded loops (auto: when no overlay/crossfade)";
constexpr const char* https_cert =
    "PEM certificate (chain) file: serve the API and dashboard over HTTPS; with --https-key; reloaded on SIGHUP";
constexpr const char* ca_file = "PEM CA bundle for TLS peers (ingest, station, art, AzuraCast) instead of the system's";
constexpr const char* tls_insecure = "do NOT verify TLS certificates (tests only: the stream key may go to anyone)";
constexpr const char* schedule = "stream windows: 'mon-fri 06:00-23:00; sat,sun 08:00-12:00' or a JSON list";
constexpr const char* shard =
    "INDEX/COUNT or auto: run only the streams that rendezvous hashing of their id gives this replica (auto: INDEX from "
    "LOOPCAST_SHARD_INDEX or the pod name's -N, COUNT from --replicas)";
constexpr const char* replicas = "how many replicas share the streams, for --shard auto; 0 = LOOPCAST_REPLICAS";
constexpr const char* peer_url =
    "each replica's API, {index} = its ordinal, e.g. http://loopcast-{index}.loopcast:8080: any replica answers for every stream";
constexpr const char* youtube =
    "watch the YouTube broadcast of this stream's key and put a new one on air when YouTube ends it (needs LOOPCAST_YOUTUBE_*)";
constexpr const char* youtube_privacy =
    "public|unlisted|private for a broadcast loopcast creates (unlisted: nothing goes public unless you say so)";
constexpr const char* youtube_auto_start = "a created broadcast starts itself (enableAutoStart); false: loopcast makes it live";
constexpr const char* youtube_song_interval = "seconds between two song-title updates at least";
constexpr const char* youtube_latency = "normal|low|ultraLow latency of a created broadcast";
constexpr const char* youtube_poll = "seconds between two looks at YouTube (about 2.3 units each)";
constexpr const char* youtube_api_url = "YouTube Data API v3 base URL (tests: a fake on loopback)";
constexpr const char* youtube_quota = "YouTube Data API units per day (resets at midnight Pacific time)";
constexpr const char* youtube_client_secret = "OAuth client secret (or LOOPCAST_YOUTUBE_CLIENT_SECRET; redacted)";
constexpr const char* youtube_refresh_token =
    "OAuth refresh token from `loopcast youtube-auth` (or LOOPCAST_YOUTUBE_REFRESH_TOKEN; redacted)";
}  // namespace help

// One setting: its JSON key (flag = "--" + key with '_' → '-'), how to read it, where it goes,
// and what --help says of it. Its default and range live here and nowhere else: --help shows them,
// validate() checks the range on the final config (file, flags and environment alike).
struct Key {
  Key(const char* name, Parse parse, const char* help, const char* default_text)
      : name(name), kind(parse.kind), set(std::move(parse.set)), range(std::move(parse.range)), help(help), default_text(default_text) {}
  const char* name;
  Kind kind;
  Setter set;
  ConfigRange range;
  const char* help;
  const char* default_text;  // as --help shows it; the unit test holds it to AppConfig's defaults
};

using E = EngineConfig;
using Ov = OverlayConfig;
using Lg = LogoConfig;
using Tc = TitleCardConfig;
using Vz = VisualizerConfig;
using C = ControlConfig;
using Yt = YouTubeConfig;

const std::vector<Key>& keys() {
  static const std::vector<Key> k = {
      {"config", custom(Kind::str, set_config), "JSON config file (applied first)", "none"},
      {"loop", text(&E::loop), "first loop video", "a loop from the loops dir"},
      {"audio", text(&E::audio), "station stream URL or audio file", "a generated tone"},
      {"fallback_audio", text(&E::fallback_audio), "audio file played while the station is down", "silence"},
      {"output", custom(Kind::output, add_output), help::output, "YouTube's ingest with $LOOPCAST_STREAM_KEY"},
      {"size", custom(Kind::size, set_size), "output size, even, 16x16..3840x2160", "1280x720"},
      {"fit", choice(&E::fit, parse_fit_mode, "contain|cover|stretch"), help::fit, "contain"},
      {"fps", integer(&E::fps, in(1, 60, "1..60")), "output frame rate", "30"},
      {"vbitrate", bitrate(&E::video_bitrate, in(100000, 20000000, "100k..20M")), "video bitrate, CBR", "2500k"},
      {"abitrate", bitrate(&E::audio_bitrate, in(32000, 320000, "32k..320k")), "AAC bitrate", "128k"},
      {"sample_rate", integer(&E::sample_rate), "44100 or 48000", "44100"},
      {"preset", text(&E::preset), "x264 preset", "veryfast"},
      {"keyframe_interval", number(&E::keyframe_interval, in(0.5, 4, "0.5..4 s (YouTube)")), "seconds between keyframes", "2"},
      {"x264_threads", integer(&E::x264_threads), "encoder threads, 0 = auto", "0"},
      {"io_timeout", number(&E::io_timeout, above(0, 300, "(0, 300] s")), "seconds before a stalled network read/write fails", "10"},
      {"audio_buffer", number(&E::audio_buffer, in(0.05, 10, "0.05..10 s")), "live audio jitter buffer, seconds", "0.5"},
      {"loudness_target", custom(Kind::number_or_off, set_loudness_target), help::loudness_target, "off"},
      {"crossfade", number(&E::crossfade, in(0, 5, "0..5 s")), "seconds of blend between loops on a switch", "0"},
      {"realtime", boolean(&E::realtime), "pace against the wall clock", "true"},
      {"no_realtime", flag(&E::realtime, false), "encode as fast as possible (files, tests)", "off"},
      {"speed", number(&E::speed, in(1, 1000, "1..1000")), "media seconds per wall second when pacing (soaks)", "1"},
      {"duration", number(&E::duration, at_least(0, ">= 0")), "stop after this many seconds, 0 = forever", "0"},
      {"overlay", boolean(&Ov::enabled), "draw 'Artist \u2013 Title' on the video", "false"},
      {"overlay_font", text(&Ov::font), "overlay TTF font file", "DejaVu Sans Bold"},
      {"overlay_size", integer(&Ov::size, in(8, 200, "8..200 px")), "overlay font size in pixels", "36"},
      {"overlay_position", choice(&Ov::position, parse_overlay_corner, help::overlay_position), help::overlay_position, "bottom-left"},
      {"overlay_art", boolean(&Ov::art), "show the webhook's cover art (song.art) beside the text", "false"},
      {"overlay_art_size", integer(&Ov::art_size), "cover art square in pixels, 16..half the picture height", "160"},
      {"logo", text(&Lg::file), help::logo, "none"},
      {"logo_position", choice(&Lg::position, parse_corner, help::overlay_position), help::overlay_position, "top-right"},
      {"logo_size", integer(&Lg::size, in(16, 3840, "16..3840 px")), help::logo_size, "160"},
      {"logo_opacity", number(&Lg::opacity, in(0, 1, "0..1")), "logo opacity, times the PNG's own alpha", "1"},
      {"title_card", number(&Tc::seconds, in(0, 60, "0..60 s")), help::title_card, "0"},
      {"title_card_every", number(&Tc::every, in(0, 3600, "0..3600 s")), help::title_card_every, "0"},
      {"title_card_font", text(&Tc::font), "title card TTF font file", "DejaVu Sans Bold"},
      {"title_card_size", integer(&Tc::size, in(12, 120, "12..120 px")), "title card text height at 720 lines (scaled)", "44"},
      {"visualizer", choice(&Vz::mode, parse_visualizer_mode, "bars|wave|spectrum|off"), help::visualizer, "off"},
      {"visualizer_position", choice(&Vz::position, parse_visualizer_position, "bottom|top|center"), "bottom|top|center", "bottom"},
      {"visualizer_width", integer(&Vz::width), help::visualizer_width, "0"},
      {"visualizer_height", integer(&Vz::height), "visualiser height in pixels, 16..the picture's", "120"},
      {"visualizer_color", text(&Vz::color), "visualiser colour: a name or #rrggbb", "white"},
      {"visualizer_opacity", number(&Vz::opacity, in(0, 1, "0..1")), "visualiser opacity", "0.7"},
      {"background", choice(&E::background, parse_background, "loop|art"), help::background, "loop"},
      {"video_mode", choice(&E::video_mode, parse_video_mode, "encode|splice|auto"), help::video_mode, "encode"},
      {"codec", choice(&E::codec, parse_video_codec, "h264|hevc"), help::codec, "h264"},
      {"cache_dir", text(&E::cache_dir), "pre-encoded loop cache for splice mode", "~/.cache/loopcast"},
      {"http_bind", text(&C::http_bind), "HTTP API address", "127.0.0.1"},
      {"http_port", integer(&C::http_port, in(0, 65535, "0..65535")), "HTTP API port, 0 = off", "8080"},
      {"https_cert", text(&C::https_cert), help::https_cert, "none: plain HTTP"},
      {"https_key", text(&C::https_key), "PEM private key file of --https-cert", "none"},
      {"api_token", secret(&C::api_token), "bearer token for mutating API calls (prefer $LOOPCAST_API_TOKEN)", "none: no auth"},
      {"webhook_user", text(&C::webhook_user), "Basic-auth user for /webhook/azuracast", "none: no auth"},
      {"webhook_password", secret(&C::webhook_password), "Basic-auth password (prefer $LOOPCAST_WEBHOOK_PASSWORD)", "none"},
      {"control_dir", text(&C::control_dir), "directory for status.json/control.json", "off"},
      {"loops_dir", text(&C::loops_dir), "where loop names resolve", "assets/loops"},
      {"mapping", text(&C::mapping_file), "track → loop rules, JSON (reload: SIGHUP or API)", "none: the default loop only"},
      {"switch_delay", number(&C::switch_delay, in(0, 120, "0..120 s")), "seconds from webhook to picture change", "0"},
      {"azuracast", custom(Kind::str, set_azuracast), "AzuraCast base URL: follow its now-playing feed (needs --station)", "off"},
      {"station", custom(Kind::str, set_station), "AzuraCast station shortcode for --azuracast", "none"},
      {"icy_switch", flag(&C::icy_switch, true), "switch loops on in-band ICY StreamTitle changes", "off"},
      {"live_loop", text(&C::live_loop), help::live_loop, "none: the mapping goes on"},
      {"watchdog", number(&C::watchdog_timeout, at_least(0, ">= 0")), "restart when no packet for N s, 0 = off", "30"},
      {"autostart", boolean(&C::autostart), "start streaming at launch", "true"},
      {"no_autostart", flag(&C::autostart, false), "wait for a start command", "off: autostart"},
      {"ca_file", text(&TlsPolicy::ca_file), help::ca_file, "the system's"},
      {"tls_insecure", flag(&TlsPolicy::verify, false), help::tls_insecure, "off: verify"},
      {"log_level", choice(&C::log_level, log::parse_level, "debug|info|warn|error"), "debug|info|warn|error", "info"},
      {"timezone", custom(Kind::str, set_timezone), "IANA zone for time rules and the schedule, e.g. Europe/Berlin", "the system's"},
      {"schedule", custom(Kind::json, set_schedule), help::schedule, "always on"},
      {"shard", text(&C::shard), help::shard, "none: every stream"},
      {"replicas", integer(&C::replicas, in(0, 1000, "0..1000")), help::replicas, "0"},
      {"peer_url", text(&C::peer_url), help::peer_url, "none: this replica's streams only"},
      {"youtube", boolean(&Yt::enabled), help::youtube, "false"},
      {"youtube_title", text(&Yt::title), "title of a broadcast loopcast creates: {station}, {date}, {song}", "'{station} \u2013 24/7'"},
      {"youtube_privacy", one_of(&Yt::privacy, {"public", "unlisted", "private"}), help::youtube_privacy, "unlisted"},
      {"youtube_song_title", boolean(&Yt::song_title), "the live broadcast's title follows the song (50 quota units each)", "false"},
      {"youtube_song_interval", number(&Yt::song_interval, in(10, 86400, "10..86400 s")), help::youtube_song_interval, "300"},
      {"youtube_auto_start", boolean(&Yt::auto_start), help::youtube_auto_start, "false"},
      {"youtube_auto_stop", boolean(&Yt::auto_stop), "a created broadcast ends when the ingest stops (enableAutoStop)", "false"},
      {"youtube_latency", one_of(&Yt::latency, {"normal", "low", "ultraLow"}), help::youtube_latency, "normal"},
      {"youtube_quota", integer(&Yt::quota, in(200, 100000000, "200..100000000")), help::youtube_quota, "10000"},
      {"youtube_poll", number(&Yt::poll, in(0.2, 3600, "0.2..3600 s")), help::youtube_poll, "30"},
      {"youtube_api_url", text(&Yt::api_url), help::youtube_api_url, "https://www.googleapis.com/youtube/v3"},
      {"youtube_oauth_url", text(&Yt::oauth_url), "Google OAuth base URL (its /device/code and /token)", "https://oauth2.googleapis.com"},
      {"youtube_client_id", text(&Yt::client_id), "OAuth client id (or LOOPCAST_YOUTUBE_CLIENT_ID)", "$LOOPCAST_YOUTUBE_CLIENT_ID"},
      {"youtube_client_secret", text(&Yt::client_secret), help::youtube_client_secret, "$LOOPCAST_YOUTUBE_CLIENT_SECRET"},
      {"youtube_refresh_token", text(&Yt::refresh_token), help::youtube_refresh_token, "$LOOPCAST_YOUTUBE_REFRESH_TOKEN"},
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
    case Kind::flag:
      if (!v.IsBool()) return wrong("true or false");
      return std::string(v.GetBool() ? "true" : "false");
    case Kind::json: {
      if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
      rapidjson::StringBuffer sb;
      rapidjson::Writer<rapidjson::StringBuffer> w(sb);
      v.Accept(w);
      return std::string(sb.GetString(), sb.GetSize());
    }
  }
  return wrong("a value");
}

// An output of a config file: a string as on the command line, or {"url": ..., "size": ...,
// "vbitrate": ..., "codec": ...}, the object form of "URL#size=...&vbitrate=...&codec=..."
// (engine/output/output_profile.hpp checks the values; here only their JSON types).
Result<std::string> output_from_json(const rapidjson::Value& v) {
  if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
  const char* want = "config key 'output': expected strings or objects {\"url\", \"size\", \"vbitrate\", \"codec\"}";
  if (!v.IsObject()) return Error{want, Errc::invalid};
  std::string url, profile;
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    const std::string key = m->name.GetString();
    if (key != "url" && key != "size" && key != "vbitrate" && key != "codec")
      return Error{fmt::format("config key 'output': unknown key '{}' (url, size, vbitrate, codec)", key), Errc::invalid};
    std::string value;
    if (m->value.IsString()) value.assign(m->value.GetString(), m->value.GetStringLength());
    else if (key == "vbitrate" && m->value.IsInt64()) value = std::to_string(m->value.GetInt64());
    else return Error{fmt::format("config key 'output': '{}' must be a string", key), Errc::invalid};
    if (key == "url") {
      url = value;
      continue;
    }
    if (value.find_first_of("&#") != std::string::npos)
      return Error{fmt::format("config key 'output': {} '{}': not a value", key, value), Errc::invalid};
    profile += fmt::format("{}{}={}", profile.empty() ? "" : "&", key, value);
  }
  if (url.empty()) return Error{"config key 'output': an object needs \"url\"", Errc::invalid};
  if (url.find('#') != std::string::npos && !profile.empty())
    return Error{"config key 'output': a profile both in \"url\" (after '#') and in keys: give one", Errc::invalid};
  return profile.empty() ? url : url + "#" + profile;
}
}  // namespace

Status apply_config_json(AppConfig& cfg, const std::string& json_text) {
  rapidjson::Document doc;
  if (Status st = parse_json(doc, json_text, "config"); !st) return st;
  if (!doc.IsObject()) return Error{"config: the top level must be a JSON object", Errc::invalid};
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    const std::string name = it->name.GetString();
    if (name == "input_backoff" || name == "output_backoff") {
      Backoff& b = name == "input_backoff" ? cfg.engine.input_backoff : cfg.engine.output_backoff;
      if (Status st = apply_backoff(b, it->value, name); !st) return st;
      continue;
    }
    if (name == "config") return Error{"config: 'config' cannot be nested", Errc::invalid};
    const Key* k = find_key(name);
    if (!k) return Error{fmt::format("unknown config key '{}'", name), Errc::invalid};
    if (k->kind == Kind::output && (it->value.IsArray() || it->value.IsObject())) {
      cfg.engine.outputs.clear();
      if (it->value.IsObject()) {
        auto o = output_from_json(it->value);
        if (!o) return o.forward();
        cfg.engine.outputs.push_back(std::move(*o));
        continue;
      }
      for (const auto& v : it->value.GetArray()) {
        auto o = output_from_json(v);
        if (!o) return o.forward();
        cfg.engine.outputs.push_back(std::move(*o));
      }
      continue;
    }
    if (k->kind == Kind::output) cfg.engine.outputs.clear();  // a file's single output replaces
    auto text = json_as_text(*k, it->value);
    if (!text) return text.forward();
    if (k->kind == Kind::flag && *text == "false") {
      if (name == "icy_switch") cfg.control.icy_switch = false;
      if (name == "no_realtime") cfg.engine.realtime = true;
      if (name == "no_autostart") cfg.control.autostart = true;
      continue;
    }
    if (Status st = k->set(cfg, k->name, *text); !st) return st;
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
    const bool is_switch = k->kind == Kind::flag;
    if (!is_switch && !has_value) {
      if (i + 1 >= args.size()) return Error{fmt::format("{}: missing value", flag_name(k->name)), Errc::invalid};
      value = args[++i];
    }
    if (name == "config") continue;
    if (k->kind == Kind::output && !outputs_from_flags) {
      cfg.engine.outputs.clear();  // flags replace the file's outputs
      outputs_from_flags = true;
    }
    if (Status st = k->set(cfg, k->name, value); !st) return Error{fmt::format("{}: {}", flag_name(k->name), st.error()), st.code()};
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
  for (const auto& given : cfg.engine.outputs) {
    const std::string o(output_address(given));  // (the '#' profile is no secret)
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
    // youtube-hls://{key} names YouTube's HLS ingest by construction (engine/output/output_kind.hpp).
    const bool youtube = host == "youtube.com" || (host.size() > 12 && host.compare(host.size() - 12, 12, ".youtube.com") == 0) ||
                         o.rfind("youtube-hls://", 0) == 0 || o.rfind("youtube-hls-backup://", 0) == 0 || o.rfind("youtube://", 0) == 0 ||
                         o.rfind("youtube-backup://", 0) == 0;
    if (!youtube)
      return Error{fmt::format("output '{}': {{key}} is filled in only on YouTube's ingest for a stream sent through the API (it "
                               "would hand the stream key to '{}'); name that output in the config file instead",
                               shown_output(o), host),
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
      return invalid(fmt::format("youtube_{}_url '{}': expected https:// (http:// only to 127.0.0.1 or localhost)",
                                 u == &y.api_url ? "api" : "oauth", redact_url(*u)));
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
  if (!picture_size_ok(e.width, e.height))
    return invalid(fmt::format("size {}x{}: width and height must be even, 16..3840 x 16..2160", e.width, e.height));
  for (const auto& k : keys()) {  // every key's own range, from its row of the table
    if (!k.range.value) continue;
    if (const double v = k.range.value(cfg); !k.range.holds(v)) return invalid(fmt::format("{} {}: must be {}", k.name, v, k.range.text));
  }
  if (e.sample_rate != 44100 && e.sample_rate != 48000)
    return invalid(fmt::format("sample_rate {}: must be 44100 or 48000", e.sample_rate));
  static const char* presets[] = {"ultrafast", "superfast", "veryfast", "faster", "fast",
                                  "medium",    "slow",      "slower",   "veryslow", "placebo"};
  if (std::none_of(std::begin(presets), std::end(presets), [&](const char* p) { return e.preset == p; }))
    return invalid(fmt::format("preset '{}': not an x264 preset (ultrafast..placebo)", e.preset));
  if (e.video_mode == VideoMode::splice && draws_per_frame(e))
    return invalid(
        "video_mode splice: the overlay, visualizer or crossfade draw on every frame; use encode or auto "
        "(title_card, logo and the art scenes are composed ahead and splice)");
  if (const auto& vz = e.visualizer; vz.enabled()) {
    if (vz.width < 0 || vz.width > e.width) return invalid(fmt::format("visualizer_width {}: must be 0..{} px", vz.width, e.width));
    if (vz.height < 16 || vz.height > e.height) return invalid(fmt::format("visualizer_height {}: must be 16..{} px", vz.height, e.height));
    uint8_t yuv[3], alpha;
    if (!parse_yuv_color(vz.color, yuv, &alpha))
      return invalid(fmt::format("visualizer_color '{}': not a colour (a name or #rrggbb)", vz.color));
  }
  const auto& ov = e.overlay;
  if (ov.art && (ov.art_size < 16 || ov.art_size > e.height / 2))
    return invalid(fmt::format("overlay_art_size {}: must be 16..{} px (half the picture height)", ov.art_size, e.height / 2));
  // The logo is read here, so a missing, alpha-less or oversized one stops the start, nothing sent.
  if (LogoConfig logo = e.logo; logo.enabled())
    if (Status st = load_logo(logo, e.width, e.height); !st) return invalid(st.error());
  if (!cfg.control.tls.ca_file.empty() && !std::ifstream(cfg.control.tls.ca_file).good())
    return invalid(fmt::format("ca_file '{}': cannot be read", cfg.control.tls.ca_file));
  if (e.loop.empty()) return invalid("no loop video: give --loop or put loops in the loops directory");
  if (e.outputs.empty())
    return invalid(
        "no output: give --output (rtmp://, rtmps://, youtube://, twitch://, facebook://, srt://, youtube-hls://, hls:DIR or a .flv file) "
        "or set LOOPCAST_STREAM_KEY");
  for (const auto& o : e.outputs) {
    if (auto target = parse_output(o); !target) return invalid(target.error());  // engine/output/output_kind.hpp: the forms
    if (o.find("{key}") != std::string::npos) return invalid("output contains {key} but LOOPCAST_STREAM_KEY is not set");
  }
  // One ingest, one output: two profiles to one address would be two sessions fighting over it.
  for (size_t i = 0; i < e.outputs.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (ingest_url(e.outputs[i]) == ingest_url(e.outputs[j]))
        return invalid(
            fmt::format("output '{}' is given twice (an output profile is one encode for one ingest)", shown_output(e.outputs[i])));
  auto renditions = plan_renditions(e);  // each output's own profile (#size=, #vbitrate=, #codec=)
  if (!renditions) return invalid(renditions.error());
  for (size_t i = 0; i < e.outputs.size(); ++i) {
    const std::string& o = e.outputs[i];
    if (Status st = check_platform(o, e); !st) return invalid(st.error());  // what YouTube, Twitch, Facebook refuse
    // FLV cannot carry HEVC in FFmpeg 5.1 ("enhanced RTMP" is 6.1).
    if (renditions->profiles[renditions->of_output[i]].codec == VideoCodec::hevc && !carries_hevc(parse_output(o)->kind))
      return invalid(
          fmt::format("codec hevc: output '{}' is FLV (RTMP or .flv), which cannot carry HEVC here (FFmpeg 5.1); "
                      "use youtube-hls://, hls:DIR or srt://, or codec h264 for that output (#codec=h264)",
                      shown_output(o)));
  }
  // Splice mode bakes the logo into each profile's cache at that profile's size: it must fit there too.
  if (e.logo.enabled() && e.video_mode != VideoMode::encode)
    for (const auto& p : renditions->profiles)
      if (EngineConfig c = with_profile(e, p); p.height != e.height)
        if (Status st = load_logo(c.logo, c.width, c.height); !st)
          return invalid(fmt::format("output profile {}x{}: {}", p.width, p.height, st.error()));
  // Splice mode caches each loop once per profile; what is composed per song (title cards, cover
  // scenes) is made for the stream's own picture only.
  if (e.video_mode == VideoMode::splice && !stream_profile_only(e) &&
      (e.title_card.enabled() || e.background == Background::art || cfg.control.live_loop == kLiveScene))
    return invalid(
        "outputs with profiles of their own (#size=, #vbitrate=, #codec=) in video_mode splice: title_card, background art "
        "and live_loop @live are composed for the stream's own picture only; use encode or auto (which encodes for them)");
  const auto& c = cfg.control;
  if (e.title_card.enabled() && !std::ifstream(e.title_card.font).good())
    return invalid(fmt::format("title_card_font '{}': cannot be read", e.title_card.font));
  if (!c.live_loop.empty() && c.live_loop != kLiveScene)
    if (auto p = resolve_loop_name(c.loops_dir, c.live_loop); !p) return invalid(fmt::format("live_loop: {}", p.error()));
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
    out.push_back(ConfigKeyInfo{k.name, k.help, k.default_text, k.range, k.kind != Kind::flag});
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
    const bool is_switch = k.kind == Kind::flag;
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
